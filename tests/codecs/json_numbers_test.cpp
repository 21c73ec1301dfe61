#define CAF_SUITE codecs.json_numbers

#include "fastkafka/codecs/json.hpp"

#include "caf/test/unit_test.hpp"

#include "system_python.hpp"

#include <bit>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

// Every number the JSON decoder reads must be the correctly rounded value of
// its text (IEEE round to nearest, ties to even), for double and float
// fields alike. The reference is std::from_chars, which libstdc++ 12
// implements correctly rounded; an independent second reader is Python.

using fastkafka::decode_error;

struct one_double {
  double value = 0;
};
BOOST_DESCRIBE_STRUCT(one_double, (), (value))

struct one_float {
  float value = 0;
};
BOOST_DESCRIBE_STRUCT(one_float, (), (value))

struct one_int {
  int64_t value = 0;
};
BOOST_DESCRIBE_STRUCT(one_int, (), (value))

struct doubles {
  std::vector<double> values;
};
BOOST_DESCRIBE_STRUCT(doubles, (), (values))

/// What the Python side sends: values by repr, and their bits to compare.
struct python_doubles {
  std::vector<double> values;
  std::vector<uint64_t> bits;
};
BOOST_DESCRIBE_STRUCT(python_doubles, (), (values, bits))

struct floats {
  std::vector<float> values;
};
BOOST_DESCRIBE_STRUCT(floats, (), (values))

struct with_raw {
  boost::json::value payload;
};
BOOST_DESCRIBE_STRUCT(with_raw, (), (payload))

namespace {

/// Fixed, so that a failure reproduces; printed by the tests that use it.
constexpr uint64_t corpus_seed = 20261124;

template <class F>
using bits_of = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;

template <class F>
bool same_bits(F a, F b) {
  return std::bit_cast<bits_of<F>>(a) == std::bit_cast<bits_of<F>>(b);
}

/// `0.1 (0x3fb999999999999a)`. The tests compare these texts: CAF's
/// CAF_CHECK_EQUAL compares floating point only up to an epsilon.
template <class F>
std::string describe(F x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x);
  char hex[24];
  std::snprintf(hex, sizeof hex, " (0x%llx)",
                static_cast<unsigned long long>(std::bit_cast<bits_of<F>>(x)));
  return std::string(buf, r.ptr) + hex;
}

/// The correctly rounded `F` of `text`, or nullopt when it rounds to an
/// infinity (which the decoder must reject).
template <class F>
std::optional<F> correctly_rounded(std::string_view text) {
  F x{};
  auto end = text.data() + text.size();
  auto r = std::from_chars(text.data(), end, x);
  if (r.ec == std::errc{} && r.ptr == end)
    return x;
  // from_chars leaves `x` alone when the value is out of range; glibc's
  // strtod/strtof (correctly rounded too) give the infinity or the zero.
  std::string s{text};
  F y;
  if constexpr (sizeof(F) == 4)
    y = std::strtof(s.c_str(), nullptr);
  else
    y = std::strtod(s.c_str(), nullptr);
  if (std::isinf(y))
    return std::nullopt;
  return y;
}

/// Decodes `{"value":<text>}` through `json_codec<T>()`; "" if the result is
/// the correctly rounded value of `text` (or an out-of-range error where
/// that value is infinite), else what went wrong.
template <class T>
std::string misread(std::string_view text) {
  using F = decltype(T::value);
  static const auto codec = fastkafka::json_codec<T>();
  std::string doc = "{\"value\":";
  doc.append(text);
  doc += '}';
  T out{};
  decode_error err;
  bool ok = codec.decode(doc, out, err);
  auto want = correctly_rounded<F>(text);
  std::string got = ok ? describe(out.value) : "error " + err.to_string();
  if (!want) {
    if (!ok && err.path == "$.value" &&
        err.message.find("is out of range for") != std::string::npos)
      return "";
    return std::string{text} + ": want an out-of-range error, got " + got;
  }
  if (ok && same_bits(out.value, *want))
    return "";
  return std::string{text} + ": want " + describe(*want) + ", got " + got;
}

/// Counts texts the decoder misreads, keeping the first few for the log.
struct tally {
  size_t checked = 0;
  size_t mismatches = 0;
  std::vector<std::string> examples;

  void add(std::string problem) {
    ++checked;
    if (problem.empty())
      return;
    ++mismatches;
    if (examples.size() < 8)
      examples.push_back(std::move(problem));
  }

  /// Logs the counts and examples; true if nothing was misread.
  bool report(const char* what) const {
    CAF_MESSAGE(what << ": " << mismatches << " of " << checked
                     << " misread (seed " << corpus_seed << ")");
    for (const auto& e : examples)
      CAF_MESSAGE("  " << e);
    return mismatches == 0;
  }
};

/// The shortest text that reads back as `x` (what Python's repr and our
/// encoder write), and the text with all significant digits (17 for double,
/// 9 for float), which is usually not the shortest.
template <class F>
std::vector<std::string> texts_of(F x) {
  constexpr int digits = std::numeric_limits<F>::max_digits10;
  char buf[64];
  auto shortest = std::to_chars(buf, buf + sizeof buf, x);
  std::string a(buf, shortest.ptr);
  auto full = std::to_chars(buf, buf + sizeof buf, x,
                            std::chars_format::general, digits);
  return {a, std::string(buf, full.ptr)};
}

/// Finite values from random bit patterns: every exponent equally likely,
/// subnormals included.
template <class F>
F random_finite(std::mt19937_64& rng) {
  for (;;) {
    auto x = std::bit_cast<F>(static_cast<bits_of<F>>(rng()));
    if (std::isfinite(x))
      return x;
  }
}

/// Values like those of real payloads: prices, ratios, sensor readings,
/// and magnitudes spread log-uniformly over 1e-30..1e30.
double random_ordinary(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> price(-1000, 1000);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_real_distribution<double> exponent(-30, 30);
  switch (rng() % 3) {
  case 0:
    return price(rng);
  case 1:
    return unit(rng);
  default:
    return (rng() % 2 ? -1 : 1) * std::pow(10.0, exponent(rng));
  }
}

/// Exact decimal text of `x`: binary fractions have finite decimal
/// expansions, and glibc's printf writes them exactly (up to 1100 digits,
/// enough for any midpoint between doubles, the longest being ~770).
std::string exact_text(long double x) {
  char buf[1200];
  std::snprintf(buf, sizeof buf, "%.1100Le", x);
  std::string s = buf;
  auto e = s.find('e');
  auto last = s.find_last_not_of('0', e - 1);
  if (s[last] == '.')
    --last;
  return s.substr(0, last + 1) + s.substr(e);
}

/// The neighbour of `lo` and `hi` whose last significand bit is 0.
template <class F>
F even_of(F lo, F hi) {
  return (std::bit_cast<bits_of<F>>(lo) & 1) == 0 ? lo : hi;
}

/// Texts at, just below and just above the midpoint between `lo` and the
/// next value `hi` (an infinite `hi` stands for the overflow threshold);
/// checks that exact midpoints round to the even neighbour and near ones to
/// the nearer neighbour.
template <class T>
void check_midpoint(decltype(T::value) lo, tally& t) {
  using F = decltype(T::value);
  F hi = std::nextafter(lo, std::numeric_limits<F>::infinity());
  long double upper =
      std::isinf(hi) ? std::ldexp(1.0L, std::numeric_limits<F>::max_exponent)
                     : static_cast<long double>(hi);
  long double mid = (static_cast<long double>(lo) + upper) / 2;
  auto expect = [&](const std::string& text, std::optional<F> want) {
    t.add(misread<T>(text));
    // The reference itself, checked against the rule the test is named for.
    auto ref = correctly_rounded<F>(text);
    if (ref.has_value() != want.has_value() || (ref && !same_bits(*ref, *want)))
      t.add(text + ": the reference breaks the rounding rule");
  };
  auto finite = [](F x) {
    return std::isinf(x) ? std::nullopt : std::optional<F>{x};
  };
  expect(exact_text(mid), finite(even_of(lo, hi)));
  expect(exact_text(std::nextafter(mid, static_cast<long double>(lo))), lo);
  expect(exact_text(std::nextafter(mid, upper)), finite(hi));
}

/// Checks that each of `texts` reads correctly into a double and a float.
void check_texts(std::initializer_list<std::string_view> texts) {
  for (auto text : texts) {
    CAF_CHECK_EQUAL(misread<one_double>(text), "");
    CAF_CHECK_EQUAL(misread<one_float>(text), "");
  }
}

/// Decodes `text` as `T` and returns the rendered error ("" on success).
template <class T>
std::string error_of(std::string_view text) {
  T out{};
  decode_error err;
  if (fastkafka::json_decode(text, out, err))
    return "";
  return err.to_string();
}

} // namespace

// -- random corpora -----------------------------------------------------------

CAF_TEST(random doubles read bit for bit) {
  std::mt19937_64 rng{corpus_seed};
  tally as_double, as_float;
  for (int i = 0; i < 220'000; ++i) {
    double x = i % 2 == 0 ? random_finite<double>(rng) : random_ordinary(rng);
    for (const auto& text : texts_of(x)) {
      as_double.add(misread<one_double>(text));
      // The same text into a float field: rounded once, from the text.
      as_float.add(misread<one_float>(text));
    }
  }
  CAF_CHECK(as_double.report("double fields"));
  CAF_CHECK(as_float.report("float fields, double texts"));
}

CAF_TEST(random floats read bit for bit) {
  std::mt19937_64 rng{corpus_seed + 1};
  tally t;
  for (int i = 0; i < 100'000; ++i)
    for (const auto& text : texts_of(random_finite<float>(rng)))
      t.add(misread<one_float>(text));
  CAF_CHECK(t.report("float fields, float texts"));
}

CAF_TEST(short decimals read bit for bit) {
  // Up to 17 digits with the point anywhere, leading zeros and exponents:
  // the texts a fast path for short mantissas would take, and its edges.
  std::mt19937_64 rng{corpus_seed + 2};
  tally as_double, as_float;
  auto digits = [&](size_t n) {
    std::string s;
    for (size_t k = 0; k < n; ++k)
      s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  for (int i = 0; i < 100'000; ++i) {
    size_t int_digits = rng() % 9;
    size_t frac_digits = rng() % (18 - int_digits);
    std::string text = rng() % 2 ? "-" : "";
    if (int_digits == 0)
      text += '0';
    else
      text += static_cast<char>('1' + rng() % 9) + digits(int_digits - 1);
    if (frac_digits > 0)
      text += '.' + std::string(rng() % 4, '0') + digits(frac_digits);
    if (rng() % 3 == 0)
      text += 'e' + std::to_string(static_cast<int>(rng() % 61) - 30);
    as_double.add(misread<one_double>(text));
    as_float.add(misread<one_float>(text));
  }
  CAF_CHECK(as_double.report("short decimals, double fields"));
  CAF_CHECK(as_float.report("short decimals, float fields"));
}

// -- hard cases ---------------------------------------------------------------

CAF_TEST(the reported examples) {
  CAF_CHECK_EQUAL(misread<one_double>("991.1573374735219"), "");
  CAF_CHECK_EQUAL(misread<one_double>("385.79144244671085"), "");
  CAF_CHECK_EQUAL(describe(fastkafka::json_decode<one_double>(
                               R"({"value":385.79144244671085})")
                               .value),
                  describe(385.79144244671085));
}

CAF_TEST(halfway cases round half to even) {
  std::mt19937_64 rng{corpus_seed + 3};
  tally t;
  for (int i = 0; i < 2000; ++i) {
    double d =
        std::fabs(i % 2 ? random_finite<double>(rng) : random_ordinary(rng));
    check_midpoint<one_double>(d, t);
    check_midpoint<one_double>(-d, t);
  }
  // Both ways of a tie (1 + 2^-53 goes down to 1, 1 + 3 * 2^-53 up), ties
  // among subnormals, at DBL_MIN and at the overflow threshold.
  for (double lo : {1.0, std::nextafter(1.0, 2.0), 0.0,
                    std::numeric_limits<double>::denorm_min(),
                    std::nextafter(DBL_MIN, 0.0), DBL_MIN, DBL_MAX})
    check_midpoint<one_double>(lo, t);
  CAF_CHECK(t.report("texts at and near midpoints between doubles"));
}

CAF_TEST(float midpoints are rounded once from the text) {
  // The double nearest to a text just above (below) a midpoint between two
  // floats is often the midpoint itself; rounding that double to float would
  // tie to even and land on the wrong side.
  std::mt19937_64 rng{corpus_seed + 4};
  tally t;
  for (int i = 0; i < 2000; ++i) {
    float f = std::fabs(random_finite<float>(rng));
    check_midpoint<one_float>(f, t);
    check_midpoint<one_float>(-f, t);
  }
  for (float lo : {1.0f, std::nextafter(1.0f, 2.0f), 0.0f,
                   std::numeric_limits<float>::denorm_min(), FLT_MIN, FLT_MAX})
    check_midpoint<one_float>(lo, t);
  CAF_CHECK(t.report("texts at and near midpoints between floats"));
  // Integers too wide for a double's mantissa go to float in one rounding:
  // 2^60 + 2^36 + 1 is above the midpoint 2^60 + 2^36.
  CAF_CHECK_EQUAL(misread<one_float>("1152921573326323713"), "");
  CAF_CHECK_EQUAL(describe(fastkafka::json_decode<one_float>(
                               R"({"value":1152921573326323713})")
                               .value),
                  describe(0x1.000002p60f));
}

CAF_TEST(subnormals) {
  check_texts({"4.9406564584124654e-324",
               "5e-324",
               "4.9e-324",
               "3e-324",
               "2.4703282292062328e-324",
               "2.4703282292062327e-324",
               "1e-324",
               "2.2250738585072009e-308",
               "2.225073858507201e-308",
               "2.2250738585072011e-308",
               "2.2250738585072012e-308",
               "2.2250738585072014e-308",
               "-4.9e-324",
               "1e-310",
               "-1.5e-315",
               "1.401298464324817e-45",
               "1.1754942e-38",
               "1.17549435e-38",
               "7e-46",
               "7.1e-46"});
  using fastkafka::json_decode;
  CAF_CHECK_EQUAL(
      describe(json_decode<one_double>(R"({"value":4.9e-324})").value),
      describe(std::numeric_limits<double>::denorm_min()));
  CAF_CHECK_EQUAL(
      describe(json_decode<one_double>(R"({"value":2.2250738585072009e-308})")
                   .value),
      describe(std::nextafter(DBL_MIN, 0.0)));
}

CAF_TEST(seventeen digits and long mantissas) {
  std::string hundred_digits = "3.";
  for (int i = 0; i < 120; ++i)
    hundred_digits += static_cast<char>('0' + (i * 7 + 3) % 10);
  check_texts(
      {"0.30000000000000004", "0.1000000000000000055511151231257827",
       "9007199254740993", "9007199254740993.0", "18446744073709551616",
       "123456789012345678901234567890",
       "3.14159265358979323846264338327950288419716939937510",
       "2.718281828459045235360287471352662497757247093699959574966967",
       "0.000000000000000000000000000000000000000000001234567890123456789",
       "1234567890123456789012345678901234567890e-40",
       "8.98846567431157953864652595394512366e307"});
  CAF_CHECK_EQUAL(misread<one_double>(hundred_digits), "");
  CAF_CHECK_EQUAL(misread<one_double>(std::string(400, '7') + "e-390"), "");
  CAF_CHECK_EQUAL(misread<one_double>("0." + std::string(350, '0') + "1e350"),
                  "");
  CAF_CHECK_EQUAL(misread<one_double>("1" + std::string(308, '0')), "");
  CAF_CHECK_EQUAL(misread<one_double>("1" + std::string(309, '0')), "");
}

CAF_TEST(exponents near the limits) {
  check_texts({"1.7976931348623157e308",
               "1.7976931348623158e308",
               "1.7976931348623159e308",
               "-1.7976931348623157e+308",
               "1e308",
               "1e309",
               "-1e309",
               "1e400",
               "-1e400",
               "2.2250738585072014e-308",
               "4.9e-324",
               "1e-400",
               "-1e-400",
               "0e400",
               "-0.0e-999",
               "0e-400",
               "3.4028234663852886e38",
               "3.4028235e38",
               "3.4028236e38",
               "1e39",
               "1E+10",
               "1e-7",
               "1.5E-5"});
}

CAF_TEST(negative zero) {
  check_texts({"-0", "-0.0", "-0e0", "-0.000e5", "-1e-400"});
  for (const char* text : {"-0", "-0.0", "-0e0", "-0.000e5", "-1e-400"}) {
    auto x = fastkafka::json_decode<one_double>(std::string{R"({"value":)"} +
                                                text + "}");
    CAF_CHECK(std::signbit(x.value) && x.value == 0);
  }
  CAF_CHECK(!std::signbit(
      fastkafka::json_decode<one_double>(R"({"value":0.0})").value));
  // Integer fields read -0 as 0.
  CAF_CHECK_EQUAL(fastkafka::json_decode<one_int>(R"({"value":-0})").value, 0);
}

CAF_TEST(out of range numbers are errors with the path) {
  const std::string int64_range =
      " is out of range for int64 (-9223372036854775808..9223372036854775807)";
  CAF_CHECK_EQUAL(error_of<one_double>(R"({"value":1e400})"),
                  "$.value: 1e400 is out of range for double");
  CAF_CHECK_EQUAL(error_of<one_double>(R"({"value":-1.8e308})"),
                  "$.value: -1.8e308 is out of range for double");
  CAF_CHECK_EQUAL(error_of<doubles>(R"({"values":[1,2.5,1e999]})"),
                  "$.values[2]: 1e999 is out of range for double");
  CAF_CHECK_EQUAL(error_of<one_float>(R"({"value":1e39})"),
                  "$.value: 1e+39 is out of range for float");
  CAF_CHECK_EQUAL(error_of<one_float>(R"({"value":1e400})"),
                  "$.value: 1e400 is out of range for float");
  CAF_CHECK_EQUAL(error_of<one_int>(R"({"value":1e400})"),
                  "$.value: 1e400" + int64_range);
  CAF_CHECK_EQUAL(
      error_of<with_raw>(R"({"payload":{"a":[0,{"b c":-1e309}]}})"),
      R"($.payload.a[1]["b c"]: -1e309 is out of range for double)");
  // Tiny numbers are not out of range: they round to zero, as in Python.
  CAF_CHECK_EQUAL(error_of<one_double>(R"({"value":1e-400})"), "");
  // Integers keep their checks.
  CAF_CHECK_EQUAL(error_of<one_int>(R"({"value":1.5})"),
                  "$.value: expected integer, got non-integral number 1.5");
  CAF_CHECK_EQUAL(error_of<one_int>(R"({"value":9223372036854775808})"),
                  "$.value: 9223372036854775808" + int64_range);
  CAF_CHECK_EQUAL(
      fastkafka::json_decode<one_int>(R"({"value":-9223372036854775808})")
          .value,
      INT64_MIN);
}

CAF_TEST(each number keeps its own text) {
  // A float midpoint's text is looked up per value, also where Boost.JSON
  // moves values around (a duplicate key's last value takes the first
  // one's place) and next to numbers that need no text.
  // 16777217 = 2^24 + 1 is halfway between the floats 2^24 and 2^24 + 2.
  auto a = fastkafka::json_decode<one_float>(
      R"({"value":16777217.0000000001,"other":1,"value":16777216.9999999999})");
  CAF_CHECK_EQUAL(describe(a.value), describe(16777216.0f));
  auto b = fastkafka::json_decode<one_float>(
      R"({"value":16777216.9999999999,"value":16777217.0000000001})");
  CAF_CHECK_EQUAL(describe(b.value), describe(16777218.0f));
  CAF_CHECK_EQUAL(
      error_of<one_double>(R"({"value":2,"x":1e999,"value":1e400})"),
      "$.value: 1e400 is out of range for double");
  CAF_CHECK_EQUAL(error_of<one_double>(R"({"value":1e999,"value":2})"), "");
  std::string many = R"({"values":[)";
  for (int i = 0; i < 50; ++i)
    many += (i % 2 ? "16777217.0000000001," : "16777216.9999999999,");
  many += "16777217]}";
  auto c = fastkafka::json_decode<floats>(many);
  CAF_REQUIRE_EQUAL(c.values.size(), 51u);
  size_t wrong = 0;
  for (int i = 0; i < 50; ++i)
    wrong += c.values[i] != (i % 2 ? 16777218.0f : 16777216.0f);
  CAF_CHECK_EQUAL(wrong, 0u);
  // Exactly halfway: ties to even.
  CAF_CHECK_EQUAL(describe(c.values[50]), describe(16777216.0f));
}

// -- an independent reader ----------------------------------------------------

CAF_TEST(python reprs read back bit for bit) {
  // Python writes 20,000 random doubles the way kafka-python producers do
  // (json.dumps, i.e. float.__repr__), with their bits; we decode them and
  // compare, then encode them and Python compares what json.loads reads.
  auto sent = fastkafka::test::run_python(
      "import json, math, random, struct, sys\n"
      "rng = random.Random(int(sys.argv[1]))\n"
      "values = []\n"
      "while len(values) < 10000:\n"
      "    x = struct.unpack('<d', struct.pack('<Q', rng.getrandbits(64)))[0]\n"
      "    if math.isfinite(x):\n"
      "        values.append(x)\n"
      "for i in range(10000):\n"
      "    values.append([rng.uniform(-1000, 1000), rng.random(),\n"
      "                   rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-20, "
      "20)][i % 3])\n"
      "bits = [struct.unpack('<Q', struct.pack('<d', v))[0] for v in values]\n"
      "print(json.dumps({'values': values, 'bits': bits}))\n",
      std::to_string(corpus_seed));
  python_doubles in;
  decode_error err;
  if (!fastkafka::json_decode(sent, in, err))
    CAF_FAIL("cannot decode python's output: " << err.to_string() << "\n"
                                               << sent.substr(0, 200));
  CAF_REQUIRE_EQUAL(in.values.size(), 20000u);
  size_t misread = 0;
  for (size_t i = 0; i < in.values.size(); ++i) {
    if (std::bit_cast<uint64_t>(in.values[i]) == in.bits[i])
      continue;
    if (++misread <= 5)
      CAF_MESSAGE("python sent " << describe(std::bit_cast<double>(in.bits[i]))
                                 << ", we read " << describe(in.values[i]));
  }
  CAF_MESSAGE("we misread " << misread << " of 20000 python reprs");
  CAF_CHECK_EQUAL(misread, 0u);
  auto path = fastkafka::test::write_temp(
      sent + fastkafka::json_encode(doubles{in.values}));
  CAF_REQUIRE(!path.empty());
  auto verdict = fastkafka::test::run_python(
      "import json, struct, sys\n"
      "sent, back = open(sys.argv[1]).read().split('\\n', 1)\n"
      "a = json.loads(sent)['values']\n"
      "b = json.loads(back)['values']\n"
      "bad = [(x, y) for x, y in zip(a, b)\n"
      "       if struct.pack('<d', x) != struct.pack('<d', y)]\n"
      "print(f'{len(b)} of {len(a)} values came back, "
      "{len(bad)} mismatches')\n"
      "for x, y in bad[:5]:\n"
      "    print(f'  sent {x!r}, got back {y!r}')\n",
      path);
  std::remove(path.c_str());
  CAF_MESSAGE("python: " << verdict);
  CAF_CHECK_EQUAL(verdict.substr(0, verdict.find('\n')),
                  "20000 of 20000 values came back, 0 mismatches");
}
