#pragma once

/// Decoding JSON text into described types (`json_decode`).

#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/codecs/detail/decode_failure.hpp"
#include "fastkafka/codecs/detail/field_rule.hpp"
#include "fastkafka/codecs/detail/json_number.hpp"
#include "fastkafka/codecs/detail/json_parser.hpp"
#include "fastkafka/codecs/detail/rfc3339.hpp"
#include "fastkafka/codecs/detail/traits.hpp"
#include "fastkafka/codecs/json_error.hpp"
#include "fastkafka/codecs/json_model.hpp"

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <boost/mp11.hpp>

#include <array>
#include <bitset>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace fastkafka {
namespace detail {

// Decoding parses into a Boost.JSON DOM held by a thread-local arena (no
// per-message heap traffic for ordinary payloads; see json_parser.hpp) and
// then walks each object once, dispatching keys to described members
// through a static table.

inline const char* kind_name(const boost::json::value& v) noexcept {
  switch (v.kind()) {
  case boost::json::kind::null:
    return "null";
  case boost::json::kind::bool_:
    return "boolean";
  case boost::json::kind::int64:
  case boost::json::kind::uint64:
  case boost::json::kind::double_:
    return "number";
  case boost::json::kind::string:
    return "string";
  case boost::json::kind::array:
    return "array";
  case boost::json::kind::object:
    return "object";
  }
  return "unknown";
}

[[gnu::cold]] inline bool fail_kind(decode_error& err, const char* expected,
                                    const boost::json::value& got) {
  return fail(err,
              std::string{"expected "} + expected + ", got " + kind_name(got));
}

/// The double `v` as a message shows it: the shortest text of its value,
/// or, for a number too large for a double, its JSON text (`1e400`).
[[gnu::cold]] inline std::string shown_number(const boost::json::value& v) {
  if (std::isinf(v.get_double()))
    return std::string{note_for(v).text()};
  return number_text(v.get_double());
}

/// A number too large for a double: JSON cannot carry it back out.
[[gnu::cold]] inline bool fail_infinite(decode_error& err,
                                        const boost::json::value& v,
                                        const char* type) {
  return fail(err, shown_number(v) + " is out of range for " + type);
}

template <class T>
bool decode_value(const boost::json::value& v, T& out, decode_error& err);

template <class I>
bool decode_integer(const boost::json::value& v, I& out, decode_error& err) {
  switch (v.kind()) {
  case boost::json::kind::int64: {
    auto x = v.get_int64();
    if (!std::in_range<I>(x)) [[unlikely]]
      return fail_range<I>(err, std::to_string(x));
    out = static_cast<I>(x);
    return true;
  }
  case boost::json::kind::uint64: {
    auto x = v.get_uint64();
    if (!std::in_range<I>(x)) [[unlikely]]
      return fail_range<I>(err, std::to_string(x));
    out = static_cast<I>(x);
    return true;
  }
  case boost::json::kind::double_: {
    // Python writes 3.0 for a float that holds an integer; pydantic accepts
    // it for int fields, so do we, but never a fractional value.
    double d = v.get_double();
    if (std::trunc(d) != d)
      return fail(err, "expected integer, got non-integral number " +
                           shown_number(v));
    // max + 1 is a power of two, exact in a double (max itself may not be).
    constexpr double bound =
        static_cast<double>(std::numeric_limits<I>::max()) + 1.0;
    constexpr double lower = std::is_signed_v<I> ? -bound : 0.0;
    if (!(d >= lower && d < bound))
      return fail_range<I>(err, shown_number(v));
    out = static_cast<I>(d);
    return true;
  }
  default:
    return fail_kind(err, "integer", v);
  }
}

/// Reads a double or float field. Each is the correctly rounded value of the
/// JSON text: the parser rounds doubles from the text, integers convert in
/// one rounding, and a float rounds the text again where rounding the double
/// would differ. (A long double gets the double's value.)
template <class F>
bool decode_floating(const boost::json::value& v, F& out, decode_error& err) {
  constexpr const char* type = sizeof(F) == sizeof(float) ? "float" : "double";
  switch (v.kind()) {
  case boost::json::kind::double_: {
    double d = v.get_double();
    // IEEE 754 conversion (g++ and clang define it so): beyond the float
    // range it gives an infinity, which is then reported.
    auto x = static_cast<F>(d);
    if constexpr (std::is_same_v<F, float>) {
      if (is_float_midpoint(d)) [[unlikely]]
        x = round_text<float>(note_for(v).text());
    }
    if (std::isinf(x)) [[unlikely]]
      return fail_infinite(err, v, type);
    out = x;
    return true;
  }
  case boost::json::kind::int64:
    out = static_cast<F>(v.get_int64());
    return true;
  case boost::json::kind::uint64:
    out = static_cast<F>(v.get_uint64());
    return true;
  default:
    return fail_kind(err, "number", v);
  }
}

/// Fails on the first number in `v` too large for a double, naming its path.
inline bool check_finite(const boost::json::value& v, decode_error& err) {
  switch (v.kind()) {
  case boost::json::kind::double_:
    return !std::isinf(v.get_double()) || fail_infinite(err, v, "double");
  case boost::json::kind::array: {
    const auto& arr = v.get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (!check_finite(arr[i], err)) [[unlikely]] {
        prepend_index(err, i);
        return false;
      }
    }
    return true;
  }
  case boost::json::kind::object:
    for (const auto& kv : v.get_object()) {
      if (!check_finite(kv.value(), err)) [[unlikely]] {
        prepend_key(err, {kv.key().data(), kv.key().size()});
        return false;
      }
    }
    return true;
  default:
    return true;
  }
}

template <class T, std::size_t I>
void reset_member(T& obj) {
  (obj.*boost::mp11::mp_at_c<json_members<T>, I>::pointer).reset();
}

/// How to empty member `I` when its key is absent: only optionals may be.
template <class T, std::size_t I>
constexpr void (*reset_fn())(T&) {
  if constexpr (is_optional<member_type<T, I>>::value)
    return &reset_member<T, I>;
  else
    return nullptr;
}

/// One described member: its name and how to decode into / reset it.
template <class T>
struct member_entry {
  std::string_view name;
  bool (*decode)(const boost::json::value&, T&, decode_error&);
  void (*reset)(T&); // null for required members
};

template <class T, std::size_t I>
bool decode_member(const boost::json::value& v, T& obj, decode_error& err) {
  using D = boost::mp11::mp_at_c<json_members<T>, I>;
  auto& field = obj.*D::pointer;
  if (!decode_value(v, field, err))
    return false;
  if constexpr (has_json_model<T>) {
    if (const auto& r = model_of<T>().rule(I); r && !check_rule(*r, field, err))
      return false;
  }
  return true;
}

template <class T, std::size_t... Is>
constexpr auto make_member_table(std::index_sequence<Is...>) {
  return std::array<member_entry<T>, sizeof...(Is)>{
      member_entry<T>{boost::mp11::mp_at_c<json_members<T>, Is>::name,
                      &decode_member<T, Is>, reset_fn<T, Is>()}...};
}

/// Key equality without a libc call: member names are short.
inline bool same_key(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i])
      return false;
  return true;
}

template <class T>
bool decode_struct(const boost::json::value& v, T& out, decode_error& err) {
  if (!v.is_object()) [[unlikely]]
    return fail_kind(err, "object", v);
  constexpr std::size_t n = json_member_count<T>;
  static constexpr auto table =
      make_member_table<T>(std::make_index_sequence<n>{});
  std::bitset<n> seen;
  std::size_t hint = 0;
  for (const auto& kv : v.get_object()) {
    std::string_view key{kv.key().data(), kv.key().size()};
    // Producers usually write keys in declaration order: try that first.
    std::size_t i = hint;
    if (i >= n || !same_key(table[i].name, key)) {
      i = 0;
      while (i < n && !same_key(table[i].name, key))
        ++i;
      if (i == n)
        continue; // unknown keys are ignored, as pydantic does by default
    }
    if (!table[i].decode(kv.value(), out, err)) [[unlikely]] {
      prepend_key(err, table[i].name);
      return false;
    }
    seen.set(i);
    hint = i + 1;
  }
  if (!seen.all()) { // all(), unlike count(), needs no popcount call
    for (std::size_t i = 0; i < n; ++i) {
      if (seen[i])
        continue;
      if (table[i].reset) {
        table[i].reset(out);
      } else {
        fail(err, "missing required field");
        prepend_key(err, table[i].name);
        return false;
      }
    }
  }
  return true;
}

template <class E>
bool decode_enum(const boost::json::value& v, E& out, decode_error& err) {
  if (!v.is_string()) [[unlikely]]
    return fail_kind(err, "string", v);
  std::string_view s{v.get_string().data(), v.get_string().size()};
  bool found = false;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
      [&](auto D) {
        if (!found && s == D.name) {
          out = D.value;
          found = true;
        }
      });
  if (found)
    return true;
  std::string msg =
      "unknown value \"" + std::string{s} + "\", expected one of ";
  bool first = true;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
      [&](auto D) {
        msg += first ? "\"" : ", \"";
        msg += D.name;
        msg += '"';
        first = false;
      });
  return fail(err, std::move(msg));
}

template <class T>
bool decode_value(const boost::json::value& v, T& out, decode_error& err) {
  if constexpr (std::is_same_v<T, boost::json::value>) {
    if (!check_finite(v, err)) [[unlikely]]
      return false;
    // Raw JSON member: copy out of the thread's arena into default storage.
    out = boost::json::value(v, boost::json::storage_ptr{});
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_bool()) [[unlikely]]
      return fail_kind(err, "boolean", v);
    out = v.get_bool();
    return true;
  } else if constexpr (is_integer_v<T>) {
    return decode_integer(v, out, err);
  } else if constexpr (std::is_floating_point_v<T>) {
    return decode_floating(v, out, err);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) [[unlikely]]
      return fail_kind(err, "string", v);
    const auto& s = v.get_string();
    out.assign(s.data(), s.size());
    return true;
  } else if constexpr (is_optional<T>::value) {
    if (v.is_null()) {
      out.reset();
      return true;
    }
    if (!out)
      out.emplace();
    return decode_value(v, *out, err);
  } else if constexpr (is_vector<T>::value) {
    if (!v.is_array()) [[unlikely]]
      return fail_kind(err, "array", v);
    const auto& arr = v.get_array();
    // Decode into the existing elements to reuse their buffers.
    out.resize(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
      bool ok;
      if constexpr (std::is_same_v<typename T::value_type, bool>) {
        bool b = false;
        ok = decode_value(arr[i], b, err);
        out[i] = b;
      } else {
        ok = decode_value(arr[i], out[i], err);
      }
      if (!ok) [[unlikely]] {
        prepend_index(err, i);
        return false;
      }
    }
    return true;
  } else if constexpr (is_string_map<T>::value) {
    if (!v.is_object()) [[unlikely]]
      return fail_kind(err, "object", v);
    out.clear();
    for (const auto& kv : v.get_object()) {
      std::string_view key{kv.key().data(), kv.key().size()};
      auto& slot = out[std::string{key}];
      if (!decode_value(kv.value(), slot, err)) [[unlikely]] {
        prepend_key(err, key);
        return false;
      }
    }
    return true;
  } else if constexpr (is_sys_time<T>::value) {
    if (!v.is_string()) [[unlikely]]
      return fail_kind(err, "string", v);
    std::string_view s{v.get_string().data(), v.get_string().size()};
    std::chrono::sys_seconds secs;
    std::chrono::nanoseconds frac;
    if (!parse_rfc3339(s, secs, frac))
      return fail(err, "expected RFC 3339 date-time like "
                       "2026-11-24T15:10:00.123Z, got \"" +
                           std::string{s} + "\"");
    using D = typename T::duration;
    // One second of headroom on both sides for the fraction and flooring.
    constexpr auto max_s =
        std::chrono::duration_cast<std::chrono::seconds>(D::max()).count() - 1;
    auto n = secs.time_since_epoch().count();
    if (n > max_s || n < -max_s) [[unlikely]]
      return fail(err, "\"" + std::string{s} +
                           "\" is out of range for the time_point type");
    out = T{std::chrono::floor<D>(secs.time_since_epoch()) +
            std::chrono::floor<D>(frac)};
    return true;
  } else if constexpr (is_described_enum_v<T>) {
    return decode_enum(v, out, err);
  } else if constexpr (is_described_struct_v<T>) {
    return decode_struct(v, out, err);
  } else {
    static_assert(sizeof(T) == 0,
                  "fastkafka JSON codec: unsupported type (use integers, "
                  "floating point, bool, std::string, std::optional, "
                  "std::vector, std::map<std::string, T>, "
                  "system_clock::time_point, or described enums/structs)");
    return false;
  }
}

} // namespace detail

/// Decodes `in` into `out`; on failure fills `err` (path and problem) and
/// returns false. Never throws. Unknown keys are ignored, absent
/// `std::optional` members become empty, absent other members are errors.
template <class T>
bool json_decode(std::string_view in, T& out, decode_error& err) noexcept {
  return detail::decode_guarded(err, [&] {
    return detail::parse_json(in, err, [&](const boost::json::value& doc) {
      if (detail::decode_value(doc, out, err))
        return true;
      err.path.insert(0, "$");
      return false;
    });
  });
}

/// Decodes `in` as a `T`; throws `json_error` on failure.
template <class T>
T json_decode(std::string_view in) {
  T result{};
  decode_error err;
  if (!json_decode(in, result, err))
    throw json_error(std::move(err));
  return result;
}

} // namespace fastkafka
