#define CAF_SUITE actors.controls

#include "engine/consumer_engine.hpp"

#include "caf/test/unit_test.hpp"

#include <thread>

#include "fastkafka/app.hpp"
#include "fastkafka/detail/clock.hpp"
#include "support/fake_clients.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;
using fastkafka::detail::monotonic_ms;

namespace {

// An engine over a fake consumer of `in` with two partitions, as in
// engine.cpp; the handler takes raw strings and their metadata.
struct fixture {
  app declaration{{.title = "Controls"}};
  test::fake_consumer* port = nullptr;
  test::fake_producer dead_letters;
  std::shared_ptr<actors::consumer_status> status =
      std::make_shared<actors::consumer_status>();
  std::unique_ptr<engine::consumer_engine> engine;

  template <class F>
  void install(F handler, consumes_options<std::string> opts = {}) {
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

  void fill(int per_partition) {
    for (int i = 0; i < per_partition; ++i) {
      port->append(0, "p0-" + std::to_string(i));
      port->append(1, "p1-" + std::to_string(i));
    }
  }

  void polls(int n) {
    for (int i = 0; i < n; ++i)
      engine->poll_once();
  }

  ~fixture() {
    if (engine)
      engine->shutdown(monotonic_ms() + 1000);
  }
};

using strings = std::vector<std::string>;

} // namespace

CAF_TEST_FIXTURE_SCOPE(controls_tests, fixture)

CAF_TEST(manual acks commit up to the first unacknowledged message) {
  std::vector<ack_handle> held;
  install(
      [&](const std::string& v, const message_meta& meta) {
        if (v == "p0-1")
          held.push_back(meta.control().acknowledgement());
        else
          meta.control().ack();
      },
      {.ack = ack_mode::manual});
  fill(5);
  polls(3);
  // Partition 0 stops at the unacknowledged offset 1; partition 1 is done.
  CAF_CHECK_EQUAL(port->committed[0], 1);
  CAF_CHECK_EQUAL(port->committed[1], 5);
  CAF_REQUIRE_EQUAL(held.size(), 1u);
  CAF_CHECK(!held[0].settled());
  // Acknowledged later from another thread: the position moves to the end.
  std::thread other{[&] { held[0].ack(); }};
  other.join();
  CAF_CHECK(held[0].settled());
  polls(2);
  CAF_CHECK_EQUAL(port->committed[0], 5);
  // A second ack does nothing.
  held[0].ack();
  polls(1);
  CAF_CHECK_EQUAL(port->committed[0], 5);
}

CAF_TEST(an unacknowledged message is not committed at stop) {
  std::vector<ack_handle> held;
  install(
      [&](const std::string& v, const message_meta& meta) {
        if (v == "p1-2")
          held.push_back(meta.control().acknowledgement());
        else
          meta.control().ack();
      },
      {.ack = ack_mode::manual});
  fill(4);
  polls(2);
  auto t0 = monotonic_ms();
  CAF_CHECK(engine->shutdown(monotonic_ms() + 2000));
  // The stop did not wait for the acknowledgement: it cancelled it.
  CAF_CHECK_LESS(monotonic_ms() - t0, 1000);
  CAF_CHECK_EQUAL(port->committed[0], 4);
  CAF_CHECK_EQUAL(port->committed[1], 2);
  CAF_CHECK(held[0].settled());
  held[0].ack(); // after the stop: ignored, nothing moves
  CAF_CHECK_EQUAL(port->committed[1], 2);
}

CAF_TEST(a revocation commits up to the first unacknowledged message) {
  std::vector<ack_handle> held;
  std::vector<int32_t> revoked;
  install(
      [&](const std::string& v, const message_meta& meta) {
        if (v == "p0-1")
          held.push_back(meta.control().acknowledgement());
        else
          meta.control().ack();
      },
      {.ack = ack_mode::manual, .on_revoked = [&](const partitions_event& e) {
         revoked.assign(e.partitions.begin(), e.partitions.end());
       }});
  fill(4);
  polls(1);
  // The group gives partition 0 to another member (the client calls this
  // inside its poll); the revocation does not wait for the ack.
  int32_t gone[] = {0};
  auto t0 = monotonic_ms();
  engine->on_revoked(gone);
  CAF_CHECK_LESS(monotonic_ms() - t0, 1000);
  CAF_CHECK_EQUAL(revoked, std::vector<int32_t>{0});
  // Offsets 1 to 3 are not committed: the next owner consumes them again.
  CAF_CHECK_EQUAL(port->committed[0], 1);
  CAF_CHECK(held[0].settled());
  held[0].ack(); // too late: ignored
  port->append(1, "p1-4");
  polls(2);
  CAF_CHECK_EQUAL(port->committed[0], 1);
  CAF_CHECK_EQUAL(port->committed[1], 5);
  // Stopped here: the hook refers to this test's locals.
  CAF_CHECK(engine->shutdown(monotonic_ms() + 1000));
}

CAF_TEST(a nack redelivers after its delay and other partitions flow) {
  strings seen;
  int nacks = 0;
  install(
      [&](const std::string& v, const message_meta& meta) {
        seen.push_back(v);
        if (v == "p0-2" && nacks++ == 0)
          meta.control().nack(40ms);
        else
          meta.control().ack();
      },
      {.ack = ack_mode::manual});
  fill(5);
  auto out = engine->poll_once();
  CAF_REQUIRE_EQUAL(out.retries.size(), 1u);
  CAF_CHECK_EQUAL(out.retries[0].first, 0);
  CAF_CHECK_EQUAL(out.retries[0].second.count(), 40);
  CAF_CHECK_EQUAL(seen, (strings{"p0-0", "p0-1", "p0-2", "p1-0", "p1-1", "p1-2",
                                 "p1-3", "p1-4"}));
  CAF_CHECK(port->paused.contains(0));
  CAF_CHECK_EQUAL(port->seeks.back().offset, 2);
  polls(2);
  CAF_CHECK_EQUAL(port->committed[0], 2);
  CAF_CHECK_EQUAL(port->committed[1], 5);
  engine->retry_due(0);
  polls(2);
  CAF_CHECK_EQUAL(seen.size(), 11u);
  CAF_CHECK_EQUAL(seen.back(), "p0-4");
  CAF_CHECK_EQUAL(port->committed[0], 5);
}

CAF_TEST(
    a nack from another thread pauses the partition before the next fetch) {
  std::vector<ack_handle> held;
  strings seen;
  install(
      [&](const std::string& v, const message_meta& meta) {
        seen.push_back(v);
        if (v == "p0-1" && held.empty())
          held.push_back(meta.control().acknowledgement());
        else
          meta.control().ack();
      },
      {.ack = ack_mode::manual});
  fill(3);
  polls(1);
  std::thread other{[&] { held[0].nack(10ms); }};
  other.join();
  auto out = engine->poll_once();
  CAF_REQUIRE_EQUAL(out.retries.size(), 1u);
  CAF_CHECK_EQUAL(out.retries[0].first, 0);
  engine->retry_due(0);
  polls(2);
  // p0-1 and p0-2 (after it) come again; nothing else does.
  CAF_CHECK_EQUAL(seen, (strings{"p0-0", "p0-1", "p0-2", "p1-0", "p1-1", "p1-2",
                                 "p0-1", "p0-2"}));
  CAF_CHECK_EQUAL(port->committed[0], 3);
}

CAF_TEST(acks require the sequential executor) {
  auto refused = [&](auto declare) {
    try {
      declare();
    } catch (const config_error&) {
      return true;
    }
    return false;
  };
  CAF_CHECK(refused([&] {
    declaration.consumes<std::string>("on_in", [](const std::string&) {},
                                      {.topic = "in",
                                       .decoder = raw_codec(),
                                       .exec = executor::concurrent,
                                       .ack = ack_mode::manual});
  }));
  CAF_CHECK(refused([&] {
    declaration.consumes<std::string>(
        "on_in", [](std::vector<std::string>&) {},
        {.topic = "in", .decoder = raw_codec(), .ack = ack_mode::manual});
  }));
}

CAF_TEST(acknowledgement without manual mode is a logic error) {
  bool threw = false;
  install([&](const std::string&, const message_meta& meta) {
    try {
      meta.control().acknowledgement();
    } catch (const std::logic_error&) {
      threw = true;
    }
  });
  port->append(0, "x");
  polls(2);
  CAF_CHECK(threw);
  CAF_CHECK_EQUAL(port->committed[0], 1);
}

CAF_TEST(a seek backwards redelivers and moves the commit position back) {
  strings seen;
  bool sought = false;
  install([&](const std::string& v, const message_meta& meta) {
    seen.push_back(v);
    if (v == "p0-3" && !sought) {
      sought = true;
      meta.control().seek(1);
    }
  });
  fill(5);
  polls(1);
  // p0-4 was fetched in the same poll but skipped: the seek decides.
  CAF_CHECK_EQUAL(seen, (strings{"p0-0", "p0-1", "p0-2", "p0-3", "p1-0", "p1-1",
                                 "p1-2", "p1-3", "p1-4"}));
  CAF_REQUIRE(!port->commits.empty());
  bool committed_back = false;
  for (auto& po : port->commits.front())
    committed_back = committed_back || (po.partition == 0 && po.offset == 1);
  CAF_CHECK(committed_back);
  polls(3);
  CAF_CHECK_EQUAL(seen.size(), 13u);
  CAF_CHECK_EQUAL((strings{seen.begin() + 9, seen.end()}),
                  (strings{"p0-1", "p0-2", "p0-3", "p0-4"}));
  CAF_CHECK_EQUAL(port->committed[0], 5);
}

CAF_TEST(a seek backwards below the confirmed offset is committed) {
  strings seen;
  bool sought = false;
  install([&](const std::string& v, const message_meta& meta) {
    seen.push_back(v);
    if (v == "p0-4" && !sought) {
      sought = true;
      meta.control().seek(0);
    }
  });
  for (int i = 0; i < 3; ++i)
    port->append(0, "p0-" + std::to_string(i));
  polls(3);
  CAF_CHECK_EQUAL(port->committed[0], 3);
  port->append(0, "p0-3");
  port->append(0, "p0-4");
  polls(1);
  // The broker had 3; the seek to 0 is committed (answered during the next
  // poll) so that a restart starts at 0.
  CAF_CHECK_EQUAL(port->commits.back().front().offset, 0);
  polls(1);
  CAF_CHECK_EQUAL(port->committed[0], 0);
  polls(3);
  CAF_CHECK_EQUAL(seen.size(), 10u);
  CAF_CHECK_EQUAL(port->committed[0], 5);
}

CAF_TEST(a seek forward skips and commits the skipped messages) {
  strings seen;
  install([&](const std::string& v, const message_meta& meta) {
    seen.push_back(v);
    if (v == "p0-1")
      meta.control().seek(4);
  });
  fill(6);
  polls(3);
  // The first poll skipped the rest of partition 0 after the seek.
  CAF_CHECK_EQUAL(seen, (strings{"p0-0", "p0-1", "p1-0", "p1-1", "p1-2", "p1-3",
                                 "p0-4", "p0-5", "p1-4", "p1-5"}));
  CAF_CHECK_EQUAL(port->committed[0], 6);
  bool committed_four = false;
  for (auto& c : port->commits)
    for (auto& po : c)
      committed_four = committed_four || (po.partition == 0 && po.offset == 4);
  CAF_CHECK(committed_four);
}

CAF_TEST(a seek to a time lands on the first message at or after it) {
  strings seen;
  bool sought = false;
  install([&](const std::string& v, const message_meta& meta) {
    seen.push_back(v);
    if (!sought) {
      sought = true;
      meta.control().seek_to_time(25);
    }
  });
  for (int i = 0; i < 5; ++i) {
    port->append(0, "p0-" + std::to_string(i));
    port->logs[0].back().timestamp_ms = 10 * (i + 1);
  }
  polls(3);
  CAF_CHECK_EQUAL(seen, (strings{"p0-0", "p0-2", "p0-3", "p0-4"}));
  CAF_CHECK_EQUAL(port->committed[0], 5);
}

CAF_TEST(a pause from a handler stops only its partition until resumed) {
  strings seen;
  std::optional<partition_handle> handle;
  install([&](const std::string& v, const message_meta& meta) {
    seen.push_back(v);
    if (v == "p0-1")
      handle = meta.control().pause();
  });
  fill(4);
  polls(1);
  CAF_CHECK_EQUAL(seen,
                  (strings{"p0-0", "p0-1", "p1-0", "p1-1", "p1-2", "p1-3"}));
  port->append(1, "p1-4");
  polls(3);
  CAF_CHECK_EQUAL(seen.back(), "p1-4");
  CAF_CHECK_EQUAL(seen.size(), 7u);
  CAF_CHECK_EQUAL(port->committed[0], 2);
  CAF_REQUIRE(handle);
  CAF_CHECK_EQUAL(handle->partition(), 0);
  std::thread other{[&] { handle->resume(); }};
  other.join();
  polls(3);
  // Every message once: the paused ones came after the resume, in order.
  CAF_CHECK_EQUAL((strings{seen.begin() + 7, seen.end()}),
                  (strings{"p0-2", "p0-3"}));
  CAF_CHECK_EQUAL(port->committed[0], 4);
  CAF_CHECK_EQUAL(port->resumed_calls, std::vector<int32_t>{0});
}

CAF_TEST(a partition handle pauses and resumes from another thread) {
  strings seen;
  std::optional<partition_handle> handle;
  install([&](const std::string& v, const message_meta& meta) {
    seen.push_back(v);
    if (!handle && meta.partition == 0)
      handle = meta.control().partition();
  });
  port->append(0, "p0-0");
  polls(1);
  CAF_REQUIRE(handle);
  std::thread{[&] { handle->pause(); }}.join();
  port->append(0, "p0-1");
  port->append(1, "p1-0");
  polls(2);
  // Applied before the next fetch: only partition 1 came.
  CAF_CHECK_EQUAL(seen, (strings{"p0-0", "p1-0"}));
  CAF_CHECK(port->paused.contains(0));
  std::thread{[&] { handle->resume(); }}.join();
  polls(2);
  CAF_CHECK_EQUAL(seen, (strings{"p0-0", "p1-0", "p0-1"}));
  CAF_CHECK_EQUAL(port->committed[0], 2);
}

CAF_TEST(a lost partition runs on_lost and cancels its acknowledgements) {
  std::vector<ack_handle> held;
  std::vector<int32_t> lost;
  install(
      [&](const std::string&, const message_meta& meta) {
        held.push_back(meta.control().acknowledgement());
      },
      {.ack = ack_mode::manual, .on_lost = [&](const partitions_event& e) {
         lost.assign(e.partitions.begin(), e.partitions.end());
       }});
  fill(2);
  polls(1);
  int32_t gone[] = {1};
  engine->on_lost(gone);
  CAF_CHECK_EQUAL(lost, std::vector<int32_t>{1});
  size_t settled = 0;
  for (auto& h : held)
    settled += h.settled() ? 1 : 0;
  // Partition 1's two handles were cancelled; partition 0's wait.
  CAF_CHECK_EQUAL(settled, 2u);
  for (auto& h : held)
    h.ack();
  polls(2);
  CAF_CHECK_EQUAL(port->committed[0], 2);
  CAF_CHECK(!port->committed.contains(1));
  CAF_CHECK(engine->shutdown(monotonic_ms() + 1000));
}

CAF_TEST(rebalance hooks see their partitions and the committed offsets) {
  std::vector<int32_t> assigned;
  std::vector<int32_t> revoked;
  std::map<int32_t, int64_t> committed_in_hook;
  install([](const std::string&) {},
          {.on_assigned =
               [&](const partitions_event& e) {
                 CAF_CHECK_EQUAL(e.topic, "in");
                 assigned.assign(e.partitions.begin(), e.partitions.end());
                 throw std::runtime_error("a hook that throws is logged");
               },
           .on_revoked =
               [&](const partitions_event& e) {
                 revoked.assign(e.partitions.begin(), e.partitions.end());
                 committed_in_hook = port->committed;
               }});
  fill(3);
  polls(1);
  CAF_CHECK_EQUAL(assigned, (std::vector<int32_t>{0, 1}));
  CAF_CHECK(revoked.empty());
  // Still working after the throwing hook.
  port->append(0, "p0-3");
  polls(1);
  CAF_CHECK_EQUAL(status->handled.load(), 7u);
  CAF_CHECK(engine->shutdown(monotonic_ms() + 1000));
  CAF_CHECK_EQUAL(revoked, (std::vector<int32_t>{0, 1}));
  CAF_CHECK_EQUAL(committed_in_hook[0], 4);
  CAF_CHECK_EQUAL(committed_in_hook[1], 3);
}

CAF_TEST_FIXTURE_SCOPE_END()
