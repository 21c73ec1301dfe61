#define CAF_SUITE integration.features

#include "fastkafka/app.hpp"
#include "fastkafka/runtime.hpp"

#include "caf/test/unit_test.hpp"

#include <atomic>
#include <mutex>
#include <set>

#include <boost/json.hpp>

#include "caf/actor_system.hpp"

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

int64_t id_of(const std::string& json) {
  return boost::json::parse(json).as_object().at("id").as_int64();
}

struct fixture {
  embedded_broker broker{
      {.partitions = 4, .topics = {"input", "output", "input.dlq"}}};
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

CAF_TEST_FIXTURE_SCOPE(feature_tests, fixture)

CAF_TEST(a batch handler gets the records of each poll per partition) {
  app svc{{.title = "Batches"}};
  runtime rt{svc};
  std::mutex mtx;
  std::vector<std::vector<int64_t>> batches;
  std::vector<int32_t> batch_partitions;
  bool metas_match = true;
  // [snippet:batch]
  svc.consumes<InputData>(
      "on_input",
      [&](std::vector<InputData>& batch,
          const std::vector<message_meta>& meta) {
        std::lock_guard<std::mutex> guard{mtx};
        std::vector<int64_t> ids;
        metas_match = metas_match && meta.size() == batch.size();
        for (size_t i = 0; i < batch.size(); ++i) {
          ids.push_back(batch[i].id);
          metas_match = metas_match && meta[i].partition == meta[0].partition &&
                        meta[i].key == std::to_string(batch[i].id) &&
                        (i == 0 || meta[i].offset == meta[i - 1].offset + 1);
        }
        batches.push_back(std::move(ids));
        batch_partitions.push_back(meta.empty() ? -1 : meta[0].partition);
      },
      {.options = {.max_poll_records = 10}});
  // [snippet:batch]
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 200)));
  rt.start(sys, where());
  auto total = [&] {
    std::lock_guard<std::mutex> guard{mtx};
    size_t n = 0;
    for (auto& b : batches)
      n += b.size();
    return n;
  };
  CAF_CHECK(eventually([&] { return total() == 200; }));
  rt.stop();
  std::lock_guard<std::mutex> guard{mtx};
  CAF_CHECK(metas_match);
  std::set<int64_t> seen;
  for (auto& b : batches) {
    CAF_CHECK_LESS_OR_EQUAL(b.size(), 10u);
    seen.insert(b.begin(), b.end());
  }
  CAF_CHECK_EQUAL(seen.size(), 200u);
  // Records were waiting when the app started, so polls returned full
  // batches, not one record at a time.
  CAF_CHECK_LESS(batches.size(), 60u);
  auto committed = test::committed_offsets(bootstrap(),
                                           "fastkafka.batches."
                                           "on_input",
                                           "input");
  CAF_CHECK_EQUAL(committed, test::end_offsets(bootstrap(), "input"));
}

CAF_TEST(
    a failing batch is retried and then sent whole to the dead letter topic) {
  app svc{{.title = "Batches"}};
  runtime rt{svc};
  auto to_output = svc.produces<InputData>("to_output");
  std::atomic<int> failures{0};
  svc.consumes<InputData>(
      "on_input",
      [&](std::vector<InputData>& batch) {
        for (auto& m : batch)
          if (m.id == 13) {
            ++failures;
            throw std::runtime_error("batch with 13");
          }
        to_output(batch);
      },
      {.options = {.max_poll_records = 5},
       .retry = {.max_attempts = 2, .initial_backoff = 10ms}});
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 40)));
  rt.start(sys, where());
  auto dlq = test::read_topic(bootstrap(), "input.dlq", 1);
  CAF_REQUIRE(!dlq.empty());
  std::set<int64_t> dead;
  for (auto& r : dlq) {
    dead.insert(id_of(r.value));
    CAF_CHECK_EQUAL(r.headers["fastkafka.dlq.reason"], "handler");
    CAF_CHECK_EQUAL(r.headers["fastkafka.dlq.attempts"], "2");
  }
  CAF_CHECK_EQUAL(dead.count(13), 1u);
  CAF_CHECK_LESS_OR_EQUAL(dead.size(), 5u);
  auto out = test::read_topic(bootstrap(), "output", 40 - dead.size());
  std::set<int64_t> done;
  for (auto& r : out)
    done.insert(id_of(r.value));
  // Every input is either in the output or in the dead letters.
  for (int64_t id = 1; id <= 40; ++id)
    CAF_CHECK(done.count(id) + dead.count(id) >= 1);
  // Two attempts on the failing batch; a re-fetch may cut the partition's
  // records into other batches, whose successes also count as progress.
  CAF_CHECK_GREATER_OR_EQUAL(failures.load(), 2);
  rt.stop();
}

CAF_TEST(producers send events with keys and headers and batches) {
  app svc{{.title = "Producers"}};
  runtime rt{svc};
  // [snippet:events]
  auto to_output = svc.produces<InputData>("to_output");
  // The decorator form: a function whose result is sent.
  auto make_output =
      svc.produces<InputData>("to_made",
                              [](int64_t id) {
                                return InputData{id, 0.5, "made"};
                              },
                              {.topic = "output"});
  rt.start(sys, where());
  auto sent = to_output(event<InputData>{
      {1, 1.5, "one"}, "key-1", {{"trace", "abc"}, {"n", "1"}}});
  CAF_CHECK_EQUAL(sent.key, "key-1");
  auto batch = to_output(std::vector<InputData>{{2, 2, "b"}, {3, 3, "b"}});
  CAF_CHECK_EQUAL(batch.size(), 2u);
  to_output(event<std::vector<InputData>>{
      {{4, 4, "kb"}, {5, 5, "kb"}}, "same-key", {{"kind", "keyed-batch"}}});
  auto made = make_output(6);
  CAF_CHECK_EQUAL(made.id, 6);
  CAF_CHECK_EQUAL(made.name, "made");
  // [snippet:events]
  auto out = test::read_topic(bootstrap(), "output", 6);
  CAF_REQUIRE_EQUAL(out.size(), 6u);
  std::map<int64_t, test::record> by_id;
  for (auto& r : out)
    by_id[id_of(r.value)] = r;
  CAF_CHECK_EQUAL(by_id[1].key, "key-1");
  CAF_CHECK_EQUAL(by_id[1].headers["trace"], "abc");
  CAF_CHECK_EQUAL(by_id[1].headers["n"], "1");
  CAF_CHECK(by_id[2].key.empty());
  CAF_CHECK(by_id[2].headers.empty());
  CAF_CHECK_EQUAL(by_id[4].key, "same-key");
  CAF_CHECK_EQUAL(by_id[5].key, "same-key");
  CAF_CHECK_EQUAL(by_id[5].headers["kind"], "keyed-batch");
  CAF_CHECK_EQUAL(by_id[4].partition, by_id[5].partition);
  CAF_CHECK_EQUAL(by_id[6].value, R"({"id":6,"value":0.5,"name":"made"})");
  rt.stop();
}

CAF_TEST(handlers see the metadata of each message) {
  app svc{{.title = "Meta"}};
  runtime rt{svc};
  std::mutex mtx;
  std::vector<std::string> seen;
  svc.consumes<InputData>("on_input", [&](const InputData& m,
                                          const message_meta& meta) {
    std::lock_guard<std::mutex> guard{mtx};
    std::string hdrs;
    for (auto& [k, v] : meta.headers())
      hdrs += std::string{k} + "=" + std::string{v} + ";";
    seen.push_back(std::string{meta.topic} + "|" +
                   std::string{meta.key.value_or("<none>")} + "|" +
                   std::to_string(meta.key_size) + "|" +
                   std::to_string(meta.value_size) + "|" +
                   (meta.timestamp_type == timestamp_kind::create_time
                        ? "create"
                        : "other") +
                   "|" + (meta.timestamp_ms > 0 ? "ts" : "nots") + "|" + hdrs);
  });
  auto to_input = svc.produces<InputData>("to_input");
  rt.start(sys, where());
  to_input(event<InputData>{{7, 7, "n7"}, "seven", {{"a", "1"}, {"b", ""}}});
  CAF_CHECK(eventually([&] {
    std::lock_guard<std::mutex> guard{mtx};
    return !seen.empty();
  }));
  rt.stop();
  std::lock_guard<std::mutex> guard{mtx};
  CAF_REQUIRE_EQUAL(seen.size(), 1u);
  // The codec writes 7.0 for a double 7, as Python does.
  auto value_size = std::to_string(json_encode(InputData{7, 7, "n7"}).size());
  CAF_CHECK_EQUAL(seen[0],
                  "input|seven|5|" + value_size + "|create|ts|a=1;b=;");
}

CAF_TEST(keys land on the partitions that kafka_python picks) {
  CAF_REQUIRE(!broker.create_topic("keys-app", 6));
  CAF_REQUIRE(!broker.create_topic("keys-py", 6));
  app svc{{.title = "Keys"}};
  runtime rt{svc};
  auto to_keys = svc.produces<InputData>("to_keys", {.topic = "keys-app"});
  rt.start(sys, where());
  for (int i = 0; i < 60; ++i)
    to_keys.send(InputData{i, 0, "k"}, "key-" + std::to_string(i * 7919));
  rt.stop();
  // kafka-python (Debian's python3-kafka): murmur2 like the Java client.
  test::child_process py{{"/usr/bin/timeout", "60", "/usr/bin/python3", "-c",
                          "import sys\n"
                          "from kafka import KafkaProducer\n"
                          "p = KafkaProducer(bootstrap_servers=sys.argv[1])\n"
                          "for i in range(60):\n"
                          "    p.send('keys-py', key=('key-%d' % (i * "
                          "7919)).encode(), value=b'x')\n"
                          "p.flush(30)\n"
                          "p.close()\n",
                          bootstrap()}};
  CAF_REQUIRE_EQUAL(py.exit_code(65s), 0);
  auto ours = test::read_topic(bootstrap(), "keys-app", 60);
  auto theirs = test::read_topic(bootstrap(), "keys-py", 60);
  CAF_REQUIRE_EQUAL(ours.size(), 60u);
  CAF_REQUIRE_EQUAL(theirs.size(), 60u);
  std::map<std::string, int32_t> where_py;
  std::set<int32_t> used;
  for (auto& r : theirs)
    where_py[r.key] = r.partition;
  for (auto& r : ours) {
    CAF_CHECK_EQUAL(r.partition, where_py[r.key]);
    used.insert(r.partition);
  }
  // Sixty keys spread over more than one partition, or the check is empty.
  CAF_CHECK_GREATER(used.size(), 3u);
}

CAF_TEST(lifespan wraps the run and background tasks feed the app) {
  std::mutex mtx;
  std::vector<std::string> events;
  auto note = [&](std::string what) {
    std::lock_guard<std::mutex> guard{mtx};
    events.push_back(std::move(what));
  };
  // [snippet:lifecycle]
  app svc{{.title = "Lifecycle",
           .lifespan = {.enter = [&] { note("enter"); },
                        .exit = [&] { note("exit"); }}}};
  runtime rt{svc};
  auto to_input = svc.produces<InputData>("to_input");
  std::atomic<int> handled{0};
  svc.consumes<InputData>("on_input", [&](const InputData&) { ++handled; });
  svc.run_in_background("feeder", [&](std::stop_token stop) {
    note("task started");
    int64_t id = 0;
    while (!stop.stop_requested()) {
      to_input(InputData{++id, 1, "bg"});
      std::this_thread::sleep_for(5ms);
    }
    note("task saw stop");
  });
  // [snippet:lifecycle]
  CAF_CHECK(!svc.is_started());
  rt.start(sys, where());
  CAF_CHECK(svc.is_started());
  rt.start(sys, where()); // a second start does nothing
  CAF_CHECK(eventually([&] { return handled.load() >= 20; }));
  rt.stop();
  rt.stop(); // a second stop does nothing
  CAF_CHECK(!svc.is_started());
  std::lock_guard<std::mutex> guard{mtx};
  CAF_CHECK_EQUAL(events, (std::vector<std::string>{"enter", "task started",
                                                    "task saw stop", "exit"}));
}

CAF_TEST(an app can start again after it stopped) {
  app svc{{.title = "Again"}};
  runtime rt{svc};
  auto to_output = svc.produces<InputData>("to_output");
  std::atomic<int> handled{0};
  svc.consumes<InputData>("on_input", [&](const InputData& m) {
    ++handled;
    to_output(m);
  });
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 10)));
  rt.start(sys, where());
  CAF_REQUIRE(eventually([&] { return handled.load() == 10; }));
  rt.stop();
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(11, 20)));
  rt.start(sys, where());
  // The group resumes after what it committed: only the new ten arrive.
  CAF_CHECK(eventually([&] { return handled.load() == 20; }));
  rt.stop();
  CAF_CHECK_EQUAL(handled.load(), 20);
  CAF_CHECK_EQUAL(test::read_topic(bootstrap(), "output", 20).size(), 20u);
}

CAF_TEST(a start that fails halfway still runs the lifespan exit) {
  std::vector<std::string> events;
  app svc{{.title = "Broken",
           .lifespan = {.enter = [&] { events.push_back("enter"); },
                        .exit = [&] { events.push_back("exit"); }}}};
  runtime rt{svc};
  svc.produces<InputData>("to_output",
                          {.options = {.librdkafka = {{"no.such.key", "1"}}}});
  std::string text;
  // A client librdkafka refuses is the configuration's fault: a restart
  // would repeat it (run exits 2, a worker is not restarted).
  try {
    rt.start(sys, where());
  } catch (const config_error& e) {
    text = e.what();
  }
  CAF_CHECK(text.find("no.such.key") != std::string::npos);
  CAF_CHECK(!svc.is_started());
  CAF_CHECK_EQUAL(events, (std::vector<std::string>{"enter", "exit"}));
}

CAF_TEST(get_topics lists every topic once) {
  app svc{{.title = "Topics"}};
  runtime rt{svc};
  svc.produces<InputData>("to_output");
  svc.produces<InputData>("to_other", {.topic = "output"});
  svc.consumes<InputData>("on_input", [](const InputData&) {});
  svc.consumes<InputData>("on_input_again", [](const InputData&) {},
                          {.topic = "input"});
  CAF_CHECK_EQUAL(svc.get_topics(),
                  (std::vector<std::string>{"input", "output"}));
}

CAF_TEST(
    the concurrent executor overlaps calls and commits only what finished) {
  app svc{{.title = "Concurrent"}};
  runtime rt{svc};
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> done{0};
  std::atomic<bool> release{false};
  std::atomic<int32_t> held_partition{-1};
  std::atomic<int64_t> held_offset{-1};
  std::atomic<bool> picked{false};
  svc.consumes<InputData>("on_input",
                          [&](const InputData&, const message_meta& meta) {
                            auto now = ++running;
                            auto seen = most.load();
                            while (now > seen &&
                                   !most.compare_exchange_weak(seen, now)) {
                            }
                            // One message at offset 3 (so that its partition
                            // has commits to make before it) is held back
                            // until the others are done: its offset must not
                            // be committed, nor anything after it.
                            bool hold = false;
                            if (meta.offset == 3) {
                              bool no = false;
                              hold = picked.compare_exchange_strong(no, true);
                            }
                            if (hold) {
                              held_partition = meta.partition;
                              held_offset = meta.offset;
                              while (!release)
                                std::this_thread::sleep_for(1ms);
                            } else {
                              std::this_thread::sleep_for(20ms);
                            }
                            --running;
                            ++done;
                          },
                          {.exec = executor::concurrent, .max_in_flight = 50});
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 100)));
  rt.start(sys, where());
  CAF_REQUIRE(eventually([&] { return done.load() == 99; }));
  // Calls overlapped: far more than one at a time.
  CAF_CHECK_GREATER(most.load(), 10);
  // The consumer is idle now and commits what it may: on the held
  // partition exactly up to the held offset (everything before it, nothing
  // after it), on the others everything. `<=` would pass with no commit.
  auto expected = test::end_offsets(bootstrap(), "input");
  CAF_REQUIRE_EQUAL(expected.size(), 4u);
  CAF_REQUIRE(held_partition.load() >= 0);
  CAF_REQUIRE_EQUAL(held_offset.load(), 3);
  expected[held_partition.load()] = held_offset.load();
  std::map<int32_t, int64_t> committed;
  eventually(
      [&] {
        committed = test::committed_offsets(
            bootstrap(), "fastkafka.concurrent.on_input", "input");
        return committed == expected;
      },
      15s);
  CAF_CHECK_EQUAL(committed, expected);
  // And it stays there while the message is held.
  std::this_thread::sleep_for(500ms);
  CAF_CHECK_EQUAL(test::committed_offsets(
                      bootstrap(), "fastkafka.concurrent.on_input", "input"),
                  expected);
  release = true;
  CAF_CHECK(eventually([&] { return done.load() == 100; }));
  CAF_CHECK(eventually([&] {
    return test::committed_offsets(bootstrap(), "fastkafka.concurrent.on_input",
                                   "input") ==
           test::end_offsets(bootstrap(), "input");
  }));
  rt.stop();
}

CAF_TEST(a batch handler cannot be concurrent) {
  app svc{{.title = "Concurrent"}};
  runtime rt{svc};
  std::string text;
  try {
    svc.consumes<InputData>("on_input", [](std::vector<InputData>&) {},
                            {.exec = executor::concurrent});
  } catch (const config_error& e) {
    text = e.what();
  }
  CAF_CHECK(text.find("batch handler") != std::string::npos);
}

CAF_TEST(a registration may use other addresses for the same broker names) {
  embedded_broker other{{.partitions = 2, .topics = {"elsewhere"}}};
  auto to_port = [](const std::string& bootstrap) {
    return std::stoi(bootstrap.substr(bootstrap.rfind(':') + 1));
  };
  app svc{{.title = "Two clusters",
           .kafka_brokers = {
               {"dev", {{.url = "127.0.0.1", .port = to_port(bootstrap())}}}}}};
  runtime rt{svc};
  auto to_elsewhere = svc.produces<InputData>(
      "to_elsewhere", {.brokers = broker_map{
                           {"dev",
                            {{.url = "127.0.0.1",
                              .port = to_port(other.bootstrap_servers())}}}}});
  auto to_output = svc.produces<InputData>("to_output");
  rt.start(sys, {.broker_name = "dev", .bootstrap_servers = bootstrap()});
  to_elsewhere(InputData{1, 1, "far"});
  to_output(InputData{2, 2, "near"});
  rt.stop();
  CAF_CHECK_EQUAL(
      test::read_topic(other.bootstrap_servers(), "elsewhere", 1).size(), 1u);
  CAF_CHECK_EQUAL(test::read_topic(bootstrap(), "output", 1).size(), 1u);
  // Nothing of the registration with its own brokers reached the app's.
  CAF_CHECK_EQUAL(test::end_offsets(bootstrap(), "elsewhere").size(), 0u);
}

CAF_TEST(a registration must name the same brokers as the app) {
  app svc{
      {.title = "Names",
       .kafka_brokers = {{"dev", {{.url = "a"}}}, {"prod", {{.url = "b"}}}}}};
  runtime rt{svc};
  std::string text;
  try {
    svc.produces<InputData>("to_output",
                            {.brokers = broker_map{{"dev", {{.url = "c"}}}}});
  } catch (const config_error& e) {
    text = e.what();
  }
  CAF_CHECK(text.find("same brokers as the app (app: dev, prod; to_output: "
                      "dev)") != std::string::npos);
}

CAF_TEST(OAUTHBEARER clients take their tokens from the provider) {
  std::atomic<int> asked{0};
  app svc{{.title = "Tokens",
           .options = {.security_protocol = "SASL_PLAINTEXT",
                       .sasl_mechanism = "OAUTHBEARER"},
           .oauth_tokens = [&] {
             ++asked;
             auto in_an_hour =
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count() +
                 3600000;
             return oauth_token{"token-value", in_an_hour, "svc", {}};
           }}};
  runtime rt{svc};
  svc.produces<InputData>("to_output");
  rt.start(sys, where());
  CAF_CHECK(eventually([&] { return asked.load() >= 1; }, 10s));
  rt.stop();
}

CAF_TEST(a failing token provider is reported and does not stop the app) {
  std::atomic<int> asked{0};
  app svc{{.title = "Tokens",
           .options = {.security_protocol = "SASL_PLAINTEXT",
                       .sasl_mechanism = "OAUTHBEARER"},
           .oauth_tokens = [&]() -> oauth_token {
             ++asked;
             throw std::runtime_error("identity provider unreachable");
           }}};
  runtime rt{svc};
  svc.produces<InputData>("to_output");
  rt.start(sys, where());
  CAF_CHECK(eventually([&] { return asked.load() >= 1; }, 10s));
  CAF_CHECK(svc.is_started());
  rt.stop();
}

CAF_TEST(several handlers of one topic each see every message) {
  app svc{{.title = "Fan out"}};
  runtime rt{svc};
  std::atomic<int> first{0};
  std::atomic<int> second{0};
  svc.consumes<InputData>("on_input", [&](const InputData&) { ++first; });
  svc.consumes<InputData>("audit", [&](const InputData&) { ++second; },
                          {.topic = "input"});
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 40)));
  rt.start(sys, where());
  CAF_CHECK(eventually([&] { return first == 40 && second == 40; }));
  rt.stop();
  CAF_CHECK_EQUAL(first.load(), 40);
  CAF_CHECK_EQUAL(second.load(), 40);
}

CAF_TEST(an app wide group id gives each handler of one topic every message) {
  // `--set group_id=replay-7` arrives as this override: one group for both
  // registrations would split the partitions between them.
  app svc{{.title = "Fan out"}};
  runtime rt{svc};
  std::mutex mtx;
  std::set<int64_t> first;
  std::set<int64_t> second;
  svc.consumes<InputData>("on_input", [&](const InputData& m) {
    std::lock_guard<std::mutex> guard{mtx};
    first.insert(m.id);
  });
  svc.consumes<InputData>("audit",
                          [&](const InputData& m) {
                            std::lock_guard<std::mutex> guard{mtx};
                            second.insert(m.id);
                          },
                          {.topic = "input"});
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 40)));
  auto opts = where();
  opts.overrides.group_id = "replay-7";
  rt.start(sys, std::move(opts));
  auto ends = test::end_offsets(bootstrap(), "input");
  // Each registration commits every partition under its own group.
  CAF_CHECK(eventually([&] {
    return test::committed_offsets(bootstrap(), "replay-7.on_input", "input") ==
               ends &&
           test::committed_offsets(bootstrap(), "replay-7.audit", "input") ==
               ends;
  }));
  rt.stop();
  std::lock_guard<std::mutex> guard{mtx};
  CAF_CHECK_EQUAL(first.size(), 40u);
  CAF_CHECK_EQUAL(second.size(), 40u);
  CAF_CHECK_EQUAL(first, second);
  for (auto& [partition, offset] :
       test::committed_offsets(bootstrap(), "replay-7", "input"))
    CAF_CHECK(offset < 0 || ends[partition] == 0); // nothing under the bare id
}

CAF_TEST(a failed delivery is reported and its input consumed again) {
  app svc{pipeline::config()};
  runtime rt{svc};
  pipeline::install(svc);
  rt.start(sys, where());
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 30)));
  // The next Produce requests fail for good (no retry helps with a message
  // the broker calls invalid). They are the app's: its consumer is still
  // joining its group. Their outputs are lost, so their inputs must be
  // handled again.
  broker.push_request_errors(
      0, std::vector<int>(3, RD_KAFKA_RESP_ERR_INVALID_MSG));
  auto out = test::read_topic(bootstrap(), "output", 30, 60s);
  std::set<int64_t> ids;
  for (auto& r : out)
    ids.insert(boost::json::parse(r.value).as_object().at("id").as_int64());
  CAF_CHECK_EQUAL(ids.size(), 30u);
  CAF_CHECK(eventually([&] {
    return test::committed_offsets(bootstrap(), "fastkafka.pipeline.on_input",
                                   "input") ==
           test::end_offsets(bootstrap(), "input");
  }));
  rt.stop();
}

CAF_TEST_FIXTURE_SCOPE_END()
