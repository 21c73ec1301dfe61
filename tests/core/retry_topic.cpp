#define CAF_SUITE core.retry_topic

#include "fastkafka/retry_topic.hpp"

#include "caf/test/unit_test.hpp"

#include "fastkafka/app.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;

CAF_TEST(a delay names its topic in the biggest unit that divides it) {
  CAF_CHECK_EQUAL(delay_name(500ms), "500ms");
  CAF_CHECK_EQUAL(delay_name(1500ms), "1500ms");
  CAF_CHECK_EQUAL(delay_name(1s), "1s");
  CAF_CHECK_EQUAL(delay_name(10s), "10s");
  CAF_CHECK_EQUAL(delay_name(60s), "60s");
  CAF_CHECK_EQUAL(delay_name(90s), "90s");
  CAF_CHECK_EQUAL(delay_name(2min), "2m");
  CAF_CHECK_EQUAL(delay_name(60min), "60m");
  CAF_CHECK_EQUAL(delay_name(90min), "90m");
  CAF_CHECK_EQUAL(delay_name(2h), "2h");
  CAF_CHECK_EQUAL(delay_name(1000ms), delay_name(1s));
  CAF_CHECK_EQUAL(retry_topic_name("orders", 10s), "orders.retry.10s");
}

CAF_TEST(retry headers are told apart from the others) {
  CAF_CHECK(retry_header::is_retry_header(retry_header::due));
  CAF_CHECK(retry_header::is_retry_header(retry_header::attempts));
  CAF_CHECK(!retry_header::is_retry_header("fastkafka.dlq.reason"));
  CAF_CHECK(!retry_header::is_retry_header("traceparent"));
}

CAF_TEST(retry_topics converts to a policy of one try in place) {
  retry_policy policy = retry_topics{{1s, 10s}};
  CAF_CHECK_EQUAL(policy.max_attempts, 1);
  CAF_REQUIRE_EQUAL(policy.topics.size(), 2u);
  CAF_CHECK_EQUAL(policy.topics[1], 10s);
  // Tries in place before the stages: the policy's own fields.
  retry_policy both{.max_attempts = 2, .topics = {1s}};
  CAF_CHECK_EQUAL(both.max_attempts, 2);
  CAF_CHECK_EQUAL(both.topics.size(), 1u);
}

CAF_TEST(each stage is a consumer of its own topic and group) {
  app a{{.title = "Shop"}};
  int calls = 0;
  // [snippet:register]
  a.consumes<std::string>(
      "on_orders", [&](const std::string&) { ++calls; },
      {.decoder = raw_codec(), .retry = retry_topics{{1s, 10s, 60s}}});
  // [snippet:register]
  auto& cs = a.consumers();
  CAF_REQUIRE_EQUAL(cs.size(), 4u);
  CAF_CHECK_EQUAL(cs[0]->name, "on_orders");
  CAF_CHECK_EQUAL(cs[0]->retry_stage, 0);
  CAF_CHECK_EQUAL(cs[1]->name, "on_orders.retry.1s");
  CAF_CHECK_EQUAL(cs[1]->topic, "orders.retry.1s");
  CAF_CHECK_EQUAL(cs[2]->topic, "orders.retry.10s");
  CAF_CHECK_EQUAL(cs[3]->topic, "orders.retry.60s");
  for (size_t i = 1; i < cs.size(); ++i) {
    CAF_CHECK_EQUAL(cs[i]->retry_of, "on_orders");
    CAF_CHECK_EQUAL(cs[i]->retry_stage, static_cast<int>(i));
    CAF_CHECK_EQUAL(cs[i]->origin_topic, "orders");
    CAF_CHECK_EQUAL(cs[i]->dead_letter_topic, "orders.dlq");
    CAF_CHECK_EQUAL(cs[i]->registration(), "on_orders");
    CAF_CHECK_EQUAL(cs[i]->retry.max_attempts, 1);
  }
  // Each consumer has its own binding of the one handler.
  CAF_REQUIRE(cs[1]->invoke && cs[2]->invoke);
  decode_error err;
  message_meta meta;
  CAF_CHECK(cs[0]->invoke("a", meta, err));
  CAF_CHECK(cs[3]->invoke("b", meta, err));
  CAF_CHECK_EQUAL(calls, 2);
  CAF_CHECK_EQUAL(a.group_id(*cs[2], {}), "fastkafka.shop.on_orders.retry.10s");
  CAF_CHECK_EQUAL(a.group_id(*cs[2], {.group_id = "shop"}),
                  "shop.on_orders.retry.10s");
  // A registration's own group id carries over, with the stage's suffix.
  app b{{.title = "Shop"}};
  b.consumes<std::string>("on_orders", [](const std::string&) {},
                          {.options = {.group_id = "orders-readers"},
                           .decoder = raw_codec(),
                           .retry = retry_topics{{500ms}}});
  CAF_CHECK_EQUAL(b.group_id(*b.consumers()[1], {}),
                  "orders-readers.retry.500ms");
  auto topics = a.get_topics();
  CAF_CHECK_EQUAL(topics.size(), 4u);
}

namespace {

// The config_error text of `register_it`, or empty when it did not throw.
template <class F>
std::string refusal(F register_it) {
  try {
    register_it();
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

} // namespace

CAF_TEST(a stage delay must be positive and name a topic of its own) {
  app a{{.title = "Shop"}};
  auto handler = [](const std::string&) {};
  auto zero = refusal([&] {
    a.consumes<std::string>(
        "on_orders", handler,
        {.decoder = raw_codec(), .retry = retry_topics{{0ms}}});
  });
  CAF_CHECK(zero.find("must be positive") != std::string::npos);
  auto twice = refusal([&] {
    a.consumes<std::string>(
        "on_orders", handler,
        {.decoder = raw_codec(), .retry = retry_topics{{1s, 1000ms}}});
  });
  CAF_CHECK(twice.find("orders.retry.1s") != std::string::npos);
  CAF_CHECK(a.consumers().empty());
  a.consumes<std::string>("on_orders.retry.1s", handler,
                          {.topic = "x", .decoder = raw_codec()});
  auto taken = refusal([&] {
    a.consumes<std::string>(
        "on_orders", handler,
        {.decoder = raw_codec(), .retry = retry_topics{{1s}}});
  });
  CAF_CHECK(taken.find("has the name of a consumer") != std::string::npos);
  CAF_CHECK_EQUAL(a.consumers().size(), 1u);
}
