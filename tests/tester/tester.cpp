#define CAF_SUITE tester

#include "fastkafka/tester.hpp"

#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include <boost/json.hpp>

#include "fastkafka/codecs/avro.hpp"
#include "fastkafka/dead_letter.hpp"
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

// Waits until every id of [first, last] arrived on `topic` and returns the
// ids still missing then (empty: all arrived). At least once: duplicates
// are allowed, a missing id is not, and a duplicate cannot stand in for it.
std::vector<int64_t> missing_ids(const tester& t, const std::string& topic,
                                 int64_t first, int64_t last,
                                 std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<int64_t> missing;
  for (;;) {
    auto ids = ids_on(t, topic);
    missing.clear();
    for (auto id = first; id <= last; ++id)
      if (!ids.contains(id))
        missing.push_back(id);
    if (missing.empty() || std::chrono::steady_clock::now() >= deadline)
      return missing;
    std::this_thread::sleep_for(50ms);
  }
}

std::string show(const std::vector<int64_t>& ids) {
  std::string out;
  for (auto id : ids)
    out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
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
  // Every id, not a count: a duplicate must not hide a lost message.
  auto missing = missing_ids(t, "output", 1, 20, 30s);
  // Names the missing ids when it fails.
  CAF_CHECK_EQUAL(show(missing), "");
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
  // At least once: duplicates are allowed, none may be missing.
  auto missing = missing_ids(t, "output", 1, 20, 60s);
  // Names the missing ids when it fails.
  CAF_CHECK_EQUAL(show(missing), "");
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
  auto missing = missing_ids(t, "output", 1, 5, 30s);
  // Names the missing ids when it fails.
  CAF_CHECK_EQUAL(show(missing), "");
  t.add_latency(0ms);
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

CAF_TEST(dead letters are watched by default and keep the input headers) {
  app a{pipeline::config()};
  pipeline::install(a);
  // Nothing in tester_options::topics: input.dlq is watched because the
  // app's consumer writes dead letters there.
  tester t{{&a}};
  auto watched = t.watched_topics();
  CAF_CHECK(std::find(watched.begin(), watched.end(), "input.dlq") !=
            watched.end());
  t.send_raw("input", "not json", "bad-1",
             {{"trace", "t-1"}, {"n", "1"}, {"trace", "t-2"}});
  auto res = t.dead_lettered("input.dlq",
                             {{dlq_header::reason, "decode"},
                              {dlq_header::consumer, "on_input"},
                              {"trace", "t-1"}},
                             20s);
  FASTKAFKA_REQUIRE(res);
  auto dl = t.received_messages("input.dlq");
  CAF_REQUIRE_EQUAL(dl.size(), 1u);
  CAF_CHECK_EQUAL(dl[0].value, "not json");
  CAF_CHECK_EQUAL(dl[0].key.value_or("<none>"), "bad-1");
  // The input's own headers first, in their order (a repeated name kept),
  // then the seven of the dead letter.
  std::vector<std::string> names;
  for (auto& [n, v] : dl[0].headers)
    names.push_back(n);
  CAF_CHECK_EQUAL(
      names, (std::vector<std::string>{
                 "trace", "n", "trace", dlq_header::reason, dlq_header::error,
                 dlq_header::topic, dlq_header::partition, dlq_header::offset,
                 dlq_header::consumer, dlq_header::attempts}));
  CAF_CHECK_EQUAL(dl[0].headers[2].second, "t-2");
  // A header assertion that does not hold shows the headers that arrived.
  auto bad =
      t.dead_lettered("input.dlq", {{dlq_header::reason, "handler"}}, 300ms);
  CAF_CHECK(!bad);
  CAF_MESSAGE(bad.message);
  CAF_CHECK(bad.message.find("fastkafka.dlq.reason=decode") !=
            std::string::npos);
}

CAF_TEST(a registration with retry topics is mocked as one) {
  app a{{.title = "Retrying"}};
  std::atomic<int> tries{0};
  a.consumes<InputData>("on_input",
                        [&](const InputData&) {
                          if (tries++ == 0)
                            throw std::runtime_error("first try fails");
                        },
                        {.retry = retry_topics{{200ms}}});
  tester t{{&a}};
  t.to("input", input(5));
  // The main consumer's try and the retry consumer's count under the
  // registration's name; the retry consumer has no mock of its own.
  FASTKAFKA_CHECK(t.mock_called_times("on_input", 2, 20s));
  auto calls = t.mock_calls<InputData>("on_input");
  CAF_REQUIRE_EQUAL(calls.size(), 2u);
  CAF_CHECK_EQUAL(calls[1].id, 5);
  bool own_mock = true;
  try {
    t.mock_values("on_input.retry.200ms");
  } catch (const std::invalid_argument&) {
    own_mock = false;
  }
  CAF_CHECK(!own_mock);
}

CAF_TEST(two consumers of one topic dead letter as the documented rule says) {
  // dead_letter.hpp: each registration writes its own dead letter. A decode
  // failure is every decoding registration's: one copy each. A handler
  // failure is the failing registration's only: one copy.
  app a{{.title = "Two readers"}};
  std::atomic<int> plain_calls{0};
  a.consumes<InputData>("on_input", [&](const InputData&) { ++plain_calls; });
  a.consumes<InputData>("audit",
                        [](const InputData& m) {
                          if (m.id == 13)
                            throw std::runtime_error("audit refuses 13");
                        },
                        {.topic = "input", .retry = {.max_attempts = 1}});
  tester t{{&a}};
  t.send_raw("input", "{broken", "bad");
  t.to("input", input(13), "thirteen");
  t.to("input", input(14), "fourteen");
  // Both consumers took 13 and 14 (on_input's two calls), audit threw on 13.
  FASTKAFKA_REQUIRE(t.mock_called_times("on_input", 2, 20s));
  FASTKAFKA_REQUIRE(t.mock_called_times("audit", 2, 20s));
  FASTKAFKA_REQUIRE(t.called_times("input.dlq", 3, 20s));
  std::multiset<std::string> copies;
  for (auto& m : t.received_messages("input.dlq"))
    copies.insert(m.key.value_or("<none>") + " " +
                  m.header_value(dlq_header::reason).value_or("?") + " " +
                  m.header_value(dlq_header::consumer).value_or("?"));
  CAF_CHECK_EQUAL(copies, (std::multiset<std::string>{
                              "bad decode audit", "bad decode on_input",
                              "thirteen handler audit"}));
  CAF_CHECK_EQUAL(plain_calls.load(), 2);
}

namespace {

// An app whose input and output are Avro: the tester must use its codecs.
void install_avro(app& a) {
  auto out = a.produces<InputData>("to_avro_out",
                                   {.encoder = avro_codec<InputData>()});
  a.consumes<InputData>("on_avro_in",
                        [out](const InputData& m) {
                          out(InputData{m.id, m.value * 2, m.name});
                        },
                        {.decoder = avro_codec<InputData>()});
}

} // namespace

CAF_TEST(an avro topic is sent and compared with the registration codecs) {
  app a{{.title = "Avro"}};
  install_avro(a);
  tester t{{&a}};
  // Encoded with on_avro_in's decoder's codec: a JSON payload would be a
  // decode failure and land in avro_in.dlq instead.
  t.to("avro_in", input(1));
  auto ok = t.called_with("avro_out", doubled(1), 20s);
  FASTKAFKA_CHECK(ok);
  FASTKAFKA_CHECK(t.not_called("avro_in.dlq", 300ms));
  // What arrived is Avro, not JSON...
  auto raw = t.received("avro_out");
  CAF_REQUIRE_EQUAL(raw.size(), 1u);
  std::string avro;
  avro_codec<InputData>().encode(doubled(1), avro);
  CAF_CHECK_EQUAL(raw[0], avro);
  CAF_CHECK(raw[0].front() != '{');
  // ...and a failure shows it decoded, not as binary junk.
  auto bad = t.called_with("avro_out", input(1), 300ms);
  CAF_CHECK(!bad);
  CAF_MESSAGE(bad.message);
  CAF_CHECK(bad.message.find(R"("name":"sensor-1")") != std::string::npos);
  CAF_CHECK(bad.message.find("\\x") == std::string::npos);
}

CAF_TEST(an assertion on a topic that is not watched names the watched ones) {
  app a{pipeline::config()};
  pipeline::install(a);
  tester t{{&a}};
  for (auto res :
       {t.called_with("outptu", doubled(1), 100ms),
        t.called_times("outptu", 1, 100ms),
        t.called_at_least("outptu", 1, 100ms), t.not_called("outptu", 100ms)}) {
    CAF_CHECK(!res);
    CAF_MESSAGE(res.message);
    CAF_CHECK(res.message.find("topic outptu is not watched") !=
              std::string::npos);
    CAF_CHECK(res.message.find("watched: input.dlq, output") !=
              std::string::npos);
    CAF_CHECK(res.message.find("nothing received") == std::string::npos);
  }
}

CAF_TEST(mock_calls with the wrong type names the registration and both types) {
  app a{pipeline::config()};
  pipeline::install(a);
  tester t{{&a}};
  std::string text;
  try {
    t.mock_calls<std::string>("on_input");
  } catch (const std::invalid_argument& e) {
    text = e.what();
  }
  CAF_MESSAGE(text);
  CAF_CHECK(text.find("on_input") != std::string::npos);
  CAF_CHECK(text.find("pipeline::InputData") != std::string::npos);
  CAF_CHECK(text.find("std::__cxx11::basic_string") != std::string::npos ||
            text.find("std::string") != std::string::npos);
  CAF_CHECK(text.find("bad any_cast") == std::string::npos);
}
