#define CAF_SUITE integration.controls

#include "fastkafka/app.hpp"
#include "fastkafka/runtime.hpp"

#include "caf/test/unit_test.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

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
using test::inputs;

namespace {

using offsets = std::map<int32_t, int64_t>;

struct fixture {
  embedded_broker broker{{.partitions = 4, .topics = {"input", "input.dlq"}}};
  runtime_config cfg;
  caf::actor_system sys{cfg};

  start_options where() {
    return {.broker_name = "embedded",
            .bootstrap_servers = broker.bootstrap_servers(),
            .defaults = embedded_client_defaults()};
  }

  std::string bootstrap() { return broker.bootstrap_servers(); }

  offsets committed(const std::string& group) {
    return test::committed_offsets(bootstrap(), group, "input");
  }

  offsets ends() { return test::end_offsets(bootstrap(), "input"); }
};

/// What a handler saw, shared with the test thread.
struct journal {
  std::mutex mtx;
  std::multiset<int64_t> ids;
  /// Per partition, the offset after the last handled message.
  offsets processed;
  std::map<int32_t, size_t> per_partition;

  void add(const InputData& m, const message_meta& meta) {
    std::lock_guard guard{mtx};
    ids.insert(m.id);
    processed[meta.partition] = meta.offset + 1;
    ++per_partition[meta.partition];
  }
  size_t size() {
    std::lock_guard guard{mtx};
    return ids.size();
  }
  size_t distinct() {
    std::lock_guard guard{mtx};
    return std::set<int64_t>(ids.begin(), ids.end()).size();
  }
  size_t count(int64_t id) {
    std::lock_guard guard{mtx};
    return ids.count(id);
  }
  size_t of(int32_t partition) {
    std::lock_guard guard{mtx};
    return per_partition[partition];
  }
};

consumes_options<InputData> in_group(std::string group) {
  consumes_options<InputData> opts;
  opts.options.group_id = std::move(group);
  return opts;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(control_tests, fixture)

CAF_TEST(rebalance hooks run on assign revoke and stop after the commit) {
  app svc{{.title = "Hooks"}};
  runtime rt{svc};
  journal seen;
  std::mutex mtx;
  std::vector<std::vector<int32_t>> assigned;
  std::vector<std::vector<int32_t>> revoked;
  // Whether the broker already had the processed position of every revoked
  // partition when the hook ran.
  std::vector<bool> committed_in_hook;
  auto opts = in_group("controls-hooks");
  opts.on_assigned = [&](const partitions_event& e) {
    std::lock_guard guard{mtx};
    assigned.emplace_back(e.partitions.begin(), e.partitions.end());
  };
  opts.on_revoked = [&](const partitions_event& e) {
    auto broker_has = committed("controls-hooks");
    std::lock_guard guard{mtx};
    revoked.emplace_back(e.partitions.begin(), e.partitions.end());
    bool ok = true;
    std::lock_guard g2{seen.mtx};
    for (auto p : e.partitions)
      ok = ok && broker_has[p] == seen.processed[p];
    committed_in_hook.push_back(ok);
  };
  svc.consumes<InputData>(
      "on_input",
      [&](const InputData& m, const message_meta& meta) { seen.add(m, meta); },
      opts);
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 200)));
  rt.start(sys, where());
  CAF_REQUIRE(eventually([&] { return seen.size() == 200; }));
  {
    std::lock_guard guard{mtx};
    CAF_REQUIRE_EQUAL(assigned.size(), 1u);
    CAF_CHECK_EQUAL(assigned[0], (std::vector<int32_t>{0, 1, 2, 3}));
  }
  // The embedded broker refuses commits once a rebalance began (a real one
  // takes them from the old generation), so the first revocation finds
  // everything committed already; the one at stop commits itself.
  auto first_end = ends();
  CAF_REQUIRE(
      eventually([&] { return committed("controls-hooks") == first_end; }));
  // A second member joins the group: the first gives partitions up.
  app other{{.title = "Hooks"}};
  runtime rt2{other};
  std::atomic<int> other_handled{0};
  other.consumes<InputData>(
      "on_input", [&](const InputData&) { ++other_handled; },
      in_group("controls-hooks"));
  caf::actor_system sys2{cfg};
  rt2.start(sys2, where());
  CAF_CHECK(eventually([&] {
    std::lock_guard guard{mtx};
    return !revoked.empty() && assigned.size() >= 2 &&
           assigned.back().size() < 4;
  }));
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(201, 240)));
  CAF_CHECK(
      eventually([&] { return seen.size() + other_handled.load() == 240; }));
  // Both leave at once, so that neither waits through a rebalance the
  // other's leaving starts.
  std::thread stop_other{[&] { rt2.stop(); }};
  rt.stop();
  stop_other.join();
  std::lock_guard guard{mtx};
  // The stop revoked what the first member held after the rebalance.
  CAF_REQUIRE_GREATER_OR_EQUAL(revoked.size(), 2u);
  CAF_CHECK_EQUAL(revoked.back(), assigned.back());
  CAF_CHECK_EQUAL(revoked.front(), (std::vector<int32_t>{0, 1, 2, 3}));
  for (auto ok : committed_in_hook)
    CAF_CHECK(ok);
  CAF_CHECK_GREATER(other_handled.load(), 0);
  // Nothing was handled twice across the rebalance.
  CAF_CHECK_EQUAL(seen.distinct(), seen.size());
}

CAF_TEST(a pause from a handler stops only its partition until resumed) {
  app svc{{.title = "Pause"}};
  runtime rt{svc};
  journal seen;
  std::mutex mtx;
  std::optional<partition_handle> paused;
  svc.consumes<InputData>(
      "on_input",
      [&](const InputData& m, const message_meta& meta) {
        seen.add(m, meta);
        std::lock_guard guard{mtx};
        if (meta.partition == 0 && !paused)
          paused = meta.control().pause();
      },
      in_group("controls-pause"));
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 400)));
  auto end = ends();
  CAF_REQUIRE_GREATER(end[0], 10);
  rt.start(sys, where());
  // Every other partition is handled in full while partition 0 waits.
  CAF_CHECK(eventually([&] {
    return seen.of(1) == size_t(end[1]) && seen.of(2) == size_t(end[2]) &&
           seen.of(3) == size_t(end[3]);
  }));
  std::this_thread::sleep_for(300ms);
  CAF_CHECK_EQUAL(seen.of(0), 1u);
  CAF_CHECK(eventually([&] { return committed("controls-pause")[0] == 1; }));
  // Resumed from this thread, later.
  {
    std::lock_guard guard{mtx};
    CAF_REQUIRE(paused);
    paused->resume();
  }
  CAF_CHECK(eventually([&] { return seen.size() == 400; }));
  std::this_thread::sleep_for(200ms);
  rt.stop();
  CAF_CHECK_EQUAL(seen.size(), 400u);
  CAF_CHECK_EQUAL(seen.distinct(), 400u);
  CAF_CHECK_EQUAL(committed("controls-pause"), end);
}

// seek_to_time is tested on the fake consumer only (actors_controls): the
// embedded broker (librdkafka's mock cluster) answers no timestamp lookup.
CAF_TEST(a seek back from a handler redelivers and moves the commit back) {
  app svc{{.title = "Seek"}};
  runtime rt{svc};
  journal seen;
  std::mutex mtx;
  int32_t back_partition = -1;
  std::vector<int64_t> after_back;
  svc.consumes<InputData>(
      "on_input",
      [&](const InputData& m, const message_meta& meta) {
        seen.add(m, meta);
        std::lock_guard guard{mtx};
        if (meta.partition == back_partition)
          after_back.push_back(meta.offset);
        if (back_partition < 0 && meta.offset == 5) {
          back_partition = meta.partition;
          meta.control().seek(2);
        }
      },
      in_group("controls-seek"));
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 100)));
  auto end = ends();
  rt.start(sys, where());
  CAF_REQUIRE(eventually([&] { return seen.size() == 104; }));
  std::this_thread::sleep_for(300ms);
  rt.stop();
  CAF_CHECK_EQUAL(seen.size(), 104u);
  CAF_CHECK_EQUAL(seen.distinct(), 100u);
  std::lock_guard guard{mtx};
  CAF_REQUIRE_GREATER_OR_EQUAL(back_partition, 0);
  // Offsets 2 to 5 came again, then the rest of the partition in order.
  std::vector<int64_t> expected;
  for (int64_t o = 2; o < end[back_partition]; ++o)
    expected.push_back(o);
  CAF_CHECK_EQUAL(after_back, expected);
  CAF_CHECK_EQUAL(committed("controls-seek"), end);
}

CAF_TEST(manual acks commit up to the first unacknowledged message) {
  app svc{{.title = "Acks"}};
  runtime rt{svc};
  journal seen;
  std::mutex mtx;
  std::optional<ack_handle> held;
  auto opts = in_group("controls-acks");
  opts.ack = ack_mode::manual;
  svc.consumes<InputData>(
      "on_input",
      [&](const InputData& m, const message_meta& meta) {
        seen.add(m, meta);
        if (meta.partition == 0 && meta.offset == 3) {
          std::lock_guard guard{mtx};
          held = meta.control().acknowledgement();
        } else {
          meta.control().ack();
        }
      },
      opts);
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 200)));
  auto end = ends();
  CAF_REQUIRE_GREATER(end[0], 5);
  rt.start(sys, where());
  CAF_REQUIRE(eventually([&] { return seen.size() == 200; }));
  auto expected = end;
  expected[0] = 3;
  CAF_CHECK(eventually([&] { return committed("controls-acks") == expected; }));
  std::this_thread::sleep_for(300ms);
  CAF_CHECK_EQUAL(committed("controls-acks"), expected);
  std::thread other{[&] {
    std::lock_guard guard{mtx};
    held->ack();
  }};
  other.join();
  CAF_CHECK(eventually([&] { return committed("controls-acks") == end; }));
  rt.stop();
  CAF_CHECK_EQUAL(seen.size(), 200u);
}

CAF_TEST(a nack redelivers after its delay while others keep flowing) {
  app svc{{.title = "Nack"}};
  runtime rt{svc};
  journal seen;
  std::mutex mtx;
  std::chrono::steady_clock::time_point nacked_at;
  std::chrono::steady_clock::time_point again_at;
  size_t others_at_again = 0;
  bool nacked = false;
  auto opts = in_group("controls-nack");
  opts.ack = ack_mode::manual;
  svc.consumes<InputData>(
      "on_input",
      [&](const InputData& m, const message_meta& meta) {
        seen.add(m, meta);
        std::lock_guard guard{mtx};
        if (meta.partition == 1 && meta.offset == 2) {
          if (!nacked) {
            nacked = true;
            nacked_at = std::chrono::steady_clock::now();
            meta.control().nack(400ms);
            return;
          }
          if (again_at == std::chrono::steady_clock::time_point{}) {
            again_at = std::chrono::steady_clock::now();
            others_at_again = seen.of(0) + seen.of(2) + seen.of(3);
          }
        }
        meta.control().ack();
      },
      opts);
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 200)));
  auto end = ends();
  rt.start(sys, where());
  // Offset 2 of partition 1 twice; what came after it was not handled
  // before the nack paused the partition.
  size_t total = 201;
  CAF_REQUIRE(eventually([&] { return seen.size() == total; }));
  CAF_CHECK(eventually([&] { return committed("controls-nack") == end; }));
  rt.stop();
  std::lock_guard guard{mtx};
  CAF_CHECK_GREATER_OR_EQUAL(again_at - nacked_at, 400ms);
  // The other partitions did not wait for the nacked one.
  CAF_CHECK_EQUAL(others_at_again, size_t(end[0] + end[2] + end[3]));
  CAF_CHECK_EQUAL(seen.distinct(), 200u);
}

CAF_TEST(unacknowledged messages at stop are consumed again on restart) {
  app svc{{.title = "Unacked"}};
  runtime rt{svc};
  journal first;
  journal second;
  std::atomic<bool> restarted{false};
  auto opts = in_group("controls-unacked");
  opts.ack = ack_mode::manual;
  std::vector<ack_handle> never;
  std::mutex mtx;
  svc.consumes<InputData>(
      "on_input",
      [&](const InputData& m, const message_meta& meta) {
        if (restarted) {
          second.add(m, meta);
          meta.control().ack();
          return;
        }
        first.add(m, meta);
        if (meta.partition == 2 && meta.offset >= 5) {
          std::lock_guard guard{mtx};
          never.push_back(meta.control().acknowledgement());
        } else {
          meta.control().ack();
        }
      },
      opts);
  CAF_REQUIRE(test::produce_all(bootstrap(), "input", inputs(1, 120)));
  auto end = ends();
  CAF_REQUIRE_GREATER(end[2], 6);
  rt.start(sys, where());
  CAF_REQUIRE(eventually([&] { return first.size() == 120; }));
  auto t0 = std::chrono::steady_clock::now();
  rt.stop();
  // The stop did not wait for the acknowledgements.
  CAF_CHECK_LESS(std::chrono::steady_clock::now() - t0, 5s);
  auto expected = end;
  expected[2] = 5;
  CAF_CHECK_EQUAL(committed("controls-unacked"), expected);
  restarted = true;
  rt.start(sys, where());
  auto again = static_cast<size_t>(end[2] - 5);
  CAF_CHECK(eventually([&] { return second.size() == again; }));
  std::this_thread::sleep_for(300ms);
  rt.stop();
  CAF_CHECK_EQUAL(second.size(), again);
  CAF_CHECK_EQUAL(second.of(2), again);
  CAF_CHECK_EQUAL(first.distinct(), 120u);
  CAF_CHECK_EQUAL(committed("controls-unacked"), end);
}

CAF_TEST_FIXTURE_SCOPE_END()
