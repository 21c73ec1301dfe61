#define CAF_SUITE integration.pipeline

#include "fastkafka/app.hpp"
#include "fastkafka/runtime.hpp"

#include "caf/test/unit_test.hpp"

#include <atomic>
#include <set>

#include <boost/json.hpp>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"

#include "fastkafka/embedded_broker.hpp"
#include "fastkafka/runtime_config.hpp"
#include "pipeline_app.hpp"
#include "support/kafka_checks.hpp"
#include "support/pipeline_inputs.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;
using pipeline::InputData;
using test::eventually;

namespace {

using test::input_json;
using test::inputs;

// Checks that every output record is the doubled input and returns the ids.
std::multiset<int64_t> output_ids(const std::vector<test::record>& records) {
  std::multiset<int64_t> ids;
  for (auto& r : records) {
    auto obj = boost::json::parse(r.value).as_object();
    auto id = obj.at("id").as_int64();
    auto value = obj.at("value").to_number<double>();
    CAF_CHECK_EQUAL(value, (static_cast<double>(id) + 0.25) * 2);
    CAF_CHECK_EQUAL(obj.at("name").as_string(), "sensor-" + std::to_string(id));
    ids.insert(id);
  }
  return ids;
}

struct fixture {
  embedded_broker broker{
      {.partitions = 4, .topics = {"input", "output", "input.dlq"}}};
  fastkafka::runtime_config cfg;
  caf::actor_system sys{cfg};

  start_options where() {
    return {.broker_name = "embedded",
            .bootstrap_servers = broker.bootstrap_servers(),
            .defaults = embedded_client_defaults()};
  }

  std::string bootstrap() { return broker.bootstrap_servers(); }

  bool committed_to_end(const std::string& group) {
    auto committed = test::committed_offsets(bootstrap(), group, "input");
    auto ends = test::end_offsets(bootstrap(), "input");
    return !ends.empty() && committed == ends;
  }
};

retry_policy fast_retries(int attempts) {
  return {
      .max_attempts = attempts, .initial_backoff = 10ms, .max_backoff = 50ms};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(pipeline_tests, fixture)

CAF_TEST(the pipeline doubles every value and commits to the end) {
  app svc{pipeline::config()};
  runtime rt{svc};
  pipeline::install(svc);
  rt.start(sys, where());
  CAF_REQUIRE(svc.is_started());
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 200)));
  auto out = test::read_topic(bootstrap(), "output", 200);
  CAF_CHECK_EQUAL(out.size(), 200u);
  auto ids = output_ids(out);
  CAF_CHECK_EQUAL(std::set<int64_t>(ids.begin(), ids.end()).size(), 200u);
  // An idle consumer commits at once, so the group shows no lag.
  CAF_CHECK(eventually(
      [&] { return committed_to_end("fastkafka.pipeline.on_input"); }));
  rt.stop();
  CAF_CHECK(!svc.is_started());
  CAF_CHECK(committed_to_end("fastkafka.pipeline.on_input"));
}

CAF_TEST(a handler that keeps throwing sends only the poison message to the dead
             letter topic) {
  app svc{pipeline::config()};
  runtime rt{svc};
  auto to_output = svc.produces<InputData>("to_output");
  std::atomic<int> poison_calls{0};
  svc.consumes<InputData>("on_input",
                          [&](const InputData& m) {
                            if (m.id == 13) {
                              ++poison_calls;
                              throw std::runtime_error("id 13 is unlucky");
                            }
                            to_output(InputData{m.id, m.value * 2, m.name});
                          },
                          {.retry = fast_retries(3)});
  rt.start(sys, where());
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 50)));
  auto out = test::read_topic(bootstrap(), "output", 49);
  auto ids = output_ids(out);
  CAF_CHECK_EQUAL(ids.count(13), 0u);
  CAF_CHECK_EQUAL(std::set<int64_t>(ids.begin(), ids.end()).size(), 49u);
  auto dlq = test::read_topic(bootstrap(), "input.dlq", 1);
  CAF_REQUIRE_EQUAL(dlq.size(), 1u);
  CAF_CHECK_EQUAL(dlq[0].value, input_json(13));
  CAF_CHECK_EQUAL(dlq[0].key, "13");
  CAF_CHECK_EQUAL(dlq[0].headers["fastkafka.dlq.reason"], "handler");
  CAF_CHECK_EQUAL(dlq[0].headers["fastkafka.dlq.error"], "id 13 is unlucky");
  CAF_CHECK_EQUAL(dlq[0].headers["fastkafka.dlq.topic"], "input");
  CAF_CHECK_EQUAL(dlq[0].headers["fastkafka.dlq.attempts"], "3");
  CAF_CHECK_EQUAL(dlq[0].headers["fastkafka.dlq.consumer"], "on_input");
  CAF_CHECK(!dlq[0].headers["fastkafka.dlq.offset"].empty());
  CAF_CHECK_EQUAL(poison_calls.load(), 3);
  rt.stop();
  CAF_CHECK(committed_to_end("fastkafka.pipeline.on_input"));
}

CAF_TEST(a handler that fails once is retried and nothing goes to the dead
             letter topic) {
  app svc{pipeline::config()};
  runtime rt{svc};
  auto to_output = svc.produces<InputData>("to_output");
  std::atomic<int> calls_for_7{0};
  svc.consumes<InputData>("on_input",
                          [&](const InputData& m) {
                            // Produce first, then fail: the retry must not lose
                            // or commit past it.
                            to_output(InputData{m.id, m.value * 2, m.name});
                            if (m.id == 7 && calls_for_7++ == 0)
                              throw std::runtime_error("transient");
                          },
                          {.retry = fast_retries(3)});
  rt.start(sys, where());
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 30)));
  auto out = test::read_topic(bootstrap(), "output", 31);
  auto ids = output_ids(out);
  CAF_CHECK_EQUAL(std::set<int64_t>(ids.begin(), ids.end()).size(), 30u);
  // At-least-once: the failed call's output and the retry's both exist.
  CAF_CHECK_EQUAL(ids.count(7), 2u);
  CAF_CHECK_EQUAL(calls_for_7.load(), 2);
  rt.stop();
  CAF_CHECK(test::end_offsets(bootstrap(), "input.dlq") ==
            (std::map<int32_t, int64_t>{{0, 0}, {1, 0}, {2, 0}, {3, 0}}));
  CAF_CHECK(committed_to_end("fastkafka.pipeline.on_input"));
}

CAF_TEST(malformed messages go to the dead letter topic with the reason) {
  app svc{pipeline::config()};
  runtime rt{svc};
  pipeline::install(svc);
  rt.start(sys, where());
  auto records = inputs(1, 10);
  records.emplace_back("bad-1", "not json at all");
  records.emplace_back("bad-2", R"({"id":"x","value":1,"name":"a"})");
  records.emplace_back("bad-3", R"({"value":1.5,"name":"no id"})");
  auto more = inputs(11, 20);
  records.insert(records.end(), more.begin(), more.end());
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", records));
  auto out = test::read_topic(bootstrap(), "output", 20);
  CAF_CHECK_EQUAL(output_ids(out).size(), 20u);
  auto dlq = test::read_topic(bootstrap(), "input.dlq", 3);
  CAF_REQUIRE_EQUAL(dlq.size(), 3u);
  std::map<std::string, test::record> by_key;
  for (auto& r : dlq) {
    CAF_CHECK_EQUAL(r.headers["fastkafka.dlq.reason"], "decode");
    by_key[r.key] = r;
  }
  CAF_CHECK_EQUAL(by_key["bad-1"].value, "not json at all");
  CAF_CHECK(by_key["bad-2"].headers["fastkafka.dlq.error"].find("$.id") !=
            std::string::npos);
  CAF_CHECK(by_key["bad-3"].headers["fastkafka.dlq.error"].find("id") !=
            std::string::npos);
  CAF_CHECK(eventually(
      [&] { return committed_to_end("fastkafka.pipeline.on_input"); }));
  rt.stop();
}

CAF_TEST(the broker going away loses nothing) {
  app svc{pipeline::config()};
  runtime rt{svc};
  pipeline::install(svc);
  rt.start(sys, where());
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 100)));
  CAF_REQUIRE_EQUAL(test::read_topic(bootstrap(), "output", 100).size(), 100u);
  // Down while the app is idle and while new input is waiting.
  CAF_CHECK(!broker.set_down(1));
  std::this_thread::sleep_for(1500ms);
  CAF_CHECK(!broker.set_up(1));
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(101, 200)));
  auto out = test::read_topic(bootstrap(), "output", 200, 60s);
  auto ids = output_ids(out);
  CAF_CHECK_EQUAL(std::set<int64_t>(ids.begin(), ids.end()).size(), 200u);
  rt.stop();
  CAF_CHECK(committed_to_end("fastkafka.pipeline.on_input"));
}

CAF_TEST(
    a stop during a restart backoff closes without committing the failure) {
  app svc{pipeline::config()};
  runtime rt{svc};
  auto to_output = svc.produces<InputData>("to_output");
  std::atomic<int> failures{0};
  std::atomic<int32_t> failed_partition{-1};
  std::atomic<int64_t> failed_offset{-1};
  svc.consumes<InputData>("on_input",
                          [&](const InputData& m, const message_meta& meta) {
                            if (m.id == 5) {
                              failed_partition = meta.partition;
                              failed_offset = meta.offset;
                              ++failures;
                              throw std::runtime_error("slow to recover");
                            }
                            to_output(InputData{m.id, m.value * 2, m.name});
                          },
                          {.retry = {.max_attempts = 3,
                                     .initial_backoff = 20s,
                                     .max_backoff = 20s}});
  rt.start(sys, where());
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 10)));
  CAF_REQUIRE(eventually([&] { return failures.load() == 1; }));
  auto before = std::chrono::steady_clock::now();
  rt.stop();
  auto took = std::chrono::steady_clock::now() - before;
  CAF_CHECK_LESS(took, 10s);
  CAF_CHECK_EQUAL(failures.load(), 1);
  auto committed = test::committed_offsets(
      bootstrap(), "fastkafka.pipeline.on_input", "input");
  CAF_CHECK_LESS_OR_EQUAL(committed[failed_partition.load()],
                          failed_offset.load());
}

CAF_TEST(the default group is derived from the title and the handler) {
  app svc{{.title = "Order Service v2!"}};
  runtime rt{svc};
  CAF_CHECK_EQUAL(svc.default_group_id("on_orders"),
                  "fastkafka.order-service-v2.on_orders");
  app untitled{{}};
  CAF_CHECK_EQUAL(untitled.default_group_id("on_x"), "fastkafka.app.on_x");
}

CAF_TEST(bad options fail the start and name option and value) {
  app svc{pipeline::config()};
  runtime rt{svc};
  pipeline::install(svc);
  start_options opts = where();
  opts.overrides.acks = "2";
  opts.overrides.linger_ms = -1;
  std::string text;
  try {
    rt.start(sys, opts);
  } catch (const config_error& e) {
    text = e.what();
  }
  CAF_CHECK(text.find("acks") != std::string::npos);
  CAF_CHECK(text.find("\"2\"") != std::string::npos);
  CAF_CHECK(text.find("linger_ms") != std::string::npos);
  CAF_CHECK(!svc.is_started());
}

CAF_TEST(a producer call before start says so) {
  app svc{pipeline::config()};
  runtime rt{svc};
  auto to_output = svc.produces<InputData>("to_output");
  std::string text;
  try {
    to_output(InputData{1, 1, "x"});
  } catch (const produce_error& e) {
    text = e.what();
  }
  CAF_CHECK(text.find("not running") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
