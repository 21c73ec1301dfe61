#define CAF_SUITE integration.retry_topics

#include "fastkafka/app.hpp"
#include "fastkafka/runtime.hpp"

#include "caf/test/unit_test.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "caf/actor_system.hpp"

#include "fastkafka/dead_letter.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "fastkafka/retry_topic.hpp"
#include "fastkafka/runtime_config.hpp"
#include "pipeline_app.hpp"
#include "support/kafka_checks.hpp"
#include "support/pipeline_inputs.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;
using pipeline::InputData;
using test::eventually;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Ids 1..n, each with a header of its own that every copy must keep.
bool produce_with_headers(const std::string& bootstrap, int64_t n) {
  test::delivery_log log;
  auto rk = test::make_client(RD_KAFKA_PRODUCER, bootstrap,
                              {{"partitioner", "murmur2_random"}}, &log);
  for (int64_t id = 1; id <= n; ++id) {
    auto key = std::to_string(id);
    auto value = test::input_json(id);
    auto tag = "id-" + key;
    if (rd_kafka_producev(rk.get(), RD_KAFKA_V_TOPIC("input"),
                          RD_KAFKA_V_KEY(key.data(), key.size()),
                          RD_KAFKA_V_VALUE(value.data(), value.size()),
                          RD_KAFKA_V_HEADER("x-tag", tag.data(),
                                            static_cast<ssize_t>(tag.size())),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_END) != RD_KAFKA_RESP_ERR_NO_ERROR)
      return false;
  }
  return test::wait_for_reports(rk.get(), log, static_cast<size_t>(n)) &&
         log.failed == 0;
}

// One call of the handler.
struct call {
  int64_t id;
  std::string topic;
  int32_t partition;
  int64_t offset;
  int64_t at_ms;
  bool ok;
};

constexpr int64_t count = 100;
const std::string stage1 = "input.retry.1s";
const std::string stage2 = "input.retry.2s";

struct fixture {
  embedded_broker broker{
      {.partitions = 4, .topics = {"input", stage1, stage2, "input.dlq"}}};
  runtime_config cfg;
  caf::actor_system sys{cfg};

  start_options where() {
    return {.broker_name = "embedded",
            .bootstrap_servers = broker.bootstrap_servers(),
            .defaults = embedded_client_defaults()};
  }

  std::string bootstrap() { return broker.bootstrap_servers(); }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(retry_topic_tests, fixture)

CAF_TEST(failed messages go through the retry topics without blocking the main
             partition and end in the dead letters with their origin) {
  app svc{{.title = "Retries"}};
  runtime rt{svc};
  std::mutex mtx;
  std::vector<call> calls;
  // Ids ending in 3 fail everywhere; ids ending in 7 fail once, on the
  // main topic.
  svc.consumes<InputData>(
      "on_input",
      [&](const InputData& in, const message_meta& meta) {
        bool fail =
            in.id % 10 == 3 || (in.id % 10 == 7 && meta.topic == "input");
        {
          std::lock_guard guard{mtx};
          calls.push_back({in.id, std::string{meta.topic}, meta.partition,
                           meta.offset, now_ms(), !fail});
        }
        if (fail)
          throw std::runtime_error("id " + std::to_string(in.id) +
                                   " fails on " + std::string{meta.topic});
      },
      {.retry = retry_topics{{1s, 2s}}});
  CAF_REQUIRE_EQUAL(svc.consumers().size(), 3u);
  CAF_CHECK_EQUAL(svc.consumers()[1]->name, "on_input.retry.1s");
  CAF_CHECK_EQUAL(svc.consumers()[2]->topic, stage2);
  CAF_REQUIRE(produce_with_headers(bootstrap(), count));
  rt.start(sys, where());
  auto dlq = test::read_topic(bootstrap(), "input.dlq", 10, 40s);
  auto settled = [&] {
    std::lock_guard guard{mtx};
    size_t ok = 0;
    for (auto& c : calls)
      ok += c.ok ? 1 : 0;
    return ok == static_cast<size_t>(count - 10);
  };
  CAF_CHECK(eventually(settled, 20s));
  CAF_CHECK(rt.stop());
  std::lock_guard guard{mtx};
  // Every id counted: each id not ending in 3 succeeded exactly once; ids
  // ending in 7 on the first stage, the others on the main topic.
  std::map<int64_t, std::vector<call>> by_id;
  for (auto& c : calls)
    by_id[c.id].push_back(c);
  CAF_REQUIRE_EQUAL(by_id.size(), static_cast<size_t>(count));
  for (auto& [id, cs] : by_id) {
    size_t ok = 0;
    for (auto& c : cs)
      ok += c.ok ? 1 : 0;
    if (id % 10 == 3) {
      CAF_CHECK_EQUAL(ok, 0u);
      CAF_REQUIRE_EQUAL(cs.size(), 3u);
      CAF_CHECK_EQUAL(cs[0].topic, "input");
      CAF_CHECK_EQUAL(cs[1].topic, stage1);
      CAF_CHECK_EQUAL(cs[2].topic, stage2);
      // Each stage waited its delay from the previous failure: the retry
      // partition was paused until due, not fetched early.
      CAF_CHECK_GREATER_OR_EQUAL(cs[1].at_ms - cs[0].at_ms, 1000);
      CAF_CHECK_GREATER_OR_EQUAL(cs[2].at_ms - cs[1].at_ms, 2000);
    } else if (id % 10 == 7) {
      CAF_CHECK_EQUAL(ok, 1u);
      CAF_REQUIRE_EQUAL(cs.size(), 2u);
      CAF_CHECK_EQUAL(cs[0].topic, "input");
      CAF_CHECK_EQUAL(cs[1].topic, stage1);
      CAF_CHECK(cs[1].ok);
      CAF_CHECK_GREATER_OR_EQUAL(cs[1].at_ms - cs[0].at_ms, 1000);
    } else {
      CAF_CHECK_EQUAL(cs.size(), 1u);
      CAF_CHECK_EQUAL(ok, 1u);
      CAF_CHECK_EQUAL(cs[0].topic, "input");
    }
  }
  // The main partition is not blocked: everything after a failed message
  // on its partition was handled before that message's first retry.
  std::map<std::pair<int32_t, int64_t>, int64_t> main_calls;
  for (auto& c : calls)
    if (c.topic == "input")
      main_calls[{c.partition, c.offset}] = c.at_ms;
  size_t overtaken = 0;
  for (auto& [id, cs] : by_id) {
    if (cs.size() < 2)
      continue;
    auto retried_at = cs[1].at_ms;
    for (auto& [where, at] : main_calls)
      if (where.first == cs[0].partition && where.second > cs[0].offset) {
        CAF_CHECK_LESS(at, retried_at);
        ++overtaken;
      }
  }
  CAF_CHECK_GREATER(overtaken, 0u);
  // Dead letters: the first topic, partition and offset, every try, the
  // last error and the message's own headers, without the retry headers.
  CAF_CHECK_EQUAL(dlq.size(), 10u);
  std::set<int64_t> dead;
  for (auto& r : dlq) {
    auto id = std::stoll(r.key);
    dead.insert(id);
    auto& first = by_id[id].front();
    CAF_CHECK_EQUAL(r.value, test::input_json(id));
    CAF_CHECK_EQUAL(r.headers["x-tag"], "id-" + r.key);
    CAF_CHECK_EQUAL(r.headers[dlq_header::reason], "handler");
    CAF_CHECK_EQUAL(r.headers[dlq_header::topic], "input");
    CAF_CHECK_EQUAL(r.headers[dlq_header::partition],
                    std::to_string(first.partition));
    CAF_CHECK_EQUAL(r.headers[dlq_header::offset],
                    std::to_string(first.offset));
    CAF_CHECK_EQUAL(r.headers[dlq_header::attempts], "3");
    CAF_CHECK_EQUAL(r.headers[dlq_header::error],
                    "id " + r.key + " fails on " + stage2);
    CAF_CHECK_EQUAL(r.headers[dlq_header::consumer], "on_input");
    for (auto& [name, value] : r.headers)
      CAF_CHECK(!retry_header::is_retry_header(name));
  }
  CAF_CHECK_EQUAL(dead.size(), 10u);
  for (auto id : dead)
    CAF_CHECK_EQUAL(id % 10, 3);
  // The retry topics' messages carry their origin and history.
  auto first_stage = test::read_topic(bootstrap(), stage1, 20, 10s);
  CAF_CHECK_EQUAL(first_stage.size(), 20u);
  for (auto& r : first_stage) {
    auto id = std::stoll(r.key);
    auto& first = by_id[id].front();
    CAF_CHECK_EQUAL(r.headers["x-tag"], "id-" + r.key);
    CAF_CHECK_EQUAL(r.headers[retry_header::topic], "input");
    CAF_CHECK_EQUAL(r.headers[retry_header::partition],
                    std::to_string(first.partition));
    CAF_CHECK_EQUAL(r.headers[retry_header::offset],
                    std::to_string(first.offset));
    CAF_CHECK_EQUAL(r.headers[retry_header::attempts], "1");
    CAF_CHECK_EQUAL(r.headers[retry_header::error],
                    "id " + r.key + " fails on input");
    CAF_CHECK_EQUAL(r.headers[retry_header::consumer], "on_input");
    // Due 1 s after the failure, and the retry came no earlier.
    auto due = std::stoll(r.headers[retry_header::due]);
    CAF_CHECK_GREATER_OR_EQUAL(due, first.at_ms + 1000);
    CAF_CHECK_GREATER_OR_EQUAL(by_id[id][1].at_ms, due);
  }
  auto second_stage = test::read_topic(bootstrap(), stage2, 10, 10s);
  CAF_CHECK_EQUAL(second_stage.size(), 10u);
  for (auto& r : second_stage) {
    CAF_CHECK_EQUAL(r.headers[retry_header::attempts], "2");
    CAF_CHECK_EQUAL(r.headers["x-tag"], "id-" + r.key);
    CAF_CHECK_EQUAL(r.headers[retry_header::topic], "input");
    auto due = std::stoll(r.headers[retry_header::due]);
    CAF_CHECK_GREATER_OR_EQUAL(by_id[std::stoll(r.key)][2].at_ms, due);
  }
  // Every input was committed only once its way on was acknowledged, and
  // in the end everything is committed: main and retry topics alike.
  CAF_CHECK_EQUAL(test::committed_offsets(
                      bootstrap(), "fastkafka.retries.on_input", "input"),
                  test::end_offsets(bootstrap(), "input"));
  CAF_CHECK_EQUAL(test::committed_offsets(bootstrap(),
                                          "fastkafka.retries.on_input.retry.1s",
                                          stage1),
                  test::end_offsets(bootstrap(), stage1));
  CAF_CHECK_EQUAL(test::committed_offsets(bootstrap(),
                                          "fastkafka.retries.on_input.retry.2s",
                                          stage2),
                  test::end_offsets(bootstrap(), stage2));
}

CAF_TEST(messages keep flowing on the main topic while a retry waits) {
  app svc{{.title = "Flowing"}};
  runtime rt{svc};
  std::mutex mtx;
  std::map<int64_t, std::vector<call>> by_id;
  svc.consumes<InputData>(
      "on_input",
      [&](const InputData& in, const message_meta& meta) {
        bool fail = in.id == 1 && meta.topic == "input";
        {
          std::lock_guard guard{mtx};
          by_id[in.id].push_back({in.id, std::string{meta.topic},
                                  meta.partition, meta.offset, now_ms(),
                                  !fail});
        }
        if (fail)
          throw std::runtime_error("first try of id 1 fails");
      },
      {.retry = retry_topics{{3s}}});
  CAF_REQUIRE(!broker.create_topic("input.retry.3s"));
  rt.start(sys, where());
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", test::inputs(1, 1)));
  auto seen = [&](int64_t id, size_t n) {
    std::lock_guard guard{mtx};
    return by_id.contains(id) && by_id[id].size() >= n;
  };
  CAF_REQUIRE(eventually([&] { return seen(1, 1); }, 20s));
  // The retry consumer is a consumer of the app like any other: the status
  // shows it, and its partition paused while the message is not due.
  auto retry_paused = [&] {
    for (auto& c : rt.snapshot().consumers)
      if (c.name == "on_input.retry.3s" && c.topic == "input.retry.3s" &&
          c.group_id == "fastkafka.flowing.on_input.retry.3s")
        for (auto& p : c.partitions)
          if (p.paused)
            return true;
    return false;
  };
  CAF_CHECK(eventually(retry_paused, 2500ms));
  auto snapshot = rt.snapshot();
  CAF_REQUIRE_EQUAL(snapshot.consumers.size(), 2u);
  for (auto& c : snapshot.consumers)
    if (c.name == "on_input") {
      CAF_CHECK_EQUAL(c.retried, 1u);
      CAF_CHECK_EQUAL(c.dead_lettered, 0u);
      for (auto& p : c.partitions)
        CAF_CHECK(!p.paused);
    }
  // While id 1 waits in input.retry.3s, new messages arrive and are handled
  // at once: the retry consumer pauses its partition, nobody sleeps.
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", test::inputs(2, 50)));
  CAF_CHECK(eventually(
      [&] {
        for (int64_t id = 2; id <= 50; ++id)
          if (!seen(id, 1))
            return false;
        return true;
      },
      20s));
  CAF_CHECK(eventually([&] { return seen(1, 2); }, 20s));
  CAF_CHECK(rt.stop());
  std::lock_guard guard{mtx};
  CAF_REQUIRE_EQUAL(by_id[1].size(), 2u);
  auto failed_at = by_id[1][0].at_ms;
  auto retried_at = by_id[1][1].at_ms;
  CAF_CHECK_EQUAL(by_id[1][1].topic, "input.retry.3s");
  CAF_CHECK_GREATER_OR_EQUAL(retried_at - failed_at, 3000);
  int64_t last_main = 0;
  for (int64_t id = 2; id <= 50; ++id) {
    CAF_REQUIRE_EQUAL(by_id[id].size(), 1u);
    CAF_CHECK_LESS(by_id[id][0].at_ms, retried_at);
    last_main = std::max(last_main, by_id[id][0].at_ms);
  }
  CAF_MESSAGE("after the failure: 49 later messages handled by +"
              << last_main - failed_at << " ms, the retry at +"
              << retried_at - failed_at << " ms");
  CAF_CHECK_EQUAL(test::committed_offsets(
                      bootstrap(), "fastkafka.flowing.on_input", "input"),
                  test::end_offsets(bootstrap(), "input"));
  CAF_CHECK_EQUAL(test::committed_offsets(bootstrap(),
                                          "fastkafka.flowing.on_input.retry.3s",
                                          "input.retry.3s"),
                  test::end_offsets(bootstrap(), "input.retry.3s"));
}

CAF_TEST_FIXTURE_SCOPE_END()
