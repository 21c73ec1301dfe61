#define CAF_SUITE workers_view

#include "fastkafka/workers/table.hpp"

#include "caf/test/unit_test.hpp"

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/binary_deserializer.hpp"
#include "caf/binary_serializer.hpp"
#include "caf/scoped_actor.hpp"

#include "fastkafka/stats_inspect.hpp"
#include "fastkafka/workers/aggregator.hpp"
#include "fastkafka/workers/endpoint.hpp"
#include "fastkafka/workers/rates.hpp"
#include "fastkafka/workers/stats_actor.hpp"

#include "synthetic.hpp"

using namespace fastkafka;
using namespace fastkafka::workers;
using namespace std::chrono_literals;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The line of `text` that contains `part`, or "".
std::string line_with(const std::string& text, const std::string& part) {
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (has(line, part))
      return line;
  return {};
}

runtime_snapshot snapshot_with(uint64_t handled, uint64_t acknowledged) {
  runtime_snapshot s;
  consumer_snapshot c;
  c.name = "on_input";
  c.handled = handled;
  s.consumers.push_back(c);
  producer_snapshot p;
  p.name = "to_output";
  p.acknowledged = acknowledged;
  s.producers.push_back(p);
  return s;
}

member_report ok_member(int32_t worker, uint64_t handled) {
  member_report m;
  m.endpoint = "127.0.0.1:7001";
  m.version = stats_protocol_version;
  m.snapshot = test::synthetic_provider(worker, 0)();
  m.snapshot.consumers[0].handled = handled;
  m.snapshot.consumers[0].partitions[0] = {2 * worker, 1200, 1203, 1210, false};
  m.snapshot.consumers[0].partitions[1] = {2 * worker + 1, -1, -1, 4, true};
  m.worker = worker;
  m.pid = 4242 + worker;
  m.process_restarts = 2;
  m.rates = {{"on_input", 210.4, 199.6}, {"to_output", 3.25, 3.0}};
  m.rate_interval_ms = 1000;
  m.rate_window = 10;
  return m;
}

} // namespace

CAF_TEST(rates come from successive snapshots over a sliding window) {
  rate_tracker t{2};
  auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  t.add(snapshot_with(0, 0), t0);
  CAF_CHECK(t.rates().empty()); // one sample is no interval yet
  t.add(snapshot_with(100, 10), t0 + 1s);
  t.add(snapshot_with(300, 10), t0 + 2s);
  auto r = t.rates();
  CAF_REQUIRE_EQUAL(r.size(), 2u);
  CAF_CHECK_EQUAL(r[0].name, "on_input");
  CAF_CHECK_EQUAL(r[0].last, 200.0);
  CAF_CHECK_EQUAL(r[0].average, 150.0);
  // An idle interval counts as 0, and the window drops the oldest.
  CAF_CHECK_EQUAL(r[1].name, "to_output");
  CAF_CHECK_EQUAL(r[1].last, 0.0);
  t.add(snapshot_with(300, 10), t0 + 4s);
  r = t.rates();
  CAF_CHECK_EQUAL(r[0].last, 0.0);
  CAF_CHECK_EQUAL(r[0].average, 100.0);
  // A counter that went down (the worker restarted) starts over.
  t.add(snapshot_with(5, 10), t0 + 5s);
  CAF_CHECK_EQUAL(t.rates()[0].last, 0.0);
  t.add(snapshot_with(55, 10), t0 + 5500ms);
  CAF_CHECK_EQUAL(t.rates()[0].last, 100.0);
}

CAF_TEST(partitions are written for people) {
  CAF_CHECK_EQUAL(partition_ranges({6, 0, 2, 1, 3}), "0-3,6");
  CAF_CHECK_EQUAL(partition_ranges({}), "-");
}

CAF_TEST(endpoints are parsed or refused with a reason) {
  auto list = parse_endpoints("127.0.0.1:7001,host-b:80,[::1]:9");
  CAF_REQUIRE_EQUAL(list.size(), 3u);
  CAF_CHECK_EQUAL(list[1].host, "host-b");
  CAF_CHECK_EQUAL(list[2].host, "::1");
  CAF_CHECK_EQUAL(list[2].text(), "[::1]:9");
  for (auto bad : {"host", "host:0", "host:70000", ":80", "::1:80", "h:x"}) {
    try {
      parse_endpoint(bad);
      CAF_FAIL("accepted " << bad);
    } catch (const std::invalid_argument& e) {
      CAF_CHECK(has(e.what(), "is not HOST:PORT"));
    }
  }
}

CAF_TEST(the table has a row per member and registration) {
  std::vector<member_report> members{ok_member(0, 1234), ok_member(1, 5)};
  member_report gone;
  gone.endpoint = "127.0.0.1:7002";
  gone.status = member_status::unreachable;
  gone.reason = "cannot connect: connection refused";
  member_report other;
  other.endpoint = "127.0.0.1:7003";
  other.status = member_status::version_mismatch;
  other.reason = "it speaks stats protocol 9, this program 1";
  members.push_back(gone);
  members.push_back(other);
  auto text = render_table(members);
  CAF_MESSAGE("\n" << text);
  auto head = line_with(text, "ENDPOINT");
  for (auto col :
       {"W", "PID", "STATE", "REGISTRATION", "PARTS", "HANDLED", "PRODUCED",
        "FAILED", "DLQ", "RATE/s", "AVG/s", "LAG", "RESTARTS"})
    CAF_CHECK(has(head, col));
  auto row = line_with(text, "4242  running, restarted 2x  on_input");
  CAF_REQUIRE(!row.empty());
  CAF_CHECK(has(row, "0-1"));
  CAF_CHECK(has(row, "1,234"));
  CAF_CHECK(has(row, " 210 "));
  CAF_CHECK(has(row, " 200 "));
  // Lag: 10 on partition 0, 4 on partition 1 (nothing committed yet).
  CAF_CHECK(has(row, " 14 "));
  auto producer = line_with(text, "4242  running, restarted 2x  to_output");
  CAF_CHECK(has(producer, "3.2"));
  CAF_CHECK(!line_with(text, "4243  running, restarted 2x  on_input").empty());
  auto gone_row = line_with(text, "7002");
  CAF_CHECK(has(gone_row, " unreachable "));
  CAF_CHECK(has(gone_row, "  cannot connect: connection refused"));
  CAF_CHECK(has(line_with(text, "7003"), "version mismatch       it speaks"));
  CAF_CHECK(has(text, "RATE/s: last 1 s; AVG/s: mean of the last 10"));
  // The partition table.
  auto p0 = line_with(text, "on_input              0 ");
  CAF_CHECK(has(p0, "1,200     1,203  1,210   10"));
  auto p3 = line_with(text, "on_input              3 ");
  CAF_CHECK(has(p3, "-         -      4    4  paused"));
  // Cut to a width.
  auto narrow = render_table(members, {.partitions = false, .width = 30});
  std::istringstream in{narrow};
  for (std::string line; std::getline(in, line);)
    CAF_CHECK_LESS_OR_EQUAL(line.size(), 30u);
  CAF_CHECK(!has(narrow, "COMMITTED"));
  auto summary = render_summary(members);
  CAF_CHECK_EQUAL(summary, "4 members, 2 answering, 1 unreachable, 1 version "
                           "mismatch; handled 421/s; lag 28\n");
}

CAF_TEST(a report survives CAF serialization field for field) {
  stats_report in;
  in.members.push_back(ok_member(1, 99));
  in.members[0].snapshot.consumers[0].handler_duration = {
      {0.001, 0.01}, {3, 5}, 6, 0.25};
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  CAF_REQUIRE(!sink(in));
  stats_report out;
  caf::binary_deserializer source{nullptr, buf};
  CAF_REQUIRE(!source(out));
  CAF_CHECK_EQUAL(caf::deep_to_string(out), caf::deep_to_string(in));
  auto& c = out.members[0].snapshot.consumers[0];
  CAF_CHECK_EQUAL(c.partitions[0].high_watermark, 1210);
  CAF_CHECK_EQUAL(c.handler_duration.cumulative.back(), 5u);
  CAF_CHECK_EQUAL(out.members[0].rates[0].average, 199.6);
  CAF_CHECK(out.members[0].snapshot.state == runtime_state::running);
}

CAF_TEST(the stats actor answers its version and a sampled report) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto stats = spawn_stats_actor(sys, test::synthetic_provider(3, 1000),
                                 {.sample_interval = 50ms, .window = 4});
  caf::scoped_actor self{sys};
  self->request(stats, 5s, hello_atom_v)
      .receive([](uint32_t v) { CAF_CHECK_EQUAL(v, stats_protocol_version); },
               [](caf::error& err) { CAF_FAIL(err); });
  std::this_thread::sleep_for(300ms);
  self->request(stats, 5s, stats_atom_v)
      .receive(
          [](stats_report& r) {
            CAF_REQUIRE_EQUAL(r.members.size(), 1u);
            auto& m = r.members[0];
            CAF_CHECK(m.status == member_status::ok);
            CAF_CHECK_EQUAL(m.worker, 3);
            CAF_CHECK_EQUAL(m.pid, getpid());
            CAF_CHECK_EQUAL(m.rate_window, 4u);
            CAF_REQUIRE_EQUAL(m.rates.size(), 2u);
            // 1000/s, sampled every 50 ms: loose bounds for a busy machine.
            CAF_CHECK_GREATER(m.rates[0].average, 500.0);
            CAF_CHECK_LESS(m.rates[0].average, 1500.0);
          },
          [](caf::error& err) { CAF_FAIL(err); });
  caf::anon_send_exit(stats, caf::exit_reason::user_shutdown);
}

CAF_TEST(the aggregator answers for every slot registered or not) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto w0 = spawn_stats_actor(sys, test::synthetic_provider(0, 10));
  auto pid = static_cast<int32_t>(getpid());
  auto agg = spawn_aggregator(sys, [pid] {
    return std::vector<worker_status>{
        {0, pid, worker_state::running, 1, "signal SIGSEGV"},
        {1, 0, worker_state::backoff, 3, "exit code 3"},
        {2, 777, worker_state::running, 0, ""}};
  });
  caf::scoped_actor self{sys};
  self->send(agg, register_atom_v, int32_t{0}, pid,
             caf::actor_cast<caf::strong_actor_ptr>(w0));
  self->request(agg, 5s, stats_atom_v)
      .receive(
          [&](stats_report& r) {
            CAF_REQUIRE_EQUAL(r.members.size(), 3u);
            CAF_CHECK(r.members[0].status == member_status::ok);
            CAF_CHECK_EQUAL(r.members[0].process_restarts, 1u);
            CAF_CHECK_EQUAL(r.members[0].snapshot.consumers[0].name,
                            "on_input");
            CAF_CHECK(r.members[1].status == member_status::not_registered);
            CAF_CHECK_EQUAL(r.members[1].reason, "worker 1 is waiting to "
                                                 "restart after exit code 3");
            CAF_CHECK_EQUAL(r.members[1].process_restarts, 3u);
            CAF_CHECK_EQUAL(r.members[2].reason,
                            "worker 2 (pid 777) has not registered its stats "
                            "actor yet");
          },
          [](caf::error& err) { CAF_FAIL(err); });
  // A worker whose stats actor is gone is unregistered.
  caf::anon_send_exit(w0, caf::exit_reason::kill);
  std::this_thread::sleep_for(100ms);
  self->request(agg, 5s, stats_atom_v)
      .receive(
          [&](stats_report& r) {
            CAF_CHECK(r.members[0].status == member_status::not_registered);
          },
          [](caf::error& err) { CAF_FAIL(err); });
  caf::anon_send_exit(agg, caf::exit_reason::user_shutdown);
}
