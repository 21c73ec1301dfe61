#define CAF_SUITE core.app_rules

#include "fastkafka/app.hpp"

#include "caf/test/unit_test.hpp"

#include <boost/describe/class.hpp>

#include "fastkafka/log.hpp"

using namespace fastkafka;

namespace {

struct reading {
  int64_t id = 0;
};
BOOST_DESCRIBE_STRUCT(reading, (), (id))

const detail::consumer_spec& consumer(const app& a, const std::string& name) {
  for (auto& c : a.consumers())
    if (c->name == name)
      return *c;
  CAF_FAIL("no consumer " << name);
  return *a.consumers().front();
}

} // namespace

CAF_TEST(an empty prefix makes the registration name the topic) {
  // Was "does not start with the prefix \"\"" (FastKafka: prefix="").
  app a{{.title = "Plain"}};
  a.consumes<reading>("plain", [](const reading&) {}, {.prefix = ""});
  auto out = a.produces<reading>("sink.v2", {.prefix = ""});
  CAF_CHECK_EQUAL(consumer(a, "plain").topic, "plain");
  CAF_CHECK_EQUAL(a.get_topics(),
                  (std::vector<std::string>{"plain", "sink.v2"}));
  CAF_CHECK_EQUAL(a.dead_letter_topics(),
                  (std::vector<std::string>{"plain.dlq"}));
}

CAF_TEST(group ids follow the documented rule) {
  app a{{.title = "Fan Out!"}};
  a.consumes<reading>("on_input", [](const reading&) {});
  a.consumes<reading>("audit", [](const reading&) {}, {.topic = "input"});
  a.consumes<reading>("mine", [](const reading&) {},
                      {.topic = "input", .options = {.group_id = "own"}});
  client_options none;
  client_options wide;
  wide.group_id = "replay-7";
  // Unset: fastkafka.<title as slug>.<registration>.
  CAF_CHECK_EQUAL(a.group_id(consumer(a, "on_input"), none),
                  "fastkafka.fan-out.on_input");
  // App-wide G: G.<registration>, so two handlers of one topic never share
  // (and split) a group.
  CAF_CHECK_EQUAL(a.group_id(consumer(a, "on_input"), wide),
                  "replay-7.on_input");
  CAF_CHECK_EQUAL(a.group_id(consumer(a, "audit"), wide), "replay-7.audit");
  // A registration's own group is used as is, app-wide G or not.
  CAF_CHECK_EQUAL(a.group_id(consumer(a, "mine"), none), "own");
  CAF_CHECK_EQUAL(a.group_id(consumer(a, "mine"), wide), "own");
}

CAF_TEST(log levels accept the names the help documents) {
  // --help says trace, debug, info, warn, error, critical, off; `warn` was
  // refused ("unknown log level") because spdlog spells it `warning`.
  using namespace spdlog::level;
  CAF_CHECK(parse_log_level("trace") == trace);
  CAF_CHECK(parse_log_level("debug") == debug);
  CAF_CHECK(parse_log_level("info") == info);
  CAF_CHECK(parse_log_level("warn") == warn);
  CAF_CHECK(parse_log_level("warning") == warn);
  CAF_CHECK(parse_log_level("error") == err);
  CAF_CHECK(parse_log_level("critical") == critical);
  CAF_CHECK(parse_log_level("off") == off);
  CAF_CHECK(!parse_log_level("loud"));
  CAF_CHECK(parse_log_format("json") == log_format::json);
  CAF_CHECK(parse_log_format("text") == log_format::text);
  CAF_CHECK(!parse_log_format("xml"));
}
