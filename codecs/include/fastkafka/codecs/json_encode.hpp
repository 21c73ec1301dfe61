#pragma once

/// Encoding described types as JSON text (`json_encode`).

#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/codecs/detail/encode_failure.hpp"
#include "fastkafka/codecs/detail/json_writer.hpp"
#include "fastkafka/codecs/detail/rfc3339.hpp"
#include "fastkafka/codecs/detail/traits.hpp"
#include "fastkafka/codecs/detail/type_name.hpp"
#include "fastkafka/codecs/json_error.hpp"

#include <boost/describe.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

namespace fastkafka {
namespace detail {

// The text is written directly into the caller's buffer, member keys as
// compile-time constants; nothing goes through a DOM.

/// `"name":` (with a leading comma unless first) as a compile-time array.
template <class D, bool First>
struct key_text {
  static constexpr std::size_t name_len =
      std::char_traits<char>::length(D::name);
  static constexpr std::size_t size = name_len + 3 + (First ? 0 : 1);
  static constexpr std::array<char, size> value = [] {
    std::array<char, size> a{};
    std::size_t k = 0;
    if (!First)
      a[k++] = ',';
    a[k++] = '"';
    for (std::size_t i = 0; i < name_len; ++i)
      a[k++] = D::name[i];
    a[k++] = '"';
    a[k++] = ':';
    return a;
  }();
};

template <class T>
void encode_value(const T& v, std::string& out);

template <class T>
void encode_struct(const T& v, std::string& out) {
  out.push_back('{');
  boost::mp11::mp_for_each<boost::mp11::mp_iota_c<json_member_count<T>>>(
      [&](auto i) {
        using D = boost::mp11::mp_at_c<json_members<T>, i>;
        using K = key_text<D, i == 0>;
        out.append(K::value.data(), K::size);
        try {
          encode_value(v.*D::pointer, out);
        } catch (encode_failure& f) {
          prepend_key(f, D::name);
          throw;
        }
      });
  out.push_back('}');
}

template <class E>
void encode_enum(E v, std::string& out) {
  const char* name = nullptr;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
      [&](auto D) {
        if (!name && v == D.value)
          name = D.name;
      });
  if (!name)
    throw_encode(std::to_string(static_cast<std::underlying_type_t<E>>(v)) +
                 " is not a described enumerator of " +
                 std::string{type_name<E>()});
  // Enumerator names are C++ identifiers: no escaping needed.
  out.push_back('"');
  out.append(name);
  out.push_back('"');
}

template <class T>
void encode_value(const T& v, std::string& out) {
  if constexpr (std::is_same_v<T, boost::json::value>) {
    encode_dom(v, out);
  } else if constexpr (std::is_same_v<T, boost::json::object>) {
    // E.g. a json_schema<T>() result, with numbers written the short way.
    encode_dom_object(v, out);
  } else if constexpr (std::is_same_v<T, bool>) {
    encode_bool(v, out);
  } else if constexpr (is_integer_v<T>) {
    encode_integer(v, out);
  } else if constexpr (std::is_floating_point_v<T>) {
    encode_floating(v, out);
  } else if constexpr (std::is_same_v<T, std::string>) {
    encode_string(v, out);
  } else if constexpr (is_optional<T>::value) {
    // pydantic writes None as null rather than omitting the key.
    if (v)
      encode_value(*v, out);
    else
      out.append("null", 4);
  } else if constexpr (is_vector<T>::value) {
    out.push_back('[');
    std::size_t i = 0;
    try {
      for (; i < v.size(); ++i) {
        if (i != 0)
          out.push_back(',');
        if constexpr (std::is_same_v<typename T::value_type, bool>)
          encode_value(static_cast<bool>(v[i]), out);
        else
          encode_value(v[i], out);
      }
    } catch (encode_failure& f) {
      prepend_index(f, i);
      throw;
    }
    out.push_back(']');
  } else if constexpr (is_string_map<T>::value) {
    out.push_back('{');
    bool first = true;
    for (const auto& [key, value] : v) {
      if (!first)
        out.push_back(',');
      first = false;
      try {
        encode_string(key, out);
        out.push_back(':');
        encode_value(value, out);
      } catch (encode_failure& f) {
        prepend_key(f, key);
        throw;
      }
    }
    out.push_back('}');
  } else if constexpr (is_sys_time<T>::value) {
    encode_rfc3339(v, out);
  } else if constexpr (is_described_enum_v<T>) {
    encode_enum(v, out);
  } else if constexpr (is_described_struct_v<T>) {
    encode_struct(v, out);
  } else {
    static_assert(sizeof(T) == 0,
                  "fastkafka JSON codec: unsupported type (use integers, "
                  "floating point, bool, std::string, std::optional, "
                  "std::vector, std::map<std::string, T>, "
                  "system_clock::time_point, or described enums/structs)");
  }
}

} // namespace detail

/// Appends the JSON text of `value` to `out`.
///
/// Throws `json_error` (naming the path) for values JSON cannot carry: NaN
/// or infinite floating point, strings that are not valid UTF-8, enum values
/// without a described name, years outside 0000..9999. On throw, `out` is
/// left as it was.
template <class T>
void json_encode(const T& value, std::string& out) {
  auto old_size = out.size();
  try {
    detail::encode_value(value, out);
  } catch (detail::encode_failure& f) {
    out.resize(old_size);
    throw json_error(decode_error{"$" + f.path, std::move(f.message)});
  }
}

/// Returns the JSON text of `value`; throws like the appending overload.
template <class T>
std::string json_encode(const T& value) {
  std::string out;
  json_encode(value, out);
  return out;
}

} // namespace fastkafka
