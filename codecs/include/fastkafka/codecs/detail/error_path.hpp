#pragma once

/// Segments of the JSONPath-like location (`$.items[2]["a b"]`) in errors.

#include <cstddef>
#include <string>
#include <string_view>

namespace fastkafka {
namespace detail {

inline bool is_identifier(std::string_view key) noexcept {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9'))
    return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

/// `.key` for identifiers, `["key"]` (quotes and backslashes escaped) for
/// anything else, so that the path stays unambiguous.
[[gnu::cold]] inline std::string key_segment(std::string_view key) {
  std::string seg;
  if (is_identifier(key)) {
    seg.reserve(key.size() + 1);
    seg += '.';
    seg += key;
  } else {
    seg = "[\"";
    for (char c : key) {
      if (c == '"' || c == '\\')
        seg += '\\';
      seg += c;
    }
    seg += "\"]";
  }
  return seg;
}

/// `[i]`.
[[gnu::cold]] inline std::string index_segment(std::size_t i) {
  return "[" + std::to_string(i) + "]";
}

} // namespace detail
} // namespace fastkafka
