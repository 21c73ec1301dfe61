#pragma once

/// Correctly rounded doubles and floats of JSON number texts.

#include <boost/version.hpp>

#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>

namespace fastkafka {
namespace detail {

// Boost.JSON 1.81 does not round every decimal to the nearest double (it
// multiplies by inexact powers of ten: `385.79144244671085` reads as
// `385.7914424467109`), and it has no option to. std::from_chars is
// correctly rounded (libstdc++ 12 uses fast_float), so the parser hands the
// number's text to these functions. Round to nearest, ties to even, as IEEE
// 754 defines it: a value beyond the largest finite one becomes an
// infinity, one below half the smallest subnormal a zero of its sign.

/// For a text that std::from_chars reports out of range: true if the value
/// is too large (it rounds to infinity), false if too small (to zero).
[[gnu::cold]] inline bool is_huge(std::string_view s) noexcept {
  // Out of range means above ~1e38 or below ~1e-45 in magnitude, so the
  // sign of the decimal exponent of the first nonzero digit decides.
  const char* p = s.data();
  const char* end = p + s.size();
  if (p != end && *p == '-')
    ++p;
  long long lead = 0; // exponent of the first nonzero digit
  if (p != end && *p != '0') {
    for (const char* q = p; q != end && *q >= '0' && *q <= '9'; ++q)
      ++lead;
    --lead;
  } else {
    // "0.000ddd": one less per zero after the point.
    p += p != end;
    if (p != end && *p == '.')
      ++p;
    lead = -1;
    for (; p != end && *p == '0'; ++p)
      --lead;
    if (p == end || *p < '1' || *p > '9')
      return false; // all zeros: zero is never out of range
  }
  while (p != end && *p != 'e' && *p != 'E')
    ++p;
  long long exponent = 0;
  if (p != end) {
    ++p;
    bool negative = p != end && *p == '-';
    p += p != end && (*p == '-' || *p == '+');
    // Boost.JSON rejects exponents beyond INT_MAX; saturate all the same.
    for (; p != end && exponent < 1'000'000'000; ++p)
      exponent = exponent * 10 + (*p - '0');
    if (negative)
      exponent = -exponent;
  }
  return lead + exponent >= 0;
}

/// The correctly rounded `F` of the JSON number `text` (its syntax already
/// checked by the parser).
template <class F>
F round_text(std::string_view text) noexcept {
  F x;
  auto r = std::from_chars(text.data(), text.data() + text.size(), x);
  if (r.ec == std::errc::result_out_of_range) [[unlikely]] {
    // from_chars leaves `x` as it was: supply the rounded result ourselves.
    x = is_huge(text) ? std::numeric_limits<F>::infinity() : F{0};
    if (text.front() == '-')
      x = -x;
  }
  return x;
}

/// The correctly rounded double of `text`; `approx` is Boost.JSON's reading
/// of the same text, taken where it is known to be exact.
inline double to_double(std::string_view text, double approx) noexcept {
#if BOOST_VERSION == 108100
  // Boost.JSON 1.81 reads a mantissa of up to 15 digits into an integer
  // exactly and, without an exponent part, divides it by 10^k (k <= 15, an
  // exact double) in one correctly rounded operation (`dec_to_float`):
  // Clinger's exact case. Most payload numbers ("2.5", "19.99") are such
  // texts. The texts reaching here have a point (integers up to 2^64 come as
  // int64/uint64), so up to 15 digits means at most 16 characters plus a
  // sign. The corpus tests in tests/codecs/json_numbers_test.cpp cover this;
  // another Boost version takes the general path until they are re-run.
  if (text.size() - (text.front() == '-') <= 16) {
    bool exponent = false;
    for (char c : text)
      exponent |= (c | 0x20) == 'e';
    if (!exponent)
      return approx;
  }
#endif
  return round_text<double>(text);
}

/// Whether `d` lies exactly halfway between two adjacent floats, or on the
/// float overflow threshold 2^128 - 2^103 (halfway between FLT_MAX and
/// 2^128). Only for these doubles can rounding the double to float differ
/// from rounding the text to float: every other double is on the same side
/// of each float boundary as the text it was rounded from.
inline bool is_float_midpoint(double d) noexcept {
  auto bits = std::bit_cast<std::uint64_t>(d);
  // A midpoint drops at least 29 bits, 100...0: most doubles fail here.
  if ((bits & 0xFFF'FFFF) != 0) [[likely]]
    return false;
  // For normal doubles, d lies in [2^e, 2^(e+1)).
  int e = static_cast<int>((bits >> 52) & 0x7FF) - 1023;
  std::uint64_t frac = bits & ((std::uint64_t{1} << 52) - 1);
  if (e > 127 || e < -150)
    return false; // beyond the float range, or below its lowest midpoint
  if (e == -150)
    return frac == 0; // 2^-150, halfway between 0 and 2^-149
  // A float keeps 23 fraction bits down to 2^-126 and one fewer for each
  // binade below (subnormals); a midpoint's dropped bits are 100...0.
  int dropped = e >= -126 ? 52 - 23 : -97 - e;
  std::uint64_t mask = (std::uint64_t{1} << dropped) - 1;
  return (frac & mask) == std::uint64_t{1} << (dropped - 1);
}

} // namespace detail
} // namespace fastkafka
