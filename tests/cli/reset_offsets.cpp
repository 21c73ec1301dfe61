#define CAF_SUITE cli.reset_offsets

#include "fastkafka/reset_offsets.hpp"

#include "caf/test/unit_test.hpp"

#include <string>

#include "fastkafka/errors.hpp"

using namespace fastkafka;
using kind = kafka::reset_position::kind;

namespace {

// The error text of a value that must be refused; empty when it was not.
std::string refusal(std::string_view value) {
  try {
    parse_reset_offsets(value);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

} // namespace

CAF_TEST(earliest and latest apply to every registration) {
  auto e = parse_reset_offsets("earliest");
  CAF_CHECK(e.registration.empty());
  CAF_CHECK(e.position.where == kind::earliest);
  auto l = parse_reset_offsets("latest");
  CAF_CHECK(l.registration.empty());
  CAF_CHECK(l.position.where == kind::latest);
}

CAF_TEST(an rfc 3339 time becomes milliseconds since the epoch) {
  // 2026-12-01T10:00:00Z is 1796119200 s after the epoch.
  auto z = parse_reset_offsets("2026-12-01T10:00:00Z");
  CAF_CHECK(z.position.where == kind::timestamp);
  CAF_CHECK_EQUAL(z.position.timestamp_ms, 1796119200000);
  // An offset and a fraction: the same instant plus 250 ms.
  auto off = parse_reset_offsets("2026-12-01T11:00:00.250+01:00");
  CAF_CHECK_EQUAL(off.position.timestamp_ms, 1796119200250);
}

CAF_TEST(digits are milliseconds since the epoch) {
  auto ms = parse_reset_offsets("1796119200123");
  CAF_CHECK(ms.position.where == kind::timestamp);
  CAF_CHECK_EQUAL(ms.position.timestamp_ms, 1796119200123);
  CAF_CHECK_EQUAL(parse_reset_offsets("0").position.timestamp_ms, 0);
}

CAF_TEST(a registration name limits the reset to it) {
  auto r = parse_reset_offsets("on_input=earliest");
  CAF_CHECK_EQUAL(r.registration, "on_input");
  CAF_CHECK(r.position.where == kind::earliest);
  auto t = parse_reset_offsets("audit=2026-12-01T10:00:00Z");
  CAF_CHECK_EQUAL(t.registration, "audit");
  CAF_CHECK_EQUAL(t.position.timestamp_ms, 1796119200000);
}

CAF_TEST(unknown values are refused with the accepted forms) {
  auto text = refusal("yesterday");
  CAF_CHECK(text.find("yesterday") != std::string::npos);
  CAF_CHECK(text.find(std::string{reset_offsets_forms}) != std::string::npos);
  for (auto bad : {"", "Earliest", "2026-12-01", "2026-12-01T10:00:00", "-5",
                   "12ab", "=earliest", "on_input=", "on_input=soon",
                   "99999999999999999999", "1969-12-31T23:59:59Z"})
    if (refusal(bad).empty())
      CAF_FAIL("accepted: \"" << bad << "\"");
  CAF_CHECK(refusal("on_input=soon").find("soon") != std::string::npos);
}
