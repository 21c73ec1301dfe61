#define CAF_SUITE codecs.avro

#include "fastkafka/codecs/avro.hpp"

#include "caf/test/unit_test.hpp"

#include "system_python.hpp"

#include <avro.h>

#include <cmath>
#include <cstdio>
#include <limits>

using namespace std::literals;
using fastkafka::avro_decode;
using fastkafka::avro_encode;
using fastkafka::avro_schema_json;
using fastkafka::decode_error;
using fastkafka::test::run_command;
using fastkafka::test::write_temp;

// -- models under test --------------------------------------------------------

struct input_data {
  int64_t id = 0;
  double value = 0;
  std::string name;
  bool operator==(const input_data&) const = default;
};
BOOST_DESCRIBE_STRUCT(input_data, (), (id, value, name))

namespace shop {

enum class color { red = 10, green = 20, blue = 30 };
BOOST_DESCRIBE_ENUM(color, red, green, blue)

struct item {
  std::string sku;
  double price = 0;
  uint32_t qty = 0;
  bool operator==(const item&) const = default;
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
  std::optional<item> gift;
  float weight = 0;
  std::vector<std::optional<int64_t>> scores;
  bool operator==(const order&) const = default;
};
BOOST_DESCRIBE_STRUCT(order, (),
                      (id, items, note, tint, at, tags, paid, gift, weight,
                       scores))

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
  bool operator==(const widths&) const = default;
};
BOOST_DESCRIBE_STRUCT(widths, (), (i8, u8, i16, u16, i32, u32, i64, u64))

struct node {
  std::string name;
  std::vector<node> children;
};
BOOST_DESCRIBE_STRUCT(node, (), (name, children))

struct nothing {};
BOOST_DESCRIBE_STRUCT(nothing, (), ())

struct many_nothings {
  std::vector<nothing> all;
};
BOOST_DESCRIBE_STRUCT(many_nothings, (), (all))

struct flags {
  std::vector<bool> bits;
};
BOOST_DESCRIBE_STRUCT(flags, (), (bits))

struct reading {
  int64_t id = 0;
  double value = 0;
};
BOOST_DESCRIBE_STRUCT(reading, (), (id, value))

inline fastkafka::json_model<reading> describe_json(reading*) {
  return fastkafka::json_model<reading>{"Reading"}
      .description("One sensor reading")
      .field(&reading::value, {.ge = 0, .le = 100, .description = "percent"});
}

struct alpha {
  int x = 0;
};
BOOST_DESCRIBE_STRUCT(alpha, (), (x))

// Titled like another type in the same (global) namespace.
inline fastkafka::json_model<alpha> describe_json(alpha*) {
  return fastkafka::json_model<alpha>{"beta"};
}

struct beta {
  int y = 0;
};
BOOST_DESCRIBE_STRUCT(beta, (), (y))

struct clash {
  alpha a;
  beta b;
};
BOOST_DESCRIBE_STRUCT(clash, (), (a, b))

struct timed {
  std::chrono::sys_time<std::chrono::nanoseconds> ns;
  std::chrono::sys_time<std::chrono::seconds> s;
};
BOOST_DESCRIBE_STRUCT(timed, (), (ns, s))

// -- helpers ------------------------------------------------------------------

using int_map = std::map<std::string, int>;

namespace {

/// Bytes from a list of byte values.
std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list)
    out.push_back(static_cast<char>(b));
  return out;
}

/// Decodes `in` as `T` and returns the rendered error ("" on success).
template <class T>
std::string error_of(std::string_view in) {
  T out{};
  decode_error err;
  if (avro_decode(in, out, err))
    return "";
  return err.to_string();
}

/// Encodes `value` and returns the rendered error ("" on success).
template <class T>
std::string encode_error_of(const T& value) {
  try {
    avro_encode(value);
  } catch (const fastkafka::avro_error& e) {
    return e.error().to_string();
  }
  return "";
}

std::chrono::system_clock::time_point utc(int y, unsigned mo, unsigned d, int h,
                                          int mi, int s,
                                          std::chrono::microseconds frac = {}) {
  using namespace std::chrono;
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} +
         seconds{s} + frac;
}

shop::order sample_order() {
  shop::order o;
  o.id = -9007199254740993;
  o.items = {
      {"q\"\\ é ☃ 😀", 0.1, 4294967295u}, {"big", 1e300, 0}, {"", -2.5, 1}};
  o.note = "leave at the door";
  o.tint = shop::color::green;
  o.at = utc(2026, 11, 24, 15, 10, 0, std::chrono::microseconds{123456});
  o.tags = {{"a b", -1}, {"k", 2147483647}};
  o.paid = true;
  o.gift = shop::item{"card", 1.5, 1};
  o.weight = 2.25f;
  o.scores = {1, std::nullopt, -3};
  return o;
}

/// avro-c's reading of `data` against `schema`: its JSON rendering, or
/// `error: ...`. Also checks that avro-c consumed every byte and writes
/// back exactly `data`.
std::string avro_c_read(const std::string& schema_json,
                        const std::string& data) {
  avro_schema_t schema;
  if (avro_schema_from_json_length(schema_json.data(), schema_json.size(),
                                   &schema))
    return "error: schema: "s + avro_strerror();
  auto* iface = avro_generic_class_from_schema(schema);
  avro_value_t value;
  avro_generic_value_new(iface, &value);
  auto* reader = avro_reader_memory(data.data(), data.size());
  std::string result;
  if (avro_value_read(reader, &value)) {
    result = "error: read: "s + avro_strerror();
  } else if (size_t size = 0;
             avro_value_sizeof(&value, &size) || size != data.size()) {
    result = "error: avro-c read " + std::to_string(size) + " of " +
             std::to_string(data.size()) + " bytes";
  } else {
    char* json = nullptr;
    avro_value_to_json(&value, 1, &json);
    result = json;
    free(json);
    std::string back(data.size() + 16, '\0');
    auto* writer = avro_writer_memory(back.data(), back.size());
    if (avro_value_write(writer, &value))
      result = "error: write: "s + avro_strerror();
    back.resize(avro_writer_tell(writer));
    avro_writer_free(writer);
    if (back != data)
      result = "error: avro-c writes other bytes back";
  }
  avro_reader_free(reader);
  avro_value_decref(&value);
  avro_value_iface_decref(iface);
  avro_schema_decref(schema);
  return result;
}

/// Runs tests/codecs/avro_interop.py under /usr/bin/python3.
std::string run_interop(const std::string& mode, const std::string& schema,
                        const std::string& data) {
  auto schema_path = write_temp(schema);
  auto data_path = write_temp(data);
  auto result = run_command(std::string{FASTKAFKA_SYSTEM_PYTHON} + " " +
                            FASTKAFKA_AVRO_INTEROP + " " + mode + " " +
                            schema_path + " " + data_path);
  std::remove(schema_path.c_str());
  std::remove(data_path.c_str());
  return result;
}

} // namespace

// -- schema -------------------------------------------------------------------

CAF_TEST(schema of the flat model) {
  CAF_CHECK_EQUAL(
      avro_schema_json<input_data>(),
      R"({"type":"record","name":"input_data","fields":[)"
      R"({"name":"id","type":"long"},{"name":"value","type":"double"},)"
      R"({"name":"name","type":"string"}]})");
}

CAF_TEST(schema of a nested model) {
  CAF_CHECK_EQUAL(
      avro_schema_json<shop::order>(),
      R"({"type":"record","name":"order","namespace":"shop","fields":[)"
      R"({"name":"id","type":"long"},)"
      R"({"name":"items","type":{"type":"array","items":)"
      R"({"type":"record","name":"item","namespace":"shop","fields":[)"
      R"({"name":"sku","type":"string"},{"name":"price","type":"double"},)"
      R"({"name":"qty","type":"long"}]}}},)"
      R"({"name":"note","type":["null","string"],"default":null},)"
      R"({"name":"tint","type":{"type":"enum","name":"color",)"
      R"("namespace":"shop","symbols":["red","green","blue"]}},)"
      R"({"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}},)"
      R"({"name":"tags","type":{"type":"map","values":"int"}},)"
      R"({"name":"paid","type":"boolean"},)"
      // Defined once above, referenced by full name here.
      R"({"name":"gift","type":["null","shop.item"],"default":null},)"
      R"({"name":"weight","type":"float"},)"
      R"({"name":"scores","type":{"type":"array","items":["null","long"]}}]})");
}

CAF_TEST(schema of integer widths) {
  CAF_CHECK_EQUAL(
      avro_schema_json<widths>(),
      R"({"type":"record","name":"widths","fields":[)"
      R"({"name":"i8","type":"int"},{"name":"u8","type":"int"},)"
      R"({"name":"i16","type":"int"},{"name":"u16","type":"int"},)"
      R"({"name":"i32","type":"int"},{"name":"u32","type":"long"},)"
      R"({"name":"i64","type":"long"},{"name":"u64","type":"long"}]})");
}

CAF_TEST(schema of primitives and recursive records) {
  CAF_CHECK_EQUAL(avro_schema_json<std::string>(), R"("string")");
  CAF_CHECK_EQUAL(avro_schema_json<float>(), R"("float")");
  CAF_CHECK_EQUAL(avro_schema_json<std::vector<bool>>(),
                  R"({"type":"array","items":"boolean"})");
  CAF_CHECK_EQUAL(avro_schema_json<node>(),
                  R"({"type":"record","name":"node","fields":[)"
                  R"({"name":"name","type":"string"},)"
                  R"({"name":"children","type":{"type":"array",)"
                  R"("items":"node"}}]})");
}

CAF_TEST(schema uses the json model title and docs) {
  CAF_CHECK_EQUAL(avro_schema_json<reading>(),
                  R"({"type":"record","name":"Reading",)"
                  R"("doc":"One sensor reading","fields":[)"
                  R"({"name":"id","type":"long"},)"
                  R"({"name":"value","type":"double","doc":"percent"}]})");
}

CAF_TEST(schema rejects two types with one name) {
  std::string what;
  try {
    avro_schema_json<clash>();
  } catch (const fastkafka::avro_error& e) {
    what = e.what();
  }
  CAF_CHECK_EQUAL(what, "$: two C++ types map to the Avro name beta; give one "
                        "a json_model title or another namespace");
}

CAF_TEST(avro c and python parse the generated schemas) {
  for (const auto& s :
       {avro_schema_json<shop::order>(), avro_schema_json<widths>(),
        avro_schema_json<node>(), avro_schema_json<reading>()}) {
    avro_schema_t schema;
    CAF_CHECK_EQUAL(avro_schema_from_json_length(s.data(), s.size(), &schema),
                    0);
    avro_schema_decref(schema);
  }
  auto ok = run_interop("read", avro_schema_json<node>(),
                        avro_encode(node{"root", {{"leaf", {}}}}));
  CAF_CHECK_EQUAL(
      ok, R"({"children": [{"children": [], "name": "leaf"}], "name": "root"})"
          "\n");
}

// -- round trips and exact bytes ----------------------------------------------

CAF_TEST(flat model bytes) {
  input_data x{1, 2.5, "ab"};
  auto b = avro_encode(x);
  CAF_CHECK_EQUAL(b,
                  bytes({0x02, 0, 0, 0, 0, 0, 0, 0x04, 0x40, 0x04, 'a', 'b'}));
  CAF_CHECK(avro_decode<input_data>(b) == x);
  x = {-64, -0.0, ""};
  CAF_CHECK_EQUAL(avro_encode(x),
                  bytes({0x7F, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x00}));
  x.id = 64;
  CAF_CHECK_EQUAL(avro_encode(x).substr(0, 2), bytes({0x80, 0x01}));
  x.id = std::numeric_limits<int64_t>::min();
  CAF_CHECK_EQUAL(
      avro_encode(x).substr(0, 10),
      bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
  CAF_CHECK(avro_decode<input_data>(avro_encode(x)).id == x.id);
}

CAF_TEST(nested model round trip) {
  auto o = sample_order();
  auto b = avro_encode(o);
  shop::order back;
  decode_error err;
  CAF_REQUIRE(avro_decode(b, back, err));
  CAF_CHECK(back == o);
  // Decoding again into a used object replaces everything.
  shop::order other;
  other.items.resize(7);
  other.tags["stale"] = 1;
  other.scores = {9, 9, 9, 9};
  CAF_REQUIRE(avro_decode(b, other, err));
  CAF_CHECK(other == o);
  // Empty containers and absent optionals.
  shop::order empty;
  CAF_REQUIRE(avro_decode(avro_encode(empty), other, err));
  CAF_CHECK(other == empty);
}

CAF_TEST(encode appends and leaves the buffer alone on error) {
  std::string out = "prefix";
  avro_encode(input_data{1, 0, ""}, out);
  CAF_CHECK_EQUAL(out.substr(0, 6), "prefix");
  CAF_CHECK_EQUAL(out.size(), 6u + 1 + 8 + 1);
  shop::order o;
  o.items = {{"ok", 1, 1}, {"bad\xff", 1, 1}};
  auto before = out;
  CAF_CHECK_EQUAL(encode_error_of(o), "$.items[1].sku: invalid UTF-8 at byte "
                                      "3: Avro strings are UTF-8");
  bool threw = false;
  try {
    avro_encode(o, out);
  } catch (const fastkafka::avro_error&) {
    threw = true;
  }
  CAF_CHECK(threw);
  CAF_CHECK_EQUAL(out, before);
}

CAF_TEST(integer widths round trip at their limits) {
  widths lo{-128,
            0,
            -32768,
            0,
            std::numeric_limits<int32_t>::min(),
            0,
            std::numeric_limits<int64_t>::min(),
            0};
  widths hi{127,
            255,
            32767,
            65535,
            std::numeric_limits<int32_t>::max(),
            std::numeric_limits<uint32_t>::max(),
            std::numeric_limits<int64_t>::max(),
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max())};
  CAF_CHECK(avro_decode<widths>(avro_encode(lo)) == lo);
  CAF_CHECK(avro_decode<widths>(avro_encode(hi)) == hi);
}

CAF_TEST(narrow integers are range checked) {
  // All eight fields zero except the one under test (zigzag 0 is 0x00).
  auto with = [](int field, std::initializer_list<int> varint) {
    std::string b;
    for (int i = 0; i < 8; ++i)
      b += i == field ? bytes(varint) : bytes({0});
    return b;
  };
  CAF_CHECK_EQUAL(error_of<widths>(with(0, {0x80, 0x02})),
                  "$.i8: 128 is out of range for int8 (-128..127)");
  CAF_CHECK_EQUAL(error_of<widths>(with(1, {0x01})),
                  "$.u8: -1 is out of range for uint8 (0..255)");
  CAF_CHECK_EQUAL(error_of<widths>(with(3, {0x80, 0x80, 0x08})),
                  "$.u16: 65536 is out of range for uint16 (0..65535)");
  CAF_CHECK_EQUAL(
      error_of<widths>(with(4, {0x80, 0x80, 0x80, 0x80, 0x10})),
      "$.i32: 2147483648 is out of range for int32 (-2147483648..2147483647)");
  CAF_CHECK_EQUAL(
      error_of<widths>(with(5, {0x80, 0x80, 0x80, 0x80, 0x20})),
      "$.u32: 4294967296 is out of range for uint32 (0..4294967295)");
  CAF_CHECK_EQUAL(
      error_of<widths>(with(7, {0x01})),
      "$.u64: -1 is out of range for uint64 (0..18446744073709551615)");
}

CAF_TEST(uint64 above int64 max is an encode error) {
  widths w;
  w.u64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1;
  CAF_CHECK_EQUAL(encode_error_of(w),
                  "$.u64: 9223372036854775808 does not fit in an Avro long "
                  "(uint64 values above 9223372036854775807 cannot be "
                  "encoded)");
}

CAF_TEST(overlong varints are rejected) {
  CAF_CHECK_EQUAL(error_of<int64_t>(bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                           0xFF, 0xFF, 0xFF, 0x02})),
                  "$: variable-length integer at byte 0 does not fit in 64 "
                  "bits");
  CAF_CHECK_EQUAL(error_of<int64_t>(bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                           0x80, 0x80, 0x80, 0x80, 0x00})),
                  "$: variable-length integer at byte 0 does not fit in 64 "
                  "bits");
  // Non-canonical but valid: zero written in two bytes.
  CAF_CHECK_EQUAL(avro_decode<int64_t>(bytes({0x80, 0x00})), 0);
}

CAF_TEST(floats and doubles) {
  CAF_CHECK_EQUAL(avro_encode(2.25f), bytes({0, 0, 0x10, 0x40}));
  CAF_CHECK_EQUAL(avro_decode<float>(bytes({0, 0, 0x10, 0x40})), 2.25f);
  CAF_CHECK(std::isnan(avro_decode<double>(
      avro_encode(std::numeric_limits<double>::quiet_NaN()))));
  // Not CAF_CHECK_EQUAL: it compares floating point with a tolerance.
  CAF_CHECK(avro_decode<double>(
                avro_encode(-std::numeric_limits<double>::infinity())) ==
            -std::numeric_limits<double>::infinity());
  CAF_CHECK_EQUAL(avro_decode<double>(avro_encode(5e-324)), 5e-324);
}

CAF_TEST(booleans) {
  CAF_CHECK_EQUAL(avro_encode(true), bytes({1}));
  CAF_CHECK_EQUAL(avro_encode(false), bytes({0}));
  CAF_CHECK_EQUAL(avro_decode<bool>(bytes({1})), true);
  CAF_CHECK_EQUAL(error_of<bool>(bytes({2})),
                  "$: invalid boolean byte 2 at byte 0 (expected 0 or 1)");
  flags f{{true, false, true}};
  CAF_CHECK_EQUAL(avro_encode(f), bytes({0x06, 1, 0, 1, 0}));
  CAF_CHECK(avro_decode<flags>(avro_encode(f)).bits == f.bits);
  CAF_CHECK_EQUAL(error_of<flags>(bytes({0x04, 1, 7, 0})),
                  "$.bits[1]: invalid boolean byte 7 at byte 2 (expected 0 or "
                  "1)");
}

// -- strings ------------------------------------------------------------------

CAF_TEST(strings keep embedded nuls and check utf8) {
  auto s = "a\0b é 😀"s;
  CAF_CHECK_EQUAL(avro_decode<std::string>(avro_encode(s)), s);
  CAF_CHECK_EQUAL(error_of<std::string>(bytes({0x06, 'a', 0xC3, 0x28})),
                  "$: string is not valid UTF-8 (bad byte at byte 2)");
  CAF_CHECK_EQUAL(encode_error_of("ab\xed\xa0\x80"s),
                  "$: invalid UTF-8 at byte 2: Avro strings are UTF-8");
  CAF_CHECK_EQUAL(error_of<std::string>(bytes({0x01})),
                  "$: negative string length -1");
  // 17 ASCII bytes then a bad one: exercises the word-at-a-time scan.
  auto long_bad = bytes({36}) + std::string(17, 'x') + bytes({0x80});
  CAF_CHECK_EQUAL(error_of<std::string>(long_bad),
                  "$: string is not valid UTF-8 (bad byte at byte 18)");
}

// -- optionals, unions --------------------------------------------------------

CAF_TEST(optional fields are unions with null first) {
  std::optional<std::string> none;
  std::optional<std::string> some = "x";
  CAF_CHECK_EQUAL(avro_encode(none), bytes({0}));
  CAF_CHECK_EQUAL(avro_encode(some), bytes({2, 2, 'x'}));
  auto back = avro_decode<std::optional<std::string>>(bytes({2, 2, 'x'}));
  CAF_CHECK(back == some);
  std::optional<std::string> reused = "old";
  decode_error err;
  CAF_CHECK(avro_decode(bytes({0}), reused, err));
  CAF_CHECK(!reused);
  CAF_CHECK_EQUAL(error_of<std::optional<std::string>>(bytes({4})),
                  "$: bad union branch 2 (expected 0 for null or 1 for a "
                  "value)");
  CAF_CHECK_EQUAL(error_of<std::optional<std::string>>(bytes({1})),
                  "$: bad union branch -1 (expected 0 for null or 1 for a "
                  "value)");
}

// -- enums --------------------------------------------------------------------

CAF_TEST(enums are written as symbol indices) {
  // Position in the declaration, not the C++ value (20).
  CAF_CHECK_EQUAL(avro_encode(shop::color::green), bytes({2}));
  CAF_CHECK(avro_decode<shop::color>(bytes({4})) == shop::color::blue);
  CAF_CHECK_EQUAL(error_of<shop::color>(bytes({6})),
                  "$: unknown enum index 3 for color (expected 0..2)");
  CAF_CHECK_EQUAL(error_of<shop::color>(bytes({1})),
                  "$: unknown enum index -1 for color (expected 0..2)");
  CAF_CHECK_EQUAL(encode_error_of(static_cast<shop::color>(7)),
                  "$: 7 is not a described enumerator of color");
}

// -- arrays and maps ----------------------------------------------------------

CAF_TEST(arrays in several blocks and with byte sizes) {
  // Block of 2, block of -1 (with a byte size), end.
  auto b = bytes({0x04, 0x02, 0x04, 0x01, 0x02, 0x06, 0x00});
  CAF_CHECK(avro_decode<std::vector<int>>(b) == (std::vector<int>{1, 2, 3}));
  CAF_CHECK_EQUAL(avro_encode(std::vector<int>{}), bytes({0}));
  CAF_CHECK_EQUAL(avro_encode(std::vector<int>{1, -1}),
                  bytes({0x04, 0x02, 0x01, 0x00}));
}

CAF_TEST(array block counts are bounded by the input) {
  // Claims 2^62 items of at least 8 bytes each.
  auto b = bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  CAF_CHECK_EQUAL(error_of<std::vector<double>>(b),
                  "$: block of 4611686018427387904 items cannot fit in the 0 "
                  "bytes left");
  CAF_CHECK_EQUAL(
      error_of<std::vector<double>>(bytes({0x04, 0, 0, 0, 0, 0, 0, 0, 0, 1})),
      "$: block of 2 items cannot fit in the 9 bytes left");
  // Zero-byte items: a count is allowed up to a fixed bound.
  many_nothings m;
  m.all.resize(1000);
  CAF_CHECK_EQUAL(avro_decode<many_nothings>(avro_encode(m)).all.size(), 1000u);
  CAF_CHECK_EQUAL(error_of<many_nothings>(b),
                  "$.all: block of 4611686018427387904 items cannot fit in "
                  "the 0 bytes left");
  CAF_CHECK_EQUAL(error_of<std::vector<int>>(bytes({0x01, 0x00})),
                  "$: block of 1 items cannot fit in the 0 bytes left");
  // A negative count must be followed by the block's byte size.
  CAF_CHECK_EQUAL(error_of<std::vector<int>>(bytes({0x01})),
                  "$: truncated input: variable-length integer at byte 1 "
                  "runs past the end");
}

CAF_TEST(errors name the path) {
  auto o = sample_order();
  o.items[2].sku = "x";
  auto b = avro_encode(o);
  // Cut inside items[2].price: the error names that field.
  auto price_at = avro_encode(o.id).size() + 1 +
                  avro_encode(o.items[0]).size() +
                  avro_encode(o.items[1]).size() + 2;
  CAF_CHECK_EQUAL(error_of<shop::order>(b.substr(0, price_at + 3)),
                  "$.items[2].price: truncated input: double at byte " +
                      std::to_string(price_at) + " needs 8 bytes, 3 left");
  // A map value with a key that is not an identifier.
  std::map<std::string, int> m{{"a b", 1}};
  auto mb = avro_encode(m);
  mb.back() = 0x05; // no end-of-map marker: 0x05 is not a terminator
  CAF_CHECK_EQUAL(error_of<int_map>(mb.substr(0, 5)),
                  "$[\"a b\"]: truncated input: variable-length integer at "
                  "byte 5 runs past the end");
  CAF_CHECK_EQUAL(error_of<int_map>(bytes({0x02, 0x03})),
                  "$: map key: negative string length -2");
}

CAF_TEST(every truncation of a nested payload is an error) {
  auto b = avro_encode(sample_order());
  for (std::size_t n = 0; n < b.size(); ++n) {
    auto e = error_of<shop::order>(b.substr(0, n));
    if (e.find("truncated input") == std::string::npos &&
        e.find("cannot fit") == std::string::npos)
      CAF_FAIL("prefix of " << n << " bytes: " << e);
  }
  CAF_CHECK_EQUAL(error_of<shop::order>(b), "");
}

CAF_TEST(trailing bytes are an error) {
  auto b = avro_encode(input_data{1, 2, "x"}) + "zz";
  CAF_CHECK_EQUAL(error_of<input_data>(b),
                  "$: 2 bytes left over after the datum at byte 11 (written "
                  "with another schema?)");
}

CAF_TEST(map keys are checked) {
  std::map<std::string, int> bad{{"\xff", 1}};
  CAF_CHECK_EQUAL(encode_error_of(bad),
                  "$[\"\xff\"]: invalid UTF-8 at byte 0: Avro strings are "
                  "UTF-8");
  CAF_CHECK_EQUAL(error_of<int_map>(bytes({0x02, 0x02, 0xFF, 0x02, 0x00})),
                  "$: map key: string is not valid UTF-8 (bad byte at byte "
                  "2)");
  // Duplicate keys: the last one wins, as in Python's dict.
  auto dup = bytes({0x04, 0x02, 'k', 0x02, 0x02, 'k', 0x04, 0x00});
  CAF_CHECK(avro_decode<std::map<std::string, int>>(dup) ==
            (std::map<std::string, int>{{"k", 2}}));
}

CAF_TEST(recursion depth is bounded) {
  node n{"leaf", {}};
  for (int i = 0; i < 100; ++i)
    n = node{"n", {n}};
  CAF_CHECK_EQUAL(error_of<node>(avro_encode(n)), "");
  std::string deep;
  for (int i = 0; i < 200; ++i)
    deep += bytes({0x00, 0x02}); // name "", one child
  auto e = error_of<node>(deep);
  CAF_CHECK(e.find("records nested deeper than 128") != std::string::npos);
  CAF_CHECK(e.starts_with("$.children[0].children[0]"));
}

// -- time ---------------------------------------------------------------------

CAF_TEST(time points are microseconds since the epoch) {
  using namespace std::chrono;
  auto t = utc(1970, 1, 1, 0, 0, 0, microseconds{1});
  CAF_CHECK_EQUAL(avro_encode(t), bytes({0x02}));
  auto before = utc(1969, 12, 31, 23, 59, 59, microseconds{999999});
  CAF_CHECK_EQUAL(avro_encode(before), bytes({0x01}));
  CAF_CHECK(avro_decode<system_clock::time_point>(bytes({0x01})) == before);
  // Nanoseconds are floored to microseconds.
  timed x{sys_time<nanoseconds>{nanoseconds{1999}}, sys_seconds{seconds{-3}}};
  auto back = avro_decode<timed>(avro_encode(x));
  CAF_CHECK(back.ns.time_since_epoch() == nanoseconds{1000});
  CAF_CHECK(back.s.time_since_epoch() == seconds{-3});
  // Year 2262+ does not fit in nanoseconds.
  std::string big = avro_encode(std::numeric_limits<int64_t>::max());
  CAF_CHECK_EQUAL(error_of<timed>(big + bytes({0})),
                  "$.ns: timestamp 9223372036854775807 us is out of range for "
                  "the time_point type");
  timed far{{}, sys_seconds{seconds{std::numeric_limits<int64_t>::max() / 2}}};
  CAF_CHECK_EQUAL(encode_error_of(far),
                  "$.s: time_point is out of range for timestamp-micros");
}

// -- models with rules --------------------------------------------------------

CAF_TEST(json model rules apply to avro too) {
  CAF_CHECK_EQUAL(error_of<reading>(avro_encode(reading{1, 50})), "");
  CAF_CHECK_EQUAL(error_of<reading>(avro_encode(reading{1, 150})),
                  "$.value: must be <= 100, got 150");
}

// -- codec --------------------------------------------------------------------

CAF_TEST(codec object) {
  auto c = fastkafka::avro_codec<input_data>();
  CAF_CHECK_EQUAL(c.name, "avro");
  CAF_CHECK_EQUAL(c.content_type, "application/vnd.apache.avro");
  std::string out;
  c.encode(input_data{7, 0.5, "n"}, out);
  input_data back;
  decode_error err;
  CAF_REQUIRE(c.decode(out, back, err));
  CAF_CHECK(back == (input_data{7, 0.5, "n"}));
  CAF_CHECK(!c.decode(out.substr(0, 3), back, err));
  CAF_CHECK_EQUAL(err.to_string(),
                  "$.value: truncated input: double at byte 1 needs 8 bytes, 2 "
                  "left");
  std::string what;
  try {
    avro_decode<input_data>("");
  } catch (const fastkafka::avro_error& e) {
    what = e.what();
    CAF_CHECK_EQUAL(e.error().path, "$.id");
  }
  CAF_CHECK_EQUAL(what, "$.id: truncated input: variable-length integer at "
                        "byte 0 runs past the end");
}

// -- avro-c as an independent reader and writer
// --------------------------------

CAF_TEST(avro c reads what we write) {
  CAF_CHECK_EQUAL(avro_c_read(avro_schema_json<input_data>(),
                              avro_encode(input_data{-5, 2.5, "snow ☃"})),
                  R"({"id": -5, "value": 2.5, "name": "snow \u2603"})");
  shop::order o;
  o.id = 42;
  o.items = {{"a", 1.5, 3}, {"b", -0.25, 4294967295u}};
  o.note = "n";
  o.tint = shop::color::blue;
  o.at = utc(1970, 1, 1, 0, 0, 1, std::chrono::microseconds{5});
  o.tags = {{"x", -7}, {"y", 8}};
  o.paid = true;
  o.weight = 0.5f;
  o.scores = {std::nullopt, 9};
  CAF_CHECK_EQUAL(
      avro_c_read(avro_schema_json<shop::order>(), avro_encode(o)),
      R"({"id": 42, "items": [{"sku": "a", "price": 1.5, "qty": 3}, )"
      R"({"sku": "b", "price": -0.25, "qty": 4294967295}], )"
      R"("note": {"string": "n"}, "tint": "blue", "at": 1000005, )"
      R"("tags": {"x": -7, "y": 8}, "paid": true, "gift": null, )"
      R"("weight": 0.5, "scores": [null, {"long": 9}]})");
  CAF_CHECK_EQUAL(
      avro_c_read(avro_schema_json<shop::order>(), avro_encode(sample_order())),
      R"({"id": -9007199254740993, "items": [{"sku": )"
      R"("q\"\\ \u00E9 \u2603 \uD83D\uDE00", )"
      R"("price": 0.10000000000000001, "qty": 4294967295}, )"
      R"({"sku": "big", "price": 1.0000000000000001e300, "qty": 0}, )"
      R"({"sku": "", "price": -2.5, "qty": 1}], )"
      R"("note": {"string": "leave at the door"}, "tint": "green", )"
      R"("at": 1795533000123456, "tags": {"a b": -1, "k": 2147483647}, )"
      R"("paid": true, "gift": {"item": {"sku": "card", "price": 1.5, )"
      R"("qty": 1}}, "weight": 2.25, "scores": [{"long": 1}, null, )"
      R"({"long": -3}]})");
  widths w{-1, 2, -3, 4, -5, 6, -7, 8};
  CAF_CHECK_EQUAL(avro_c_read(avro_schema_json<widths>(), avro_encode(w)),
                  R"({"i8": -1, "u8": 2, "i16": -3, "u16": 4, "i32": -5, )"
                  R"("u32": 6, "i64": -7, "u64": 8})");
}

CAF_TEST(we read what avro c writes) {
  auto schema_json = avro_schema_json<shop::order>();
  avro_schema_t schema;
  CAF_REQUIRE_EQUAL(avro_schema_from_json_length(schema_json.data(),
                                                 schema_json.size(), &schema),
                    0);
  auto* iface = avro_generic_class_from_schema(schema);
  avro_value_t rec, f, e, g, b;
  avro_generic_value_new(iface, &rec);
  avro_value_get_by_name(&rec, "id", &f, nullptr);
  avro_value_set_long(&f, -123456789012);
  avro_value_get_by_name(&rec, "items", &f, nullptr);
  avro_value_append(&f, &e, nullptr);
  avro_value_get_by_name(&e, "sku", &g, nullptr);
  avro_value_set_string(&g, "sku-1");
  avro_value_get_by_name(&e, "price", &g, nullptr);
  avro_value_set_double(&g, 9.75);
  avro_value_get_by_name(&e, "qty", &g, nullptr);
  avro_value_set_long(&g, 3000000000);
  avro_value_get_by_name(&rec, "note", &f, nullptr);
  avro_value_set_branch(&f, 1, &b);
  avro_value_set_string(&b, "hi");
  avro_value_get_by_name(&rec, "tint", &f, nullptr);
  avro_value_set_enum(&f, 2);
  avro_value_get_by_name(&rec, "at", &f, nullptr);
  avro_value_set_long(&f, 1764000000123456);
  avro_value_get_by_name(&rec, "tags", &f, nullptr);
  avro_value_add(&f, "t", &e, nullptr, nullptr);
  avro_value_set_int(&e, -4);
  avro_value_get_by_name(&rec, "paid", &f, nullptr);
  avro_value_set_boolean(&f, 1);
  avro_value_get_by_name(&rec, "gift", &f, nullptr);
  avro_value_set_branch(&f, 1, &b);
  avro_value_get_by_name(&b, "sku", &g, nullptr);
  avro_value_set_string(&g, "g");
  avro_value_get_by_name(&b, "price", &g, nullptr);
  avro_value_set_double(&g, 0);
  avro_value_get_by_name(&b, "qty", &g, nullptr);
  avro_value_set_long(&g, 1);
  avro_value_get_by_name(&rec, "weight", &f, nullptr);
  avro_value_set_float(&f, -1.5f);
  avro_value_get_by_name(&rec, "scores", &f, nullptr);
  avro_value_append(&f, &e, nullptr);
  avro_value_set_branch(&e, 0, &b);
  avro_value_set_null(&b);
  avro_value_append(&f, &e, nullptr);
  avro_value_set_branch(&e, 1, &b);
  avro_value_set_long(&b, 77);
  std::string buf(4096, '\0');
  auto* writer = avro_writer_memory(buf.data(), buf.size());
  CAF_REQUIRE_EQUAL(avro_value_write(writer, &rec), 0);
  buf.resize(avro_writer_tell(writer));
  avro_writer_free(writer);
  avro_value_decref(&rec);
  avro_value_iface_decref(iface);
  avro_schema_decref(schema);

  shop::order expected;
  expected.id = -123456789012;
  expected.items = {{"sku-1", 9.75, 3000000000u}};
  expected.note = "hi";
  expected.tint = shop::color::blue;
  expected.at = std::chrono::system_clock::time_point{
      std::chrono::microseconds{1764000000123456}};
  expected.tags = {{"t", -4}};
  expected.paid = true;
  expected.gift = shop::item{"g", 0, 1};
  expected.weight = -1.5f;
  expected.scores = {std::nullopt, 77};
  shop::order got;
  decode_error err;
  CAF_REQUIRE(avro_decode(buf, got, err));
  CAF_CHECK(got == expected);
  CAF_CHECK_EQUAL(buf, avro_encode(expected));
}

// -- python3-avro as an independent reader and writer
// --------------------------

namespace {

// The sample order as plain JSON (see avro_interop.py): timestamps in
// microseconds, keys sorted as Python prints them.
constexpr std::string_view sample_plain =
    R"({"at": 1795533000123456, "gift": {"price": 1.5, "qty": 1, "sku": "card"}, )"
    R"("id": -9007199254740993, "items": [{"price": 0.1, "qty": 4294967295, )"
    R"("sku": "q\"\\ \u00e9 \u2603 \ud83d\ude00"}, {"price": 1e+300, "qty": 0, )"
    R"("sku": "big"}, {"price": -2.5, "qty": 1, "sku": ""}], )"
    R"("note": "leave at the door", "paid": true, "scores": [1, null, -3], )"
    R"("tags": {"a b": -1, "k": 2147483647}, "tint": "green", "weight": 2.25})";

} // namespace

CAF_TEST(python reads what we write) {
  auto out = run_interop("read", avro_schema_json<shop::order>(),
                         avro_encode(sample_order()));
  CAF_CHECK_EQUAL(out, std::string{sample_plain} + "\n");
}

CAF_TEST(we read what python writes) {
  auto out = run_interop("write", avro_schema_json<shop::order>(),
                         std::string{sample_plain});
  shop::order got;
  decode_error err;
  auto ok = avro_decode(out, got, err);
  if (!ok)
    CAF_MESSAGE(err.to_string() << " in " << out);
  CAF_REQUIRE(ok);
  CAF_CHECK(got == sample_order());
  // Both canonical encodings of the same value: byte for byte equal.
  CAF_CHECK(out == avro_encode(sample_order()));
  // Python with its own values (absent optionals, empty containers).
  auto empty = run_interop(
      "write", avro_schema_json<shop::order>(),
      R"({"at": -1, "gift": null, "id": 0, "items": [], "note": null, )"
      R"("paid": false, "scores": [], "tags": {}, "tint": "red", "weight": 0.0})");
  CAF_REQUIRE(avro_decode(empty, got, err));
  shop::order expected;
  expected.at =
      utc(1969, 12, 31, 23, 59, 59, std::chrono::microseconds{999999});
  CAF_CHECK(got == expected);
}
