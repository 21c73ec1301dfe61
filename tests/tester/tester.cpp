#define CAF_SUITE tester

#include "fastkafka/tester.hpp"

#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <set>

#include <boost/json.hpp>

#include "pipeline_app.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;
using pipeline::InputData;

namespace {

InputData input(int64_t id) {
  return {id, static_cast<double>(id) + 0.25, "sensor-" + std::to_string(id)};
}

InputData doubled(int64_t id) {
  auto m = input(id);
  m.value *= 2;
  return m;
}

// The app consumes after its group join (~3 s on the 2.0.2 mock): wait for
// the first output before a test measures anything else.
void warm_up(tester& t, int64_t id = 1000) {
  t.to("input", input(id));
  auto res = t.called_with("output", doubled(id), 20s);
  FASTKAFKA_REQUIRE(res);
}

// Ids of every InputData received on `topic`.
std::set<int64_t> ids_on(const tester& t, const std::string& topic) {
  std::set<int64_t> ids;
  for (auto& s : t.received(topic))
    ids.insert(boost::json::parse(s).as_object().at("id").as_int64());
  return ids;
}

} // namespace

CAF_TEST(called_with passes for the doubled output and fails listing what arrived) {
  app a{pipeline::config()};
  pipeline::install(a);
  tester t{{&a}};
  warm_up(t);
  t.to("input", input(1));
  auto ok = t.called_with("output", doubled(1), 5s);
  FASTKAFKA_CHECK(ok);
  auto bad = t.called_with("output", input(1), 500ms);
  CAF_CHECK(!bad);
  CAF_MESSAGE("failure text: " << bad.message);
  CAF_CHECK(bad.message.find("\"id\":1,") != std::string::npos);
  CAF_CHECK(bad.message.find("received on output") != std::string::npos);
}

CAF_TEST(called_with on an empty topic says nothing was received) {
  app a{pipeline::config()};
  pipeline::install(a);
  tester t{{&a}};
  auto bad = t.called_with("output", doubled(7), 300ms);
  CAF_CHECK(!bad);
  CAF_CHECK(bad.message.find("nothing received on output") !=
            std::string::npos);
}

CAF_TEST(called_times counts exactly and fails on too few or too many) {
  app a{pipeline::config()};
  pipeline::install(a);
  tester t{{&a}};
  warm_up(t);
  for (int64_t i = 1; i <= 3; ++i)
    t.to("input", input(i));
  auto ok = t.called_times("output", 4, 10s);
  FASTKAFKA_CHECK(ok);
  auto few = t.called_times("output", 5, 300ms);
  CAF_CHECK(!few);
  CAF_CHECK(few.message.find("4 received") != std::string::npos);
  auto many = t.called_times("output", 2, 300ms);
  CAF_CHECK(!many);
  CAF_CHECK(t.called_at_least("output", 3, 1s).ok);
  CAF_CHECK(!t.called_at_least("output", 9, 300ms).ok);
}

CAF_TEST(not_called passes when quiet and fails when a message arrives) {
  app a{pipeline::config()};
  pipeline::install(a);
  tester t{{&a}};
  warm_up(t);
  CAF_CHECK(t.not_called("output", 500ms).ok);
  t.to("input", input(2));
  auto bad = t.not_called("output", 10s);
  CAF_CHECK(!bad);
  CAF_CHECK(bad.message.find("\"id\":2,") != std::string::npos);
}

CAF_TEST(typed producer handles and topics with dots and hyphens) {
  app a{{.title = "Dotted"}};
  auto out = a.produces<InputData>("to_x", {.topic = "out.put-1"});
  a.consumes<InputData>("on_x", [out](const InputData& m) { out(m); },
                        {.topic = "in.put-1"});
  tester t{{&a}};
  auto to_in = t.producer<InputData>("in.put-1");
  to_in(input(5));
  auto ok = t.called_with("out.put-1", input(5), 20s);
  FASTKAFKA_CHECK(ok);
}

CAF_TEST(a topic on two clusters is an ambiguity error that says how to pick) {
  app a{{.title = "A",
         .kafka_brokers = {{"east", {{.url = "e", .port = 9092}}}}}};
  app b{{.title = "B",
         .kafka_brokers = {{"west", {{.url = "w", .port = 9092}}}}}};
  a.produces<InputData>("to_shared");
  b.consumes<InputData>("on_shared", [](const InputData&) {});
  try {
    tester t{{&a, &b}};
    CAF_FAIL("expected a config_error");
  } catch (const config_error& e) {
    std::string what = e.what();
    CAF_MESSAGE(what);
    CAF_CHECK(what.find("two clusters") != std::string::npos);
    CAF_CHECK(what.find("same broker names") != std::string::npos);
  }
  // The same broker names are one cluster: no error.
  app c{{.title = "C",
         .kafka_brokers = {{"east", {{.url = "e", .port = 9092}}}}}};
  c.consumes<InputData>("on_shared", [](const InputData&) {});
  check_topic_cluster({&a, &c}, "shared");
}

CAF_TEST(the same test code runs against an external broker) {
  embedded_broker external{{.partitions = 4, .topics = {"input", "output"}}};
  app a{pipeline::config()};
  pipeline::install(a);
  tester t{{&a}, {.bootstrap_servers = external.bootstrap_servers()}};
  CAF_CHECK(t.broker() == nullptr);
  CAF_CHECK_EQUAL(t.bootstrap_servers(), external.bootstrap_servers());
  warm_up(t);
  auto threw = false;
  try {
    t.broker_down();
  } catch (const std::logic_error&) {
    threw = true;
  }
  CAF_CHECK(threw);
}

CAF_TEST(failed produce requests are retried and every output arrives) {
  app a{pipeline::config()};
  pipeline::install(a);
  tester t{{&a}};
  warm_up(t);
  // 6 = NOT_LEADER_OR_FOLLOWER, retriable: the app's producer retries.
  t.fail_next(0, 3, 6);
  for (int64_t i = 1; i <= 20; ++i)
    t.to("input", input(i));
  auto ok = t.called_at_least("output", 21, 30s);
  FASTKAFKA_CHECK(ok);
  auto ids = ids_on(t, "output");
  for (int64_t i = 1; i <= 20; ++i)
    CAF_CHECK(ids.count(i) == 1);
}

CAF_TEST(a broker down for a second during traffic loses nothing) {
  app a{pipeline::config()};
  pipeline::install(a);
  tester t{{&a}};
  warm_up(t);
  for (int64_t i = 1; i <= 10; ++i)
    t.to("input", input(i));
  t.broker_down();
  std::this_thread::sleep_for(1s);
  t.broker_up();
  for (int64_t i = 11; i <= 20; ++i)
    t.to("input", input(i));
  auto ids = ids_on(t, "output");
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (ids.size() < 21 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    ids = ids_on(t, "output");
  }
  // At least once: duplicates are allowed, none may be missing.
  for (int64_t i = 1; i <= 20; ++i) {
    if (ids.count(i) != 1)
      CAF_MESSAGE("missing id " << i);
    CAF_CHECK(ids.count(i) == 1);
  }
}

CAF_TEST(latency and failed fetches slow the app down but lose nothing) {
  app a{pipeline::config()};
  pipeline::install(a);
  tester t{{&a}};
  warm_up(t);
  t.add_latency(50ms);
  t.fail_next(1, 3, 6);
  for (int64_t i = 1; i <= 5; ++i)
    t.to("input", input(i));
  auto ok = t.called_at_least("output", 6, 30s);
  FASTKAFKA_CHECK(ok);
  t.add_latency(0ms);
}

CAF_TEST(start and stop timing) {
  // Printed, not asserted: machines differ.
  std::vector<double> ms;
  for (int i = 0; i < 7; ++i) {
    app a{pipeline::config()};
    pipeline::install(a);
    auto t0 = std::chrono::steady_clock::now();
    { tester t{{&a}}; }
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - t0)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  std::cout << "tester start+stop median of 7: " << ms[3] << " ms" << std::endl;
  CAF_CHECK(!ms.empty());
}

CAF_TEST(mocks see copies of what handlers received and producers sent) {
  app a{{.title = "Mutating"}};
  auto out = a.produces<InputData>("to_output");
  a.consumes<InputData>("on_input", [out](InputData& m) {
    // Mutates its argument: the mock must keep what arrived.
    m.value = -1;
    m.name = "changed";
    out(InputData{m.id, 99, "sent"});
  });
  tester t{{&a}};
  t.to("input", input(3));
  auto got = t.mock_called_with("on_input", input(3), 20s);
  FASTKAFKA_CHECK(got);
  FASTKAFKA_CHECK(t.mock_called_with("to_output", InputData{3, 99, "sent"}));
  FASTKAFKA_CHECK(t.mock_called_times("on_input", 1));
  auto calls = t.mock_calls<InputData>("on_input");
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK_EQUAL(calls[0].name, "sensor-3");
  CAF_CHECK_EQUAL(calls[0].value, 3.25);
  // Negative cases list what the mock saw.
  auto bad = t.mock_called_with("on_input", input(4), 300ms);
  CAF_CHECK(!bad);
  CAF_MESSAGE(bad.message);
  CAF_CHECK(bad.message.find("sensor-3") != std::string::npos);
  CAF_CHECK(!t.mock_called_times("on_input", 2, 300ms).ok);
  CAF_CHECK(!t.mock_called_times("to_output", 0, 300ms).ok);
  auto unknown = false;
  try {
    t.mock_values("on_nothing");
  } catch (const std::invalid_argument&) {
    unknown = true;
  }
  CAF_CHECK(unknown);
}

CAF_TEST(batch handlers are mocked per message) {
  app a{{.title = "Batches"}};
  a.consumes<InputData>("on_input",
                        [](std::vector<InputData>& batch) { batch.clear(); });
  tester t{{&a}};
  for (int64_t i = 1; i <= 3; ++i)
    t.to("input", input(i));
  FASTKAFKA_CHECK(t.mock_called_times("on_input", 3, 20s));
}
