#define CAF_SUITE codecs.json

#include "fastkafka/codecs/json.hpp"

#include "caf/test/unit_test.hpp"

#include "system_python.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <thread>

using namespace std::literals;
using fastkafka::decode_error;
using fastkafka::json_decode;
using fastkafka::json_encode;
using fastkafka::test::run_python;
using fastkafka::test::write_temp;

// -- models under test --------------------------------------------------------

struct input_data {
  int64_t id;
  double value;
  std::string name;
};
BOOST_DESCRIBE_STRUCT(input_data, (), (id, value, name))

namespace shop {

enum class color { red, green, blue };
BOOST_DESCRIBE_ENUM(color, red, green, blue)

struct item {
  std::string sku;
  double price = 0;
  uint32_t qty = 0;
};
BOOST_DESCRIBE_STRUCT(item, (), (sku, price, qty))

struct order {
  int64_t id = 0;
  std::vector<item> items;
  std::optional<std::string> note;
  color tint = color::red;
  std::chrono::system_clock::time_point at;
  std::map<std::string, int> tags;
  bool paid = false;
};
BOOST_DESCRIBE_STRUCT(order, (), (id, items, note, tint, at, tags, paid))

} // namespace shop

struct widths {
  int8_t i8 = 0;
  uint8_t u8 = 0;
  int16_t i16 = 0;
  uint16_t u16 = 0;
  int32_t i32 = 0;
  uint32_t u32 = 0;
  int64_t i64 = 0;
  uint64_t u64 = 0;
  float f = 0;
};
BOOST_DESCRIBE_STRUCT(widths, (), (i8, u8, i16, u16, i32, u32, i64, u64, f))

//! [constraints]
struct reading {
  int64_t id = 0;
  double value = 0;
  std::string name;
  std::optional<int> level;
  std::vector<int> samples;
};
BOOST_DESCRIBE_STRUCT(reading, (), (id, value, name, level, samples))

// Found by ADL next to the model, like pydantic's Field(...) declarations.
inline fastkafka::json_model<reading> describe_json(reading*) {
  return fastkafka::json_model<reading>{"Reading"}
      .description("One sensor reading")
      .field(&reading::value, {.ge = 0, .le = 100, .description = "percent"})
      .field(&reading::name,
             {.min_length = 3, .max_length = 16, .pattern = "^sensor-[0-9]+$"})
      .field(&reading::level, {.gt = 0, .lt = 10})
      .field(&reading::samples, {.max_length = 3})
      .example(reading{1, 2.5, "sensor-1", std::nullopt, {1, 2}});
}
//! [constraints]

struct with_raw {
  std::string kind;
  boost::json::value payload;
};
BOOST_DESCRIBE_STRUCT(with_raw, (), (kind, payload))

struct bad_rule {
  std::string s;
  int n = 0;
};
BOOST_DESCRIBE_STRUCT(bad_rule, (), (s, n))

// -- helpers ------------------------------------------------------------------

namespace {

/// Decodes `text` as `T` and returns the rendered error ("" on success).
template <class T>
std::string error_of(std::string_view text) {
  T out{};
  decode_error err;
  if (json_decode(text, out, err))
    return "";
  return err.to_string();
}

/// Encodes `value` and returns the rendered error ("" on success).
template <class T>
std::string encode_error_of(const T& value) {
  try {
    json_encode(value);
  } catch (const fastkafka::json_error& e) {
    return e.error().to_string();
  }
  return "";
}

std::chrono::system_clock::time_point utc(int y, unsigned mo, unsigned d, int h,
                                          int mi, int s,
                                          std::chrono::nanoseconds frac = {}) {
  using namespace std::chrono;
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} +
         seconds{s} + frac;
}

} // namespace

// -- issue-2 types: round trips ----------------------------------------------

CAF_TEST(flat model round trip) {
  auto x =
      json_decode<input_data>(R"({"id":123,"value":2.5,"name":"sensor-123"})");
  CAF_CHECK_EQUAL(x.id, 123);
  CAF_CHECK_EQUAL(x.value, 2.5);
  CAF_CHECK_EQUAL(x.name, "sensor-123");
  CAF_CHECK_EQUAL(json_encode(x),
                  R"({"id":123,"value":2.5,"name":"sensor-123"})");
}

CAF_TEST(encode appends to the buffer) {
  std::string out = "prefix:";
  json_encode(input_data{1, 0.5, "a"}, out);
  CAF_CHECK_EQUAL(out, R"(prefix:{"id":1,"value":0.5,"name":"a"})");
}

CAF_TEST(nested model round trip) {
  shop::order o;
  o.id = 7;
  o.items = {{"a-1", 9.99, 2}, {"b-2", 100, 1}};
  o.note = "leave at door";
  o.tint = shop::color::blue;
  o.at = utc(2026, 11, 24, 15, 10, 0, std::chrono::milliseconds{123});
  o.tags = {{"x", 1}, {"y", -2}};
  o.paid = true;
  auto text = json_encode(o);
  CAF_CHECK_EQUAL(text,
                  R"({"id":7,"items":[{"sku":"a-1","price":9.99,"qty":2},)"
                  R"({"sku":"b-2","price":100.0,"qty":1}],)"
                  R"("note":"leave at door","tint":"blue",)"
                  R"("at":"2026-11-24T15:10:00.123Z","tags":{"x":1,"y":-2},)"
                  R"("paid":true})");
  auto back = json_decode<shop::order>(text);
  CAF_CHECK_EQUAL(back.id, 7);
  CAF_REQUIRE_EQUAL(back.items.size(), 2u);
  CAF_CHECK_EQUAL(back.items[0].sku, "a-1");
  CAF_CHECK_EQUAL(back.items[0].price, 9.99);
  CAF_CHECK_EQUAL(back.items[1].qty, 1u);
  CAF_CHECK(back.note == "leave at door"s);
  CAF_CHECK(back.tint == shop::color::blue);
  CAF_CHECK(back.at == o.at);
  CAF_CHECK(back.tags == o.tags);
  CAF_CHECK_EQUAL(back.paid, true);
  CAF_CHECK_EQUAL(json_encode(back), text);
}

CAF_TEST(integer widths round trip at their limits) {
  widths lo{INT8_MIN, 0, INT16_MIN, 0, INT32_MIN, 0, INT64_MIN, 0, -1.5f};
  widths hi{INT8_MAX,   UINT8_MAX, INT16_MAX,  UINT16_MAX, INT32_MAX,
            UINT32_MAX, INT64_MAX, UINT64_MAX, 0.1f};
  for (const auto& w : {lo, hi}) {
    auto back = json_decode<widths>(json_encode(w));
    CAF_CHECK_EQUAL(back.i8, w.i8);
    CAF_CHECK_EQUAL(back.u8, w.u8);
    CAF_CHECK_EQUAL(back.i16, w.i16);
    CAF_CHECK_EQUAL(back.u16, w.u16);
    CAF_CHECK_EQUAL(back.i32, w.i32);
    CAF_CHECK_EQUAL(back.u32, w.u32);
    CAF_CHECK_EQUAL(back.i64, w.i64);
    CAF_CHECK_EQUAL(back.u64, w.u64);
    CAF_CHECK_EQUAL(back.f, w.f);
  }
  CAF_CHECK_EQUAL(json_encode(hi),
                  R"({"i8":127,"u8":255,"i16":32767,"u16":65535,)"
                  R"("i32":2147483647,"u32":4294967295,)"
                  R"("i64":9223372036854775807,"u64":18446744073709551615,)"
                  R"("f":0.1})");
}

CAF_TEST(integers are range checked) {
  auto w = [](std::string field, std::string num) {
    return error_of<widths>(
        R"({"i8":0,"u8":0,"i16":0,"u16":0,"i32":0,"u32":0,"i64":0,"u64":0,"f":0,")" +
        field + "\":" + num + "}");
  };
  CAF_CHECK_EQUAL(w("u8", "300"),
                  "$.u8: 300 is out of range for uint8 (0..255)");
  CAF_CHECK_EQUAL(w("u8", "-1"), "$.u8: -1 is out of range for uint8 (0..255)");
  CAF_CHECK_EQUAL(w("i8", "-129"),
                  "$.i8: -129 is out of range for int8 (-128..127)");
  CAF_CHECK_EQUAL(w("u16", "65536"),
                  "$.u16: 65536 is out of range for uint16 (0..65535)");
  CAF_CHECK_EQUAL(w("i32", "2147483648"),
                  "$.i32: 2147483648 is out of range for int32 "
                  "(-2147483648..2147483647)");
  CAF_CHECK_EQUAL(w("u32", "-5"),
                  "$.u32: -5 is out of range for uint32 (0..4294967295)");
  CAF_CHECK_EQUAL(w("i64", "9223372036854775808"),
                  "$.i64: 9223372036854775808 is out of range for int64 "
                  "(-9223372036854775808..9223372036854775807)");
  CAF_CHECK_EQUAL(w("u64", "-1"), "$.u64: -1 is out of range for uint64 "
                                  "(0..18446744073709551615)");
  CAF_CHECK_EQUAL(w("i64", "1e30"),
                  "$.i64: 1e+30 is out of range for int64 "
                  "(-9223372036854775808..9223372036854775807)");
  CAF_CHECK_EQUAL(w("i32", "2.5"),
                  "$.i32: expected integer, got non-integral number 2.5");
  CAF_CHECK_EQUAL(w("i32", "\"7\""), "$.i32: expected integer, got string");
  CAF_CHECK_EQUAL(w("i32", "true"), "$.i32: expected integer, got boolean");
  CAF_CHECK_EQUAL(w("f", "1e300"), "$.f: 1e+300 is out of range for float");
  CAF_CHECK_EQUAL(w("f", "null"), "$.f: expected number, got null");
  // An integral float (Python writes 3.0 for float fields) is accepted.
  CAF_CHECK_EQUAL(w("i32", "3.0"), "");
  CAF_CHECK_EQUAL(
      json_decode<input_data>(R"({"id":3.0,"value":1,"name":""})").id, 3);
}

CAF_TEST(doubles are written in shortest round trip form) {
  auto enc = [](double d) { return json_encode(d); };
  CAF_CHECK_EQUAL(enc(2.5), "2.5");
  CAF_CHECK_EQUAL(enc(0.1), "0.1");
  CAF_CHECK_EQUAL(enc(3.0), "3.0");
  CAF_CHECK_EQUAL(enc(-0.0), "-0.0");
  CAF_CHECK_EQUAL(enc(1e300), "1e+300");
  CAF_CHECK_EQUAL(enc(5e-324), "5e-324");
  CAF_CHECK_EQUAL(enc(123456789.125), "123456789.125");
  for (double d : {0.1, 1.0 / 3, 2.5e-7, 1.7976931348623157e308, -42.75}) {
    CAF_CHECK_EQUAL(json_decode<double>(enc(d)), d);
  }
  CAF_CHECK_EQUAL(json_encode(0.1f), "0.1");
}

CAF_TEST(non finite numbers are encode errors) {
  input_data x{1, std::nan(""), "a"};
  CAF_CHECK_EQUAL(encode_error_of(x),
                  "$.value: cannot encode NaN: JSON has no such number");
  x.value = std::numeric_limits<double>::infinity();
  CAF_CHECK_EQUAL(encode_error_of(x),
                  "$.value: cannot encode infinity: JSON has no such number");
  shop::order o;
  o.items = {{"a", 1, 1}, {"b", -std::numeric_limits<double>::infinity(), 1}};
  CAF_CHECK_EQUAL(encode_error_of(o), "$.items[1].price: cannot encode "
                                      "infinity: JSON has no such number");
  // The buffer is left as it was.
  std::string out = "keep";
  CAF_CHECK_EQUAL(encode_error_of(o).empty(), false);
  try {
    json_encode(o, out);
  } catch (const fastkafka::json_error&) {
  }
  CAF_CHECK_EQUAL(out, "keep");
}

CAF_TEST(bools and strings) {
  CAF_CHECK_EQUAL(json_encode(true), "true");
  CAF_CHECK_EQUAL(json_encode(false), "false");
  CAF_CHECK_EQUAL(json_decode<bool>("false"), false);
  CAF_CHECK_EQUAL(error_of<bool>("1"), "$: expected boolean, got number");
  CAF_CHECK_EQUAL(error_of<std::string>("1"), "$: expected string, got number");
  std::string tricky = "q\"b\\s/\n\r\t\b\f\x01\x1f é ☃ 😀";
  CAF_CHECK_EQUAL(json_encode(tricky),
                  "\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f é ☃ 😀\"");
  CAF_CHECK_EQUAL(json_decode<std::string>(json_encode(tricky)), tricky);
  CAF_CHECK_EQUAL(json_decode<std::string>(R"("\u00e9\ud83d\ude00")"), "é😀");
}

CAF_TEST(invalid utf8 is an encode error) {
  input_data x{1, 1, "ab\xff"};
  CAF_CHECK_EQUAL(encode_error_of(x), "$.name: invalid UTF-8 at byte 2");
  x.name = "\xed\xa0\x80"; // an encoded UTF-16 surrogate
  CAF_CHECK_EQUAL(encode_error_of(x), "$.name: invalid UTF-8 at byte 0");
  x.name = "\xc3"; // truncated sequence
  CAF_CHECK_EQUAL(encode_error_of(x), "$.name: invalid UTF-8 at byte 0");
  x.name = "\xc0\xaf"; // overlong
  CAF_CHECK_EQUAL(encode_error_of(x), "$.name: invalid UTF-8 at byte 0");
  // And the decoder rejects it (Boost.JSON validates UTF-8).
  CAF_CHECK(
      error_of<std::string>("\"a\xff\"").find("$: invalid JSON at offset") ==
      0);
}

CAF_TEST(optional fields) {
  using opt = std::optional<std::string>;
  auto o = json_decode<shop::order>(
      R"({"id":1,"items":[],"tint":"red","at":"2026-01-01T00:00:00Z",)"
      R"("tags":{},"paid":false})");
  CAF_CHECK(o.note == std::nullopt);
  CAF_CHECK(json_encode(o).find(R"("note":null)") != std::string::npos);
  // Absent and null both empty a reused object.
  decode_error err;
  o.note = "stale";
  CAF_CHECK(
      json_decode(R"({"id":1,"items":[],"tint":"red",)"
                  R"("at":"2026-01-01T00:00:00Z","tags":{},"paid":false})",
                  o, err));
  CAF_CHECK(o.note == std::nullopt);
  o.note = "stale";
  CAF_CHECK(
      json_decode(R"({"id":1,"items":[],"note":null,"tint":"red",)"
                  R"("at":"2026-01-01T00:00:00Z","tags":{},"paid":false})",
                  o, err));
  CAF_CHECK(o.note == std::nullopt);
  CAF_CHECK(json_decode<opt>(R"("x")") == opt{"x"});
  CAF_CHECK_EQUAL(json_encode(opt{}), "null");
  CAF_CHECK_EQUAL(error_of<opt>("3"), "$: expected string, got number");
}

CAF_TEST(vectors reuse and report indices) {
  CAF_CHECK(json_decode<std::vector<int>>("[1,2,3]") ==
            (std::vector<int>{1, 2, 3}));
  CAF_CHECK(json_decode<std::vector<bool>>("[true,false]") ==
            (std::vector<bool>{true, false}));
  CAF_CHECK_EQUAL(json_encode(std::vector<bool>{true, false}), "[true,false]");
  CAF_CHECK_EQUAL(json_encode(std::vector<int>{}), "[]");
  CAF_CHECK_EQUAL(error_of<std::vector<int>>("[1,\"x\"]"),
                  "$[1]: expected integer, got string");
  CAF_CHECK_EQUAL(error_of<std::vector<int>>("{}"),
                  "$: expected array, got object");
  std::vector<int> v{9, 9, 9, 9};
  decode_error err;
  CAF_CHECK(json_decode("[5]", v, err));
  CAF_CHECK(v == std::vector<int>{5});
}

CAF_TEST(errors name the path) {
  CAF_CHECK_EQUAL(
      error_of<shop::order>(
          R"({"id":1,"items":[{"sku":"a","price":1,"qty":1},)"
          R"({"sku":"b","price":2,"qty":1},{"sku":"c","price":"3","qty":1}],)"
          R"("tint":"red","at":"2026-01-01T00:00:00Z","tags":{},"paid":false})"),
      "$.items[2].price: expected number, got string");
  CAF_CHECK_EQUAL(error_of<shop::order>(
                      R"({"id":1,"items":[{"price":1,"qty":1}],"tint":"red",)"
                      R"("at":"2026-01-01T00:00:00Z","tags":{},"paid":false})"),
                  "$.items[0].sku: missing required field");
  CAF_CHECK_EQUAL(error_of<input_data>(R"({"value":1,"name":"a"})"),
                  "$.id: missing required field");
  CAF_CHECK_EQUAL(error_of<input_data>("[1,2]"),
                  "$: expected object, got array");
  CAF_CHECK_EQUAL(error_of<input_data>("null"), "$: expected object, got null");
  CAF_CHECK_EQUAL(error_of<shop::order>(
                      R"({"id":1,"items":{},"tint":"red",)"
                      R"("at":"2026-01-01T00:00:00Z","tags":{},"paid":false})"),
                  "$.items: expected array, got object");
}

CAF_TEST(malformed json names the offset) {
  auto e = error_of<input_data>(R"({"id":1,"value":,"name":"a"})");
  CAF_CHECK_EQUAL(e.substr(0, 30), "$: invalid JSON at offset 16: ");
  CAF_CHECK(e.size() > 30);
  CAF_CHECK_EQUAL(error_of<input_data>(R"({"id":1} x)").substr(0, 29),
                  "$: invalid JSON at offset 9: ");
  CAF_CHECK_EQUAL(error_of<input_data>("").substr(0, 29),
                  "$: invalid JSON at offset 0: ");
  // The thread's parser recovers for the next message.
  CAF_CHECK_EQUAL(error_of<input_data>(R"({"id":1,"value":1,"name":"a"})"), "");
}

CAF_TEST(throwing decode carries the error) {
  try {
    json_decode<input_data>(R"({"id":"x","value":1,"name":"a"})");
    CAF_FAIL("no exception");
  } catch (const fastkafka::json_error& e) {
    CAF_CHECK_EQUAL(e.error().path, "$.id");
    CAF_CHECK_EQUAL(e.error().message, "expected integer, got string");
    CAF_CHECK_EQUAL(std::string{e.what()},
                    "$.id: expected integer, got string");
  }
}

CAF_TEST(tolerant decode ignores unknown keys and any order) {
  auto x = json_decode<input_data>(
      R"({"extra":{"deep":[1,2,{"x":null}]},"name":"n","z":1,"value":-1,"id":5})");
  CAF_CHECK_EQUAL(x.id, 5);
  CAF_CHECK_EQUAL(x.value, -1);
  CAF_CHECK_EQUAL(x.name, "n");
  auto o = json_decode<shop::order>(
      R"({"id":1,"items":[{"sku":"a","price":1,"qty":1,"colour":"x"}],)"
      R"("tint":"red","at":"2026-01-01T00:00:00Z","tags":{},"paid":false,"v":2})");
  CAF_CHECK_EQUAL(o.items.at(0).sku, "a");
}

CAF_TEST(enums are written as names) {
  CAF_CHECK_EQUAL(json_encode(shop::color::green), "\"green\"");
  CAF_CHECK(json_decode<shop::color>("\"blue\"") == shop::color::blue);
  CAF_CHECK_EQUAL(error_of<shop::color>("\"purple\""),
                  "$: unknown value \"purple\", expected one of \"red\", "
                  "\"green\", \"blue\"");
  CAF_CHECK_EQUAL(error_of<shop::color>("1"), "$: expected string, got number");
  CAF_CHECK_EQUAL(encode_error_of(static_cast<shop::color>(7)),
                  "$: 7 is not a described enumerator of color");
}

CAF_TEST(time points are RFC 3339) {
  using tp = std::chrono::system_clock::time_point;
  using namespace std::chrono;
  CAF_CHECK_EQUAL(json_encode(utc(2026, 11, 24, 15, 10, 0, milliseconds{123})),
                  "\"2026-11-24T15:10:00.123Z\"");
  CAF_CHECK_EQUAL(json_encode(utc(2026, 11, 24, 15, 10, 0)),
                  "\"2026-11-24T15:10:00Z\"");
  CAF_CHECK_EQUAL(json_encode(utc(1999, 1, 2, 3, 4, 5, microseconds{6})),
                  "\"1999-01-02T03:04:05.000006Z\"");
  CAF_CHECK_EQUAL(json_encode(utc(1999, 1, 2, 3, 4, 5, nanoseconds{7})),
                  "\"1999-01-02T03:04:05.000000007Z\"");
  CAF_CHECK(json_decode<tp>("\"2026-11-24T15:10:00.123Z\"") ==
            utc(2026, 11, 24, 15, 10, 0, milliseconds{123}));
  CAF_CHECK(json_decode<tp>("\"2026-11-24T17:10:00.5+02:00\"") ==
            utc(2026, 11, 24, 15, 10, 0, milliseconds{500}));
  CAF_CHECK(json_decode<tp>("\"2026-11-24T00:10:00-01:30\"") ==
            utc(2026, 11, 24, 1, 40, 0));
  CAF_CHECK(json_decode<tp>("\"2026-11-24t15:10:00z\"") ==
            utc(2026, 11, 24, 15, 10, 0));
  // Python's isoformat(): microseconds and +00:00.
  CAF_CHECK(json_decode<tp>("\"2026-11-24T15:10:00.123456+00:00\"") ==
            utc(2026, 11, 24, 15, 10, 0, microseconds{123456}));
  // Coarser time points floor.
  CAF_CHECK(json_decode<sys_seconds>("\"2026-11-24T15:10:00.9Z\"") ==
            floor<seconds>(utc(2026, 11, 24, 15, 10, 0)));
  for (auto bad :
       {"\"2026-11-24\"", "\"2026-02-30T00:00:00Z\"",
        "\"2026-11-24T25:00:00Z\"", "\"2026-11-24T15:10:00\"",
        "\"2026-11-24T15:10:00.Z\"", "\"2026-11-24T15:10:00+0200\""}) {
    auto e = error_of<tp>(bad);
    CAF_CHECK_EQUAL(e, "$: expected RFC 3339 date-time like "
                       "2026-11-24T15:10:00.123Z, got " +
                           std::string{bad});
  }
  CAF_CHECK_EQUAL(error_of<tp>("0"), "$: expected string, got number");
  // Found by fuzz_json: nanoseconds since the epoch end in 2262; this used
  // to overflow (undefined behaviour) instead of failing.
  CAF_CHECK_EQUAL(error_of<tp>("\"7162-01-01T00:00:00Z\""),
                  "$: \"7162-01-01T00:00:00Z\" is out of range for the "
                  "time_point type");
  CAF_CHECK_EQUAL(error_of<tp>("\"1677-01-01T00:00:00Z\""),
                  "$: \"1677-01-01T00:00:00Z\" is out of range for the "
                  "time_point type");
  // Coarser time points reach every RFC 3339 year.
  CAF_CHECK(json_decode<sys_seconds>("\"9999-12-31T23:59:59Z\"") ==
            sys_days{year{9999} / 12 / 31} + hours{23} + minutes{59} +
                seconds{59});
  CAF_CHECK(json_decode<sys_seconds>("\"1969-12-31T23:59:59.5Z\"") ==
            sys_seconds{seconds{-1}});
  CAF_CHECK(json_decode<tp>("\"1969-12-31T23:59:59.5Z\"") ==
            tp{milliseconds{-500}});
}

CAF_TEST(string maps) {
  using m = std::map<std::string, int>;
  CAF_CHECK(json_decode<m>(R"({"a":1,"b c":2})") == (m{{"a", 1}, {"b c", 2}}));
  CAF_CHECK_EQUAL(json_encode(m{{"a\"", 1}}), R"({"a\"":1})");
  CAF_CHECK_EQUAL(error_of<m>(R"({"a":1,"b":"x"})"),
                  "$.b: expected integer, got string");
  CAF_CHECK_EQUAL(error_of<m>(R"({"a b":"x"})"),
                  "$[\"a b\"]: expected integer, got string");
  CAF_CHECK_EQUAL(error_of<m>("[]"), "$: expected object, got array");
}

CAF_TEST(raw json members pass through) {
  auto x =
      json_decode<with_raw>(R"({"kind":"k","payload":{"a":[1,2.5,null]}})");
  CAF_CHECK_EQUAL(x.kind, "k");
  CAF_CHECK_EQUAL(json_encode(x),
                  R"({"kind":"k","payload":{"a":[1,2.5,null]}})");
}

// -- constraints --------------------------------------------------------------

CAF_TEST(constraints are checked on decode) {
  auto r = [](std::string body) { return error_of<reading>(body); };
  CAF_CHECK_EQUAL(r(R"({"id":1,"value":50,"name":"sensor-1","samples":[]})"),
                  "");
  CAF_CHECK_EQUAL(r(R"({"id":1,"value":-3,"name":"sensor-1","samples":[]})"),
                  "$.value: must be >= 0, got -3");
  CAF_CHECK_EQUAL(r(R"({"id":1,"value":100.5,"name":"sensor-1","samples":[]})"),
                  "$.value: must be <= 100, got 100.5");
  CAF_CHECK_EQUAL(r(R"({"id":1,"value":1,"name":"s-","samples":[]})"),
                  "$.name: must have at least 3 characters, got 2");
  CAF_CHECK_EQUAL(
      r(R"({"id":1,"value":1,"name":"sensor-12345678901","samples":[]})"),
      "$.name: must have at most 16 characters, got 18");
  CAF_CHECK_EQUAL(
      r(R"({"id":1,"value":1,"name":"probe-1","samples":[]})"),
      "$.name: must match pattern ^sensor-[0-9]+$, got \"probe-1\"");
  CAF_CHECK_EQUAL(
      r(R"({"id":1,"value":1,"name":"sensor-1","level":0,"samples":[]})"),
      "$.level: must be > 0, got 0");
  CAF_CHECK_EQUAL(
      r(R"({"id":1,"value":1,"name":"sensor-1","level":10,"samples":[]})"),
      "$.level: must be < 10, got 10");
  CAF_CHECK_EQUAL(
      r(R"({"id":1,"value":1,"name":"sensor-1","level":null,"samples":[]})"),
      "");
  CAF_CHECK_EQUAL(
      r(R"({"id":1,"value":1,"name":"sensor-1","samples":[1,2,3,4]})"),
      "$.samples: must have at most 3 items, got 4");
}

CAF_TEST(string lengths count code points) {
  // "sensor-1" plus two 2-byte characters would be 12 bytes but 10 chars.
  CAF_CHECK_EQUAL(
      error_of<reading>(R"({"id":1,"value":1,"name":"séñsor-1","samples":[]})"),
      "$.name: must match pattern ^sensor-[0-9]+$, got \"séñsor-1\"");
  CAF_CHECK_EQUAL(fastkafka::detail::count_code_points("é😀a"), 3u);
}

CAF_TEST(misplaced rules are rejected when declared) {
  using model = fastkafka::json_model<bad_rule>;
  auto threw = [](auto fn) {
    try {
      fn();
    } catch (const std::invalid_argument&) {
      return true;
    }
    return false;
  };
  CAF_CHECK(threw([] { model{}.field(&bad_rule::s, {.ge = 1}); }));
  CAF_CHECK(threw([] { model{}.field(&bad_rule::n, {.min_length = 1}); }));
  CAF_CHECK(threw([] { model{}.field(&bad_rule::n, {.pattern = "x"}); }));
  CAF_CHECK(!threw([] { model{}.field(&bad_rule::n, {.ge = 1}); }));
}

// -- schema -------------------------------------------------------------------

CAF_TEST(schema of a nested model) {
  auto s = fastkafka::json_schema<shop::order>();
  std::string text;
  json_encode(s, text);
  auto expected = boost::json::parse(R"({
    "title": "order", "type": "object",
    "properties": {
      "id": {"type": "integer", "title": "Id"},
      "items": {"type": "array", "items": {"$ref": "#/$defs/item"},
                "title": "Items"},
      "note": {"anyOf": [{"type": "string"}, {"type": "null"}],
               "title": "Note", "default": null},
      "tint": {"$ref": "#/$defs/color", "title": "Tint"},
      "at": {"type": "string", "format": "date-time", "title": "At"},
      "tags": {"type": "object",
               "additionalProperties": {"type": "integer",
                 "minimum": -2147483648, "maximum": 2147483647},
               "title": "Tags"},
      "paid": {"type": "boolean", "title": "Paid"}
    },
    "required": ["id", "items", "tint", "at", "tags", "paid"],
    "$defs": {
      "item": {"title": "item", "type": "object",
        "properties": {
          "sku": {"type": "string", "title": "Sku"},
          "price": {"type": "number", "title": "Price"},
          "qty": {"type": "integer", "minimum": 0, "maximum": 4294967295,
                  "title": "Qty"}},
        "required": ["sku", "price", "qty"]},
      "color": {"title": "color", "type": "string",
                "enum": ["red", "green", "blue"]}
    }
  })");
  CAF_CHECK_EQUAL(boost::json::value(s), expected);
  CAF_CHECK(text.find("E0") == std::string::npos);
}

CAF_TEST(schema carries constraints and examples) {
  auto s = fastkafka::json_schema<reading>();
  auto expected = boost::json::parse(R"({
    "title": "Reading", "description": "One sensor reading", "type": "object",
    "properties": {
      "id": {"type": "integer", "title": "Id"},
      "value": {"type": "number", "minimum": 0, "maximum": 100,
                "description": "percent", "title": "Value"},
      "name": {"type": "string", "minLength": 3, "maxLength": 16,
               "pattern": "^sensor-[0-9]+$", "title": "Name"},
      "level": {"anyOf": [{"type": "integer", "minimum": -2147483648,
                           "maximum": 2147483647, "exclusiveMinimum": 0,
                           "exclusiveMaximum": 10},
                          {"type": "null"}],
                "title": "Level", "default": null},
      "samples": {"type": "array",
                  "items": {"type": "integer", "minimum": -2147483648,
                            "maximum": 2147483647},
                  "maxItems": 3, "title": "Samples"}
    },
    "required": ["id", "value", "name", "samples"],
    "examples": [{"id": 1, "value": 2.5, "name": "sensor-1", "level": null,
                  "samples": [1, 2]}]
  })");
  CAF_CHECK_EQUAL(boost::json::value(s), expected);
  auto text = json_encode(s);
  CAF_CHECK(text.find(R"("value":2.5)") != std::string::npos);
}

// -- codec --------------------------------------------------------------------

CAF_TEST(codec object) {
  auto c = fastkafka::json_codec<input_data>();
  CAF_CHECK_EQUAL(c.name, "json");
  CAF_CHECK_EQUAL(c.content_type, "application/json");
  input_data x;
  decode_error err;
  CAF_CHECK(c.decode(R"({"id":1,"value":2,"name":"n"})", x, err));
  CAF_CHECK_EQUAL(x.value, 2.0);
  CAF_CHECK(!c.decode(R"({"id":1})", x, err));
  CAF_CHECK_EQUAL(err.to_string(), "$.value: missing required field");
  std::string out;
  c.encode(x, out);
  CAF_CHECK_EQUAL(out, R"({"id":1,"value":2.0,"name":"n"})");
}

CAF_TEST(large payloads and threads) {
  // Larger than the thread's 16 KiB arena, decoded repeatedly.
  shop::order o;
  o.at = utc(2026, 1, 1, 0, 0, 0);
  for (int i = 0; i < 2000; ++i)
    o.items.push_back({"sku-" + std::to_string(i), i * 0.5, uint32_t(i)});
  auto text = json_encode(o);
  CAF_REQUIRE(text.size() > 32 * 1024);
  auto worker = [&](int& ok) {
    for (int round = 0; round < 20; ++round) {
      shop::order back;
      decode_error err;
      if (json_decode(text, back, err) && back.items.size() == 2000 &&
          back.items[1999].price == 999.5)
        ++ok;
    }
  };
  int ok1 = 0, ok2 = 0;
  std::thread t1{worker, std::ref(ok1)}, t2{worker, std::ref(ok2)};
  t1.join();
  t2.join();
  CAF_CHECK_EQUAL(ok1, 20);
  CAF_CHECK_EQUAL(ok2, 20);
}

// -- Python interop -----------------------------------------------------------

CAF_TEST(python reads what we write) {
  shop::order o;
  o.id = -9007199254740993; // not representable as a double
  o.items = {{"q\"\\/\n\t\x01 é ☃ 😀", 0.1, 4294967295u},
             {"big", 1e300, 0},
             {"tiny", 5e-324, 1},
             {"whole", 3.0, 2}};
  o.note = std::nullopt;
  o.tint = shop::color::green;
  o.at = utc(2026, 11, 24, 15, 10, 0, std::chrono::milliseconds{123});
  o.tags = {{"k", -1}};
  o.paid = true;
  auto path = write_temp(json_encode(o));
  CAF_REQUIRE(!path.empty());
  auto out = run_python(
      "import json, sys, datetime\n"
      "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
      "at = datetime.datetime.fromisoformat(d['at'].replace('Z', '+00:00'))\n"
      "d['at'] = at.isoformat()\n"
      "d['types'] = [type(i['price']).__name__ for i in d['items']]\n"
      "print(json.dumps(d, sort_keys=True, ensure_ascii=True))\n",
      path);
  std::remove(path.c_str());
  CAF_CHECK_EQUAL(
      out,
      R"({"at": "2026-11-24T15:10:00.123000+00:00", "id": -9007199254740993, )"
      R"("items": [{"price": 0.1, "qty": 4294967295, )"
      R"("sku": "q\"\\/\n\t\u0001 \u00e9 \u2603 \ud83d\ude00"}, )"
      R"({"price": 1e+300, "qty": 0, "sku": "big"}, )"
      R"({"price": 5e-324, "qty": 1, "sku": "tiny"}, )"
      R"({"price": 3.0, "qty": 2, "sku": "whole"}], )"
      R"("note": null, "paid": true, "tags": {"k": -1}, "tint": "green", )"
      R"("types": ["float", "float", "float", "float"]})"
      "\n");
}

CAF_TEST(we read what python writes) {
  auto out = run_python(
      "import json, datetime\n"
      "tz = datetime.timezone(datetime.timedelta(hours=2))\n"
      "at = datetime.datetime(2026, 11, 24, 17, 10, 0, 123456, tzinfo=tz)\n"
      "print(json.dumps({'id': 5, 'items': [{'sku': 'sn\\u00f8w \\u2603 "
      "\\U0001F600', 'price': 0.1, 'qty': 3, 'extra': [1]}], 'note': None, "
      "'tint': 'blue', 'at': at.isoformat(), 'tags': {'a b': 2}, "
      "'paid': False}))\n",
      "");
  decode_error err;
  shop::order o;
  CAF_REQUIRE(json_decode(out, o, err));
  CAF_CHECK_EQUAL(o.id, 5);
  CAF_CHECK_EQUAL(o.items.at(0).sku, "snøw ☃ 😀");
  CAF_CHECK_EQUAL(o.items.at(0).price, 0.1);
  CAF_CHECK(o.at ==
            utc(2026, 11, 24, 15, 10, 0, std::chrono::microseconds{123456}));
  CAF_CHECK(o.tags == (std::map<std::string, int>{{"a b", 2}}));
  CAF_CHECK(o.tint == shop::color::blue);
  CAF_CHECK(!o.note);
}
