#pragma once

/// Compile-time facts about message types that the JSON and Avro codecs share.

#include <boost/describe.hpp>
#include <boost/mp11.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace fastkafka {
namespace detail {

/// The described members of `T`, inherited ones included: the fields both
/// codecs read and write, in declaration order.
template <class T>
using json_members =
    boost::describe::describe_members<T, boost::describe::mod_public |
                                             boost::describe::mod_inherited>;

template <class T>
inline constexpr std::size_t json_member_count =
    boost::mp11::mp_size<json_members<T>>::value;

/// Type of the `I`-th described member of `T`.
template <class T, std::size_t I>
using member_type = std::remove_cvref_t<
    decltype(std::declval<T&>().*
             (boost::mp11::mp_at_c<json_members<T>, I>::pointer))>;

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};

template <class T>
struct is_sys_time : std::false_type {};
template <class D>
struct is_sys_time<std::chrono::time_point<std::chrono::system_clock, D>>
    : std::true_type {};

template <class T>
struct unwrap_optional {
  using type = T;
};
template <class T>
struct unwrap_optional<std::optional<T>> {
  using type = T;
};

/// Integers of any width; `bool` and `char` are not numbers on the wire.
template <class T>
inline constexpr bool is_integer_v =
    std::is_integral_v<T> && !std::is_same_v<T, bool> &&
    !std::is_same_v<T, char>;

template <class T>
inline constexpr bool is_described_struct_v =
    boost::describe::has_describe_members<T>::value;

template <class T>
inline constexpr bool is_described_enum_v =
    boost::describe::has_describe_enumerators<T>::value;

} // namespace detail
} // namespace fastkafka
