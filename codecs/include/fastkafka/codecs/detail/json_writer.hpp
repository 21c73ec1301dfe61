#pragma once

/// JSON text of strings, numbers and Boost.JSON values, written directly.

#include "fastkafka/codecs/detail/encode_failure.hpp"
#include "fastkafka/codecs/detail/utf8.hpp"

#include <boost/json/value.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <type_traits>

namespace fastkafka {
namespace detail {

// Boost.JSON 1.81's serializer prints `2.5` as `2.5E0`, which Python readers
// and kcat users do not expect; these write what Python's json.dumps does.

/// Bytes that need escaping or UTF-8 validation.
inline constexpr auto special_bytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return t;
}();

/// Appends `s` quoted, escaping what JSON requires and leaving other UTF-8
/// as is; throws `encode_failure` if `s` is not valid UTF-8.
inline void encode_string(std::string_view s, std::string& out) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  auto* end = p + s.size();
  auto* run = p;
  while (p != end) {
    if (!special_bytes[*p]) [[likely]] {
      ++p;
      continue;
    }
    unsigned char c = *p;
    if (c >= 0x80) {
      auto n = utf8_length(p, end);
      if (n == 0)
        throw_encode("invalid UTF-8 at byte " +
                     std::to_string(
                         p - reinterpret_cast<const unsigned char*>(s.data())));
      p += n;
      continue;
    }
    out.append(reinterpret_cast<const char*>(run), p - run);
    switch (c) {
    case '"':
      out.append("\\\"", 2);
      break;
    case '\\':
      out.append("\\\\", 2);
      break;
    case '\n':
      out.append("\\n", 2);
      break;
    case '\r':
      out.append("\\r", 2);
      break;
    case '\t':
      out.append("\\t", 2);
      break;
    case '\b':
      out.append("\\b", 2);
      break;
    case '\f':
      out.append("\\f", 2);
      break;
    default: {
      char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
      out.append(esc, 6);
    }
    }
    run = ++p;
  }
  out.append(reinterpret_cast<const char*>(run), p - run);
  out.push_back('"');
}

/// Appends the shortest text that reads back as `value`; throws
/// `encode_failure` for NaN and infinities, which JSON cannot carry.
template <class F>
void encode_floating(F value, std::string& out) {
  if (!std::isfinite(value)) [[unlikely]]
    throw_encode(std::isnan(value)
                     ? "cannot encode NaN: JSON has no such number"
                     : "cannot encode infinity: JSON has no such number");
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  // Keep a float a float for Python readers: `3.0`, not `3`.
  bool integral_looking = true;
  for (char* q = buf; q != r.ptr; ++q)
    if (*q == '.' || *q == 'e') {
      integral_looking = false;
      break;
    }
  out.append(buf, r.ptr);
  if (integral_looking)
    out.append(".0", 2);
}

/// `true` or `false`.
inline void encode_bool(bool v, std::string& out) {
  if (v)
    out.append("true", 4);
  else
    out.append("false", 5);
}

/// Decimal digits of an integer of any width.
template <class I>
void encode_integer(I v, std::string& out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

inline void encode_dom_object(const boost::json::object& obj, std::string& out);

/// Any Boost.JSON value, numbers written the short way.
inline void encode_dom(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
  case boost::json::kind::null:
    out.append("null", 4);
    break;
  case boost::json::kind::bool_:
    encode_bool(v.get_bool(), out);
    break;
  case boost::json::kind::int64:
    encode_integer(v.get_int64(), out);
    break;
  case boost::json::kind::uint64:
    encode_integer(v.get_uint64(), out);
    break;
  case boost::json::kind::double_:
    encode_floating(v.get_double(), out);
    break;
  case boost::json::kind::string:
    encode_string({v.get_string().data(), v.get_string().size()}, out);
    break;
  case boost::json::kind::array: {
    out.push_back('[');
    bool first = true;
    for (const auto& x : v.get_array()) {
      if (!first)
        out.push_back(',');
      first = false;
      encode_dom(x, out);
    }
    out.push_back(']');
    break;
  }
  case boost::json::kind::object:
    encode_dom_object(v.get_object(), out);
    break;
  }
}

inline void encode_dom_object(const boost::json::object& obj,
                              std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const auto& kv : obj) {
    if (!first)
      out.push_back(',');
    first = false;
    encode_string({kv.key().data(), kv.key().size()}, out);
    out.push_back(':');
    encode_dom(kv.value(), out);
  }
  out.push_back('}');
}

} // namespace detail
} // namespace fastkafka
