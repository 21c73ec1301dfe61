#pragma once

/// UTF-8 validation and code point counting for strings both codecs carry.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace fastkafka {
namespace detail {

/// Length of a valid UTF-8 sequence starting at `p`, 0 if invalid.
inline std::size_t utf8_length(const unsigned char* p,
                               const unsigned char* end) noexcept {
  auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  std::size_t avail = static_cast<std::size_t>(end - p);
  unsigned char c = p[0];
  if (c >= 0xC2 && c <= 0xDF)
    return avail >= 2 && cont(p[1]) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (avail < 3 || !cont(p[1]) || !cont(p[2]))
      return 0;
    if (c == 0xE0 && p[1] < 0xA0)
      return 0; // overlong
    if (c == 0xED && p[1] > 0x9F)
      return 0; // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (avail < 4 || !cont(p[1]) || !cont(p[2]) || !cont(p[3]))
      return 0;
    if (c == 0xF0 && p[1] < 0x90)
      return 0; // overlong
    if (c == 0xF4 && p[1] > 0x8F)
      return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

/// Offset of the first byte that is not valid UTF-8, or npos.
inline std::size_t invalid_utf8_at(std::string_view s) noexcept {
  auto* b = reinterpret_cast<const unsigned char*>(s.data());
  auto* p = b;
  auto* end = b + s.size();
  while (p != end) {
    // ASCII runs eight bytes at a time.
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      if (w & 0x8080808080808080ULL)
        break;
      p += 8;
    }
    if (p == end)
      break;
    if (*p < 0x80) {
      ++p;
      continue;
    }
    auto n = utf8_length(p, end);
    if (n == 0)
      return static_cast<std::size_t>(p - b);
    p += n;
  }
  return std::string_view::npos;
}

/// Code points of valid UTF-8 (what pydantic's string lengths count).
inline std::size_t count_code_points(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

} // namespace detail
} // namespace fastkafka
