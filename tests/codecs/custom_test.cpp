#define CAF_SUITE codecs.custom

#include "fastkafka/codecs/codec.hpp"

#include "caf/test/unit_test.hpp"

#include <charconv>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::literals;
using fastkafka::decode_error;

namespace {

/// A user type with its own wire format: `x,y`.
struct point {
  int x = 0;
  int y = 0;
};

point parse_point(std::string_view s) {
  auto comma = s.find(',');
  if (comma == std::string_view::npos)
    throw std::invalid_argument("expected x,y but got '" + std::string{s} +
                                "'");
  point p;
  auto r1 = std::from_chars(s.data(), s.data() + comma, p.x);
  auto r2 = std::from_chars(s.data() + comma + 1, s.data() + s.size(), p.y);
  if (r1.ec != std::errc{} || r2.ec != std::errc{} ||
      r2.ptr != s.data() + s.size())
    throw std::invalid_argument("not a number in '" + std::string{s} + "'");
  return p;
}

std::string format_point(const point& p) {
  return std::to_string(p.x) + "," + std::to_string(p.y);
}

/// Every byte value once, NULs and invalid UTF-8 included.
std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i)
    s.push_back(static_cast<char>(i));
  return s;
}

} // namespace

// -- custom -------------------------------------------------------------------

CAF_TEST(custom codec round trip) {
  auto c = fastkafka::make_custom_codec<point>(parse_point, format_point,
                                               "text/x-point");
  CAF_CHECK_EQUAL(c.name, "custom");
  CAF_CHECK_EQUAL(c.content_type, "text/x-point");
  std::string out = "keep:";
  c.encode(point{3, -4}, out);
  CAF_CHECK_EQUAL(out, "keep:3,-4");
  point p;
  decode_error err;
  CAF_REQUIRE(c.decode("10,20", p, err));
  CAF_CHECK_EQUAL(p.x, 10);
  CAF_CHECK_EQUAL(p.y, 20);
}

CAF_TEST(custom codec default content type) {
  auto c = fastkafka::make_custom_codec<point>(parse_point, format_point);
  CAF_CHECK_EQUAL(c.content_type, "application/octet-stream");
}

CAF_TEST(throwing custom decoder becomes a decode error) {
  auto c = fastkafka::make_custom_codec<point>(parse_point, format_point);
  point p{1, 2};
  decode_error err;
  CAF_CHECK(!c.decode("nope", p, err));
  CAF_CHECK_EQUAL(err.path, "$");
  CAF_CHECK_EQUAL(err.message, "expected x,y but got 'nope'");
  CAF_CHECK_EQUAL(err.to_string(), "$: expected x,y but got 'nope'");
  // The target is untouched when the decoder throws.
  CAF_CHECK_EQUAL(p.x, 1);
  CAF_CHECK(!c.decode("1,x", p, err));
  CAF_CHECK_EQUAL(err.message, "not a number in '1,x'");
}

CAF_TEST(non standard exceptions are caught too) {
  auto c = fastkafka::make_custom_codec<int>(
      [](std::string_view) -> int { throw 42; },
      [](int) { return std::string{}; });
  int x = 0;
  decode_error err;
  CAF_CHECK(!c.decode("", x, err));
  CAF_CHECK_EQUAL(err.message, "custom decoder threw a non-standard exception");
}

CAF_TEST(custom encoders may return any byte container) {
  auto c = fastkafka::make_custom_codec<int>(
      [](std::string_view s) { return static_cast<int>(s.size()); },
      [](int n) {
        return std::vector<char>(static_cast<std::size_t>(n), '\0');
      });
  std::string out;
  c.encode(3, out);
  CAF_CHECK_EQUAL(out, "\0\0\0"s);
  int n = 0;
  decode_error err;
  CAF_REQUIRE(c.decode("\0\0"sv, n, err));
  CAF_CHECK_EQUAL(n, 2);
}

// -- raw ----------------------------------------------------------------------

CAF_TEST(raw codec passes every byte through) {
  auto c = fastkafka::raw_codec();
  CAF_CHECK_EQUAL(c.name, "raw");
  CAF_CHECK_EQUAL(c.content_type, "application/octet-stream");
  auto in = all_bytes() + "\0\xff\xfe\xc3\x28"s;
  std::string out;
  decode_error err;
  CAF_REQUIRE(c.decode(in, out, err));
  CAF_CHECK_EQUAL(out.size(), in.size());
  CAF_CHECK(out == in);
  std::string enc = "x";
  c.encode(in, enc);
  CAF_CHECK(enc == "x" + in);
}

CAF_TEST(raw codec plain strings and empty payloads) {
  auto c = fastkafka::raw_codec();
  std::string out = "stale contents";
  decode_error err;
  CAF_REQUIRE(c.decode("hello, kafka", out, err));
  CAF_CHECK_EQUAL(out, "hello, kafka");
  CAF_REQUIRE(c.decode("", out, err));
  CAF_CHECK_EQUAL(out, "");
  std::string enc;
  c.encode("", enc);
  CAF_CHECK_EQUAL(enc, "");
}
