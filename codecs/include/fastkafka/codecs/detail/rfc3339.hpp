#pragma once

/// RFC 3339 date-times (`2026-11-24T15:10:00.123Z`): parsing and writing.

#include "fastkafka/codecs/detail/encode_failure.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace fastkafka {
namespace detail {

/// Parses RFC 3339 `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`.
inline bool parse_rfc3339(std::string_view s, std::chrono::sys_seconds& secs,
                          std::chrono::nanoseconds& frac) {
  using namespace std::chrono;
  const char* p = s.data();
  const char* end = p + s.size();
  auto digits = [&](int n, int& value) {
    if (end - p < n)
      return false;
    value = 0;
    for (int i = 0; i < n; ++i, ++p) {
      if (*p < '0' || *p > '9')
        return false;
      value = value * 10 + (*p - '0');
    }
    return true;
  };
  auto expect = [&](char c) {
    if (p == end || *p != c)
      return false;
    ++p;
    return true;
  };
  int y, mo, d, h, mi, sec;
  if (!digits(4, y) || !expect('-') || !digits(2, mo) || !expect('-') ||
      !digits(2, d))
    return false;
  if (p == end || (*p != 'T' && *p != 't' && *p != ' '))
    return false;
  ++p;
  if (!digits(2, h) || !expect(':') || !digits(2, mi) || !expect(':') ||
      !digits(2, sec))
    return false;
  if (h > 23 || mi > 59 || sec > 59)
    return false;
  std::int64_t frac_ns = 0;
  if (p != end && *p == '.') {
    ++p;
    int n = 0;
    std::int64_t scale = 100000000;
    while (p != end && *p >= '0' && *p <= '9') {
      // Digits past nanoseconds are truncated, not rejected.
      if (n < 9) {
        frac_ns += (*p - '0') * scale;
        scale /= 10;
      }
      ++n;
      ++p;
    }
    if (n == 0)
      return false;
  }
  int offset_min = 0;
  if (p == end)
    return false;
  if (*p == 'Z' || *p == 'z') {
    ++p;
  } else if (*p == '+' || *p == '-') {
    int sign = *p == '-' ? -1 : 1;
    ++p;
    int oh, om;
    if (!digits(2, oh) || !expect(':') || !digits(2, om) || oh > 23 || om > 59)
      return false;
    offset_min = sign * (oh * 60 + om);
  } else {
    return false;
  }
  if (p != end)
    return false;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                     day{static_cast<unsigned>(d)}};
  if (!ymd.ok())
    return false;
  // Seconds and fraction apart: years 0000..9999 overflow nanoseconds
  // since the epoch, and the caller's time_point may be narrower still.
  secs = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} -
         minutes{offset_min};
  frac = nanoseconds{frac_ns};
  return true;
}

inline void put_digits(char*& p, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  p += width;
}

/// Appends `t` as a quoted RFC 3339 string in UTC; throws `encode_failure`
/// for years RFC 3339 cannot spell.
template <class D>
void encode_rfc3339(std::chrono::time_point<std::chrono::system_clock, D> t,
                    std::string& out) {
  using namespace std::chrono;
  auto tp = time_point_cast<nanoseconds>(t);
  auto day_point = floor<days>(tp);
  year_month_day ymd{day_point};
  int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999)
    throw_encode("year " + std::to_string(y) +
                 " is outside RFC 3339's 0000..9999");
  auto ns = (tp - day_point).count();
  auto secs = ns / 1'000'000'000;
  auto frac = static_cast<unsigned>(ns % 1'000'000'000);
  char buf[40];
  char* p = buf;
  *p++ = '"';
  put_digits(p, static_cast<unsigned>(y), 4);
  *p++ = '-';
  put_digits(p, static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  put_digits(p, static_cast<unsigned>(ymd.day()), 2);
  *p++ = 'T';
  put_digits(p, static_cast<unsigned>(secs / 3600), 2);
  *p++ = ':';
  put_digits(p, static_cast<unsigned>(secs / 60 % 60), 2);
  *p++ = ':';
  put_digits(p, static_cast<unsigned>(secs % 60), 2);
  // Milliseconds, microseconds or nanoseconds: as few digits as needed.
  if (frac != 0) {
    *p++ = '.';
    if (frac % 1'000'000 == 0)
      put_digits(p, frac / 1'000'000, 3);
    else if (frac % 1'000 == 0)
      put_digits(p, frac / 1'000, 6);
    else
      put_digits(p, frac, 9);
  }
  *p++ = 'Z';
  *p++ = '"';
  out.append(buf, p);
}

} // namespace detail
} // namespace fastkafka
