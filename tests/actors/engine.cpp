#define CAF_SUITE actors.engine

#include "engine/consumer_engine.hpp"

#include "caf/test/unit_test.hpp"

#include <thread>

#include "fastkafka/app.hpp"
#include "fastkafka/dead_letter.hpp"
#include "fastkafka/detail/clock.hpp"
#include "support/fake_clients.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;
using fastkafka::detail::monotonic_ms;

namespace {

// An engine over a fake consumer of `topic` with two partitions; the
// handler of `install` runs on raw string payloads.
struct fixture {
  app declaration{{.title = "Engine"}};
  test::fake_consumer* port = nullptr;
  test::fake_producer dead_letters;
  std::shared_ptr<actors::consumer_status> status =
      std::make_shared<actors::consumer_status>();
  std::unique_ptr<engine::consumer_engine> engine;

  template <class F>
  void install(F handler, consumes_options<std::string> opts = {}) {
    if (!opts.decoder)
      opts.decoder = raw_codec();
    opts.retry = {
        .max_attempts = 3, .initial_backoff = 50ms, .max_backoff = 200ms};
    opts.topic = "in";
    declaration.consumes<std::string>("on_in", std::move(handler),
                                      std::move(opts));
    auto& spec = declaration.consumers().back();
    consumer_settings settings;
    settings.max_poll_records = 10;
    engine = std::make_unique<engine::consumer_engine>(spec, settings, status,
                                                       &dead_letters);
    auto fake = std::make_unique<test::fake_consumer>("in");
    fake->listener = engine.get();
    port = fake.get();
    engine->attach(std::move(fake));
  }

  /// Exactly-once: the transactional producer the engine made last.
  test::fake_transactions* txn = nullptr;
  int producers_made = 0;
  /// What handlers sent outside any transaction.
  std::vector<std::string> outside;

  void exactly_once() {
    engine->attach_transactions([this](std::string&) {
      ++producers_made;
      auto t = std::make_unique<test::fake_transactions>();
      txn = t.get();
      return std::unique_ptr<kafka::transaction_port>{std::move(t)};
    });
  }

  // Sends as a producer client would: into the thread's transaction.
  void emit(const std::string& v) {
    std::string err;
    if (auto* sink = kafka::transaction_scope::current())
      sink->send({"out", std::nullopt, v, {}}, err);
    else
      outside.push_back(v);
  }

  int64_t txn_committed_offset(int32_t p) {
    if (txn == nullptr || !txn->committed_offsets.contains(p))
      return -1;
    return txn->committed_offsets[p];
  }

  ~fixture() {
    if (engine)
      engine->shutdown(monotonic_ms() + 1000);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(engine_tests, fixture)

CAF_TEST(a failing message pauses only its partition and resumes after) {
  std::vector<std::string> seen;
  int failures = 0;
  install([&](const std::string& v) {
    if (v == "p0-2" && failures++ == 0)
      throw std::runtime_error("first try fails");
    seen.push_back(v);
  });
  for (int i = 0; i < 5; ++i) {
    port->append(0, "p0-" + std::to_string(i));
    port->append(1, "p1-" + std::to_string(i));
  }
  auto out = engine->poll_once();
  // Offsets 0 and 1 of partition 0 were handled, 2 failed: partition 0 is
  // paused and sought back to 2; partition 1 was handled in full.
  CAF_REQUIRE_EQUAL(out.retries.size(), 1u);
  CAF_CHECK_EQUAL(out.retries[0].first, 0);
  CAF_CHECK_EQUAL(out.retries[0].second.count(), 50);
  CAF_CHECK_EQUAL(port->paused_calls, std::vector<int32_t>{0});
  CAF_REQUIRE_EQUAL(port->seeks.size(), 1u);
  CAF_CHECK_EQUAL(port->seeks[0].partition, 0);
  CAF_CHECK_EQUAL(port->seeks[0].offset, 2);
  CAF_CHECK_EQUAL(seen,
                  (std::vector<std::string>{"p0-0", "p0-1", "p1-0", "p1-1",
                                            "p1-2", "p1-3", "p1-4"}));
  // During the backoff the other partition keeps flowing.
  port->append(1, "p1-5");
  engine->poll_once();
  CAF_CHECK_EQUAL(seen.back(), "p1-5");
  CAF_CHECK(port->paused.contains(0));
  // Committed: partition 0 up to the failed offset, partition 1 to its end
  // (the broker's answers arrive during the next poll).
  engine->poll_once();
  CAF_CHECK_EQUAL(port->committed[0], 2);
  CAF_CHECK_EQUAL(port->committed[1], 6);
  // The backoff ends: partition 0 resumes from the failed message, in order.
  engine->retry_due(0);
  CAF_CHECK_EQUAL(port->resumed_calls, std::vector<int32_t>{0});
  engine->poll_once();
  CAF_CHECK_EQUAL(seen.back(), "p0-4");
  engine->poll_once();
  CAF_CHECK_EQUAL(port->committed[0], 5);
  CAF_CHECK_EQUAL(status->retried.load(), 1u);
  CAF_CHECK_EQUAL(status->dead_lettered.load(), 0u);
  CAF_CHECK(dead_letters.sent_messages.empty());
}

CAF_TEST(a message that fails every attempt goes to the dead letters) {
  install([&](const std::string& v) {
    if (v == "poison")
      throw std::runtime_error("cannot take it");
  });
  port->append(0, "poison", std::string{}, {{"trace", "t-1"}, {"n", "1"}});
  port->append(0, "fine");
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto out = engine->poll_once();
    CAF_REQUIRE_EQUAL(out.retries.size(), 1u);
    CAF_CHECK(dead_letters.sent_messages.empty());
    engine->retry_due(0);
  }
  // The third attempt gives up: dead-lettered, and the partition moves on.
  auto out = engine->poll_once();
  CAF_CHECK(out.retries.empty());
  CAF_REQUIRE_EQUAL(dead_letters.sent_messages.size(), 1u);
  auto& dl = dead_letters.sent_messages[0];
  CAF_CHECK_EQUAL(dl.topic, "in.dlq");
  CAF_CHECK_EQUAL(dl.value, "poison");
  // An empty key stays an empty key, not none.
  CAF_REQUIRE(dl.key.has_value());
  CAF_CHECK_EQUAL(*dl.key, "");
  // The input's headers first, in order, then ours.
  CAF_REQUIRE_EQUAL(dl.headers.size(), 9u);
  CAF_CHECK_EQUAL(dl.headers[0].first, "trace");
  CAF_CHECK_EQUAL(dl.headers[1].first, "n");
  CAF_CHECK_EQUAL(dl.headers[2].first, dlq_header::reason);
  CAF_CHECK_EQUAL(dl.headers[2].second, "handler");
  CAF_CHECK_EQUAL(dl.headers[3].second, "cannot take it");
  CAF_CHECK_EQUAL(dl.headers[7].first, dlq_header::consumer);
  CAF_CHECK_EQUAL(dl.headers[7].second, "on_in");
  CAF_CHECK_EQUAL(dl.headers[8].second, "3");
  engine->poll_once();
  CAF_CHECK_EQUAL(port->committed[0], 2);
  CAF_CHECK_EQUAL(status->dead_lettered.load(), 1u);
}

CAF_TEST(an undecodable message is dead - lettered at once) {
  std::vector<std::string> seen;
  install([&](const std::string& v) { seen.push_back(v); },
          {.decoder = make_custom_codec<std::string>(
               [](std::string_view bytes) {
                 if (bytes == "garbage")
                   throw std::runtime_error("not a reading");
                 return std::string{bytes};
               },
               [](const std::string& v) { return v; })});
  port->append(1, "garbage");
  port->append(1, "good");
  auto out = engine->poll_once();
  CAF_CHECK(out.retries.empty()); // no retry: decoding again cannot help
  CAF_CHECK_EQUAL(seen, std::vector<std::string>{"good"});
  CAF_REQUIRE_EQUAL(dead_letters.sent_messages.size(), 1u);
  auto& dl = dead_letters.sent_messages[0];
  CAF_CHECK(!dl.key.has_value()); // no key stays no key
  CAF_CHECK_EQUAL(dl.headers[0].second, "decode");
  CAF_CHECK_EQUAL(dl.headers[1].second, "$: not a reading");
  CAF_CHECK_EQUAL(dl.headers[6].second, "1");
  engine->poll_once();
  CAF_CHECK_EQUAL(port->committed[1], 2);
}

CAF_TEST(a stop commits what was processed and waits for the answer) {
  install([](const std::string&) {});
  port->append(0, "a");
  port->append(0, "b");
  port->answer_commits = false; // the coordinator does not answer
  engine->poll_once();
  CAF_CHECK(port->committed.empty());
  // Nothing is confirmed, so the stop reports a failure within its bound.
  auto started = monotonic_ms();
  CAF_CHECK(!engine->shutdown(started + 300));
  auto took = monotonic_ms() - started;
  CAF_CHECK_LESS(took, 1000);
  CAF_CHECK_GREATER_OR_EQUAL(took, 250);
  CAF_CHECK(engine->confirmed().empty());
  engine.reset();
}

CAF_TEST(a stop retries a refused commit until the broker confirms it) {
  install([](const std::string&) {});
  port->append(0, "a");
  port->commit_error = 27; // REBALANCE_IN_PROGRESS: retriable
  engine->poll_once();
  CAF_CHECK(port->committed.empty());
  std::thread later{[this] {
    std::this_thread::sleep_for(150ms);
    // Not thread-safe in general; the engine only reads it in serve().
    port->commit_error = 0;
  }};
  CAF_CHECK(engine->shutdown(monotonic_ms() + 3000));
  later.join();
  CAF_CHECK_EQUAL(port->committed[0], 1);
  CAF_CHECK_EQUAL(engine->confirmed().at(0), 1);
  CAF_CHECK_GREATER(port->commits.size(), 1u);
  engine.reset();
}

CAF_TEST(processed offsets are committed as each poll settles) {
  install([](const std::string&) {});
  for (int i = 0; i < 3; ++i)
    port->append(0, "m");
  // The poll that handled them sends the commit; the answer comes with
  // the next poll, which sends the next commit.
  engine->poll_once();
  CAF_REQUIRE_EQUAL(port->commits.size(), 1u);
  CAF_CHECK_EQUAL(port->commits[0][0].offset, 3);
  CAF_CHECK(port->committed.empty()); // not confirmed yet
  port->append(0, "m");
  engine->poll_once();
  CAF_CHECK_EQUAL(port->committed[0], 3);
  CAF_REQUIRE_EQUAL(port->commits.size(), 2u);
  CAF_CHECK_EQUAL(port->commits[1][0].offset, 4);
  engine->poll_once();
  CAF_CHECK_EQUAL(port->committed[0], 4);
}

CAF_TEST(the concurrent executor retries through the same pause) {
  std::atomic<int> failures{0};
  std::atomic<int> handled{0};
  install(
      [&](const std::string& v) {
        if (v == "bad" && failures++ == 0)
          throw std::runtime_error("first try fails");
        ++handled;
      },
      {.exec = executor::concurrent, .max_in_flight = 4});
  port->append(0, "ok");
  port->append(0, "bad");
  port->append(1, "ok");
  engine->poll_once();
  // The failure comes back to the consumer thread at the next poll.
  engine::poll_outcome out;
  for (int i = 0; i < 100 && out.retries.empty(); ++i) {
    std::this_thread::sleep_for(5ms);
    out = engine->poll_once();
  }
  CAF_REQUIRE_EQUAL(out.retries.size(), 1u);
  CAF_CHECK_EQUAL(out.retries[0].first, 0);
  CAF_CHECK(port->paused.contains(0));
  CAF_CHECK(port->seeks.empty()); // the message is held, not fetched again
  engine->retry_due(0);
  for (int i = 0; i < 100 && handled < 3; ++i) {
    std::this_thread::sleep_for(5ms);
    engine->poll_once();
  }
  CAF_CHECK_EQUAL(handled.load(), 3);
  CAF_CHECK(!port->paused.contains(0));
  for (int i = 0; i < 100 && port->committed[0] != 2; ++i) {
    std::this_thread::sleep_for(5ms);
    engine->poll_once();
  }
  CAF_CHECK_EQUAL(port->committed[0], 2);
}

CAF_TEST(
    exactly once commits the outputs and offsets of a poll in one transaction) {
  install([&](const std::string& v) { emit("out-" + v); });
  exactly_once();
  for (int i = 0; i < 3; ++i) {
    port->append(0, "p0-" + std::to_string(i));
    port->append(1, "p1-" + std::to_string(i));
  }
  engine->poll_once();
  CAF_REQUIRE(txn != nullptr);
  CAF_CHECK_EQUAL(txn->journal,
                  (std::vector<std::string>{"init", "begin",
                                            "offsets [0]=3 [1]=3", "commit"}));
  CAF_CHECK_EQUAL(txn->committed.size(), 6u);
  CAF_CHECK(outside.empty());
  CAF_CHECK_EQUAL(txn->committed_offsets[0], 3);
  CAF_CHECK_EQUAL(txn->committed_offsets[1], 3);
  // An idle poll opens no transaction. The only plain commit repeats what
  // the transaction committed, after it committed (for brokers that do not
  // store transactional offsets).
  engine->poll_once();
  CAF_CHECK_EQUAL(txn->journal.size(), 4u);
  CAF_REQUIRE_EQUAL(port->commits.size(), 1u);
  for (auto& po : port->commits[0])
    CAF_CHECK_EQUAL(po.offset, txn->committed_offsets[po.partition]);
  CAF_CHECK_EQUAL(engine->confirmed().at(0), 3);
}

CAF_TEST(exactly once a throwing handler aborts its poll and nothing repeats) {
  int failures = 0;
  install([&](const std::string& v) {
    emit("out-" + v);
    if (v == "p0-1" && failures++ == 0)
      throw std::runtime_error("first try fails");
  });
  exactly_once();
  for (int i = 0; i < 3; ++i) {
    port->append(0, "p0-" + std::to_string(i));
    port->append(1, "p1-" + std::to_string(i));
  }
  auto out = engine->poll_once();
  // The output sent before the throw, and the whole poll's, aborted; both
  // partitions go back to where the poll began.
  CAF_CHECK(txn->committed.empty());
  CAF_CHECK_EQUAL(txn->journal.back(), "abort");
  CAF_CHECK(std::find(txn->aborted.begin(), txn->aborted.end(), "out-p0-1") !=
            txn->aborted.end());
  CAF_CHECK_EQUAL(engine->aborted_transactions(), 1u);
  CAF_REQUIRE_EQUAL(out.retries.size(), 1u);
  CAF_CHECK_EQUAL(out.retries[0].first, 0);
  CAF_CHECK_EQUAL(port->seeks.back().partition, 1);
  CAF_CHECK_EQUAL(port->seeks.back().offset, 0);
  // Partition 1 goes on; partition 0 after its backoff.
  engine->poll_once();
  std::this_thread::sleep_for(60ms);
  engine->retry_due(0);
  engine->poll_once();
  std::map<std::string, int> seen;
  for (auto& v : txn->committed)
    ++seen[v];
  CAF_CHECK_EQUAL(seen.size(), 6u);
  for (auto& [v, n] : seen)
    CAF_CHECK_EQUAL(n, 1);
  CAF_CHECK_EQUAL(txn->committed_offsets[0], 3);
  CAF_CHECK_EQUAL(txn->committed_offsets[1], 3);
  // Plain commits only repeat committed transactions: the aborted poll's
  // positions were never committed plainly.
  CAF_CHECK(!port->commits.empty());
  for (auto& c : port->commits)
    for (auto& po : c)
      CAF_CHECK_LESS_OR_EQUAL(po.offset, txn->committed_offsets[po.partition]);
}

CAF_TEST(exactly once an abortable commit error redoes the poll) {
  install([&](const std::string& v) { emit("out-" + v); });
  exactly_once();
  port->append(0, "a");
  port->append(0, "b");
  engine->poll_once(); // makes the producer
  txn->commit_results.push_back(
      {kafka::txn_outcome::abortable, "injected", false});
  port->append(0, "c");
  port->append(1, "d");
  engine->poll_once();
  CAF_CHECK_EQUAL(txn->journal.back(), "abort");
  CAF_CHECK_EQUAL(txn->aborted, (std::vector<std::string>{"out-c", "out-d"}));
  CAF_CHECK_EQUAL(txn->committed_offsets[0], 2);
  engine->poll_once();
  CAF_CHECK_EQUAL(txn->committed, (std::vector<std::string>{"out-a", "out-b",
                                                            "out-c", "out-d"}));
  CAF_CHECK_EQUAL(txn->committed_offsets[0], 3);
  CAF_CHECK_EQUAL(txn->committed_offsets[1], 1);
}

CAF_TEST(
    exactly once a fatal error fails the poll and a new producer redoes it) {
  install([&](const std::string& v) { emit("out-" + v); });
  exactly_once();
  port->append(0, "a");
  engine->poll_once();
  txn->commit_results.push_back({kafka::txn_outcome::fatal, "fenced", true});
  port->append(0, "b");
  bool threw = false;
  try {
    engine->poll_once();
  } catch (const std::exception&) {
    threw = true; // the consumer actor fails; its supervisor restarts it
  }
  CAF_CHECK(threw);
  CAF_CHECK_EQUAL(producers_made, 1);
  engine->poll_once();
  CAF_CHECK_EQUAL(producers_made, 2);
  CAF_CHECK_EQUAL(txn->committed, std::vector<std::string>{"out-b"});
  CAF_CHECK_EQUAL(txn->committed_offsets[0], 2);
}

CAF_TEST(exactly once a dead letter commits with its input without the outputs
             of the failed calls) {
  install([&](const std::string& v) {
    emit("out-" + v);
    if (v == "bad")
      throw std::runtime_error("always fails");
  });
  exactly_once();
  port->append(0, "ok");
  port->append(0, "bad");
  for (int i = 0; i < 200 && txn_committed_offset(0) != 2; ++i) {
    auto out = engine->poll_once();
    for (auto [p, wait] : out.retries) {
      std::this_thread::sleep_for(wait);
      engine->retry_due(p);
    }
  }
  CAF_CHECK_EQUAL(txn_committed_offset(0), 2);
  CAF_CHECK_EQUAL(txn->committed, std::vector<std::string>{"out-ok"});
  CAF_CHECK_EQUAL(dead_letters.sent_messages.size(), 1u);
  CAF_CHECK_EQUAL(engine->aborted_transactions(), 3u);
}

CAF_TEST(exactly once needs the sequential executor) {
  bool refused = false;
  try {
    declaration.consumes<std::string>(
        "on_x", [](const std::string&) {},
        {.exec = executor::concurrent,
         .delivery = delivery_mode::exactly_once});
  } catch (const config_error&) {
    refused = true;
  }
  CAF_CHECK(refused);
}

CAF_TEST_FIXTURE_SCOPE_END()
