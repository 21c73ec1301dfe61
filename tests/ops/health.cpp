#define CAF_SUITE ops_health

#include "fastkafka/ops/health.hpp"

#include "caf/test/unit_test.hpp"

#include <boost/json/parse.hpp>

using namespace fastkafka;
using namespace fastkafka::ops;
using namespace std::chrono_literals;

namespace {

constexpr int64_t t0 = 1796157385000;

/// One consumer with one partition, in a running app.
runtime_snapshot app_at(int64_t at_ms, uint64_t handled, int64_t committed,
                        int64_t end, bool joined = true) {
  runtime_snapshot s;
  s.app = "pipeline";
  s.taken_at_ms = at_ms;
  s.state = runtime_state::running;
  s.broker_reachable = true;
  consumer_snapshot c;
  c.name = "on_input";
  c.topic = "input";
  c.group_id = "g1";
  c.joined = joined;
  c.handled = handled;
  c.partitions = {{0, committed, committed, end, false}};
  s.consumers.push_back(c);
  return s;
}

/// Feeds snapshots in order through the pure function, as the tracker does.
struct history {
  health_options options{60s};
  health_memory memory;

  health_report see(const runtime_snapshot& s) {
    auto result = assess_health(s, memory, options);
    memory = result.memory;
    return result.report;
  }
};

bool has_reason(const health_verdict& v, std::string_view reason,
                std::string_view consumer = {}) {
  for (auto& p : v.problems)
    if (p.reason == reason && (consumer.empty() || p.consumer == consumer))
      return true;
  return false;
}

} // namespace

CAF_TEST(ready while idle with no lag) {
  history h;
  for (int64_t i = 0; i < 5; ++i) {
    auto r = h.see(app_at(t0 + i * 60000, 10, 100, 100));
    CAF_CHECK(r.live.ok);
    CAF_CHECK(r.ready.ok);
  }
}

CAF_TEST(ready while lag grows and messages are handled) {
  history h;
  for (int64_t i = 0; i < 5; ++i) {
    auto r = h.see(
        app_at(t0 + i * 60000, 10 + i * 100, 100 + i * 100, 200 + i * 200));
    CAF_CHECK(r.ready.ok);
  }
}

CAF_TEST(not ready when lag grows and nothing is handled for the timeout) {
  history h;
  CAF_CHECK(h.see(app_at(t0, 10, 100, 105)).ready.ok);
  // 59 s of nothing while the lag grows: not yet.
  CAF_CHECK(h.see(app_at(t0 + 59000, 10, 100, 150)).ready.ok);
  auto r = h.see(app_at(t0 + 61000, 10, 100, 170));
  CAF_CHECK(!r.ready.ok);
  CAF_CHECK(r.live.ok);
  CAF_CHECK(has_reason(r.ready, "stalled", "on_input"));
  CAF_REQUIRE_EQUAL(r.ready.problems.size(), 1u);
  auto& p = r.ready.problems[0];
  CAF_CHECK_EQUAL(p.consumer_group, "g1");
  CAF_CHECK(p.detail.find("from 5 to 70") != std::string::npos);
  CAF_CHECK(p.detail.find("61 s") != std::string::npos);
  // It handles again: ready at once.
  CAF_CHECK(h.see(app_at(t0 + 62000, 11, 101, 170)).ready.ok);
}

CAF_TEST(a constant lag with nothing handled is not a stall) {
  history h;
  for (int64_t i = 0; i < 4; ++i)
    CAF_CHECK(h.see(app_at(t0 + i * 60000, 10, 100, 105)).ready.ok);
}

CAF_TEST(the stall timeout is configurable) {
  history h;
  h.options.stall_timeout = 5s;
  CAF_CHECK(h.see(app_at(t0, 10, 100, 100)).ready.ok);
  CAF_CHECK(!h.see(app_at(t0 + 6000, 10, 100, 110)).ready.ok);
}

CAF_TEST(not ready during start and while a consumer has not joined) {
  history h;
  auto s = app_at(t0, 0, -1, -1, false);
  s.state = runtime_state::starting;
  auto r = h.see(s);
  CAF_CHECK(r.live.ok);
  CAF_CHECK(!r.ready.ok);
  CAF_CHECK(has_reason(r.ready, "starting"));
  CAF_CHECK(has_reason(r.ready, "not_joined", "on_input"));
  s.state = runtime_state::running;
  r = h.see(s);
  CAF_CHECK(!r.ready.ok);
  CAF_CHECK(!has_reason(r.ready, "starting"));
  CAF_CHECK(has_reason(r.ready, "not_joined", "on_input"));
  s.consumers[0].joined = true;
  CAF_CHECK(h.see(s).ready.ok);
}

CAF_TEST(not ready while the broker is unreachable) {
  history h;
  auto s = app_at(t0, 10, 100, 100);
  s.broker_reachable = false;
  auto r = h.see(s);
  CAF_CHECK(r.live.ok);
  CAF_CHECK(!r.ready.ok);
  CAF_CHECK(has_reason(r.ready, "broker_unreachable"));
}

CAF_TEST(not ready while stopping and after stop; live until failed) {
  history h;
  auto s = app_at(t0, 10, 100, 100);
  s.state = runtime_state::stopping;
  auto r = h.see(s);
  CAF_CHECK(r.live.ok);
  CAF_CHECK(has_reason(r.ready, "stopping"));
  s.state = runtime_state::stopped;
  s.broker_reachable = false;
  r = h.see(s);
  CAF_CHECK(r.live.ok);
  CAF_CHECK(has_reason(r.ready, "stopped"));
  CAF_CHECK(!has_reason(r.ready, "broker_unreachable"));
  s.state = runtime_state::failed;
  r = h.see(s);
  CAF_CHECK(!r.live.ok);
  CAF_CHECK(has_reason(r.live, "failed"));
  CAF_CHECK(!r.ready.ok);
  s.state = runtime_state::idle;
  CAF_CHECK(has_reason(h.see(s).ready, "idle"));
}

CAF_TEST(a runtime that does not report is neither live nor ready) {
  auto r = unresponsive_report("no answer within 2 s");
  CAF_CHECK(!r.live.ok);
  CAF_CHECK(!r.ready.ok);
  CAF_CHECK(has_reason(r.live, "no_report"));
  CAF_CHECK_EQUAL(r.live.state, "unknown");
}

CAF_TEST(answers are short JSON saying why) {
  history h;
  auto s = app_at(t0, 0, -1, -1, false);
  auto r = h.see(s);
  auto body = boost::json::parse(to_json(r.ready, "ready", "not ready"));
  auto& obj = body.as_object();
  CAF_CHECK_EQUAL(obj.at("status").as_string(), "not ready");
  CAF_CHECK_EQUAL(obj.at("state").as_string(), "running");
  auto& reasons = obj.at("reasons").as_array();
  CAF_REQUIRE_EQUAL(reasons.size(), 1u);
  CAF_CHECK_EQUAL(reasons[0].at("reason").as_string(), "not_joined");
  CAF_CHECK_EQUAL(reasons[0].at("consumer").as_string(), "on_input");
  CAF_CHECK_EQUAL(reasons[0].at("consumer_group").as_string(), "g1");
  auto live = boost::json::parse(to_json(r.live, "live", "not live"));
  CAF_CHECK_EQUAL(live.at("status").as_string(), "live");
  CAF_CHECK(!live.as_object().contains("reasons"));
}

CAF_TEST(the tracker remembers between calls) {
  health_tracker t{health_options{10s}};
  CAF_CHECK(t.observe(app_at(t0, 1, 0, 0)).ready.ok);
  CAF_CHECK(t.observe(app_at(t0 + 5000, 1, 0, 3)).ready.ok);
  CAF_CHECK(!t.observe(app_at(t0 + 11000, 1, 0, 9)).ready.ok);
}

CAF_TEST(memory forgets consumers that are gone) {
  history h;
  h.see(app_at(t0, 1, 0, 0));
  CAF_CHECK_EQUAL(h.memory.consumers.size(), 1u);
  runtime_snapshot empty;
  empty.state = runtime_state::running;
  empty.broker_reachable = true;
  CAF_CHECK(h.see(empty).ready.ok);
  CAF_CHECK(h.memory.consumers.empty());
}
