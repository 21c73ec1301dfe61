#define CAF_SUITE core.topic

#include "fastkafka/topic.hpp"

#include "caf/test/unit_test.hpp"

#include "fastkafka/errors.hpp"

using namespace fastkafka;

namespace {

std::string error_of(std::string_view name, std::string_view topic,
                     std::string_view prefix) {
  try {
    infer_topic("consumes", name, topic, prefix);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

} // namespace

CAF_TEST(the topic is the name minus the prefix) {
  CAF_CHECK_EQUAL(infer_topic("consumes", "on_input", "", "on_"), "input");
  CAF_CHECK_EQUAL(infer_topic("produces", "to_output", "", "to_"), "output");
  CAF_CHECK_EQUAL(infer_topic("consumes", "handle_orders", "", "handle_"),
                  "orders");
}

CAF_TEST(an explicit topic wins over the name) {
  CAF_CHECK_EQUAL(infer_topic("consumes", "on_input", "raw.events", "on_"),
                  "raw.events");
  CAF_CHECK_EQUAL(infer_topic("consumes", "anything", "x", "on_"), "x");
}

CAF_TEST(topics with dots and hyphens are valid) {
  CAF_CHECK_EQUAL(infer_topic("consumes", "on_my.topic-v2_x", "", "on_"),
                  "my.topic-v2_x");
}

CAF_TEST(a name without the prefix and no topic names both) {
  auto err = error_of("handle_input", "", "on_");
  CAF_CHECK(err.find("handle_input") != std::string::npos);
  CAF_CHECK(err.find("\"on_\"") != std::string::npos);
  CAF_CHECK(err.find("consumes") != std::string::npos);
}

CAF_TEST(the prefix alone is not a topic) {
  CAF_CHECK(!error_of("on_", "", "on_").empty());
}

CAF_TEST(an empty prefix makes the name the topic) {
  // FastKafka: consumes(prefix="") on a function named after its topic.
  CAF_CHECK_EQUAL(infer_topic("consumes", "plain", "", ""), "plain");
  CAF_CHECK_EQUAL(infer_topic("produces", "my.topic-v2", "", ""),
                  "my.topic-v2");
  // The name must then be a valid topic itself.
  CAF_CHECK(error_of("not a topic", "", "").find("' '") != std::string::npos);
}

CAF_TEST(invalid topic names are rejected with the reason) {
  auto err = error_of("x", "bad topic", "on_");
  CAF_CHECK(err.find("' '") != std::string::npos);
  CAF_CHECK(!error_of("x", std::string(250, 'a'), "on_").empty());
  CAF_CHECK(!error_of("x", "..", "on_").empty());
  CAF_CHECK(check_topic_name(std::string(249, 'a')).empty());
}
