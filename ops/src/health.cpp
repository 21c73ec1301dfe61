#include "fastkafka/ops/health.hpp"

#include "fastkafka/ops/lag.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace fastkafka::ops {

namespace {

const consumer_progress* find(const health_memory& memory,
                              std::string_view name) {
  for (auto& c : memory.consumers)
    if (c.name == name)
      return &c;
  return nullptr;
}

health_problem app_problem(std::string reason, std::string detail) {
  return {std::move(reason), std::move(detail), {}, {}};
}

health_problem consumer_problem(const consumer_snapshot& c, std::string reason,
                                std::string detail) {
  return {std::move(reason), std::move(detail), c.name, c.group_id};
}

// The app-wide reason why a runtime in `state` is not ready; nothing when
// the state allows readiness.
std::optional<health_problem> state_problem(runtime_state state) {
  switch (state) {
  case runtime_state::running:
    return std::nullopt;
  case runtime_state::idle:
    return app_problem("idle", "the runtime has not been started");
  case runtime_state::starting:
    return app_problem("starting", "clients are being created and "
                                   "consumers are joining their groups");
  case runtime_state::stopping:
    return app_problem("stopping", "draining in-flight messages, "
                                   "committing offsets and flushing");
  case runtime_state::stopped:
    return app_problem("stopped", "the runtime stopped");
  case runtime_state::failed:
    return app_problem("failed", "a part of the actor tree failed beyond "
                                 "its restart policy");
  }
  return app_problem("unknown", "the runtime is in an unknown state");
}

} // namespace

health_assessment assess_health(const runtime_snapshot& now,
                                const health_memory& before,
                                const health_options& options) {
  health_assessment out;
  auto& live = out.report.live;
  auto& ready = out.report.ready;
  live.state = ready.state = to_string(now.state);
  live.ok = now.state != runtime_state::failed;
  if (!live.ok)
    live.problems.push_back(*state_problem(now.state));

  if (auto problem = state_problem(now.state))
    ready.problems.push_back(std::move(*problem));
  if (!now.broker_reachable && now.state != runtime_state::stopped)
    ready.problems.push_back(app_problem(
        "broker_unreachable", "no client of the app has a connection to a "
                              "broker up"));
  ready.consumers = now.consumers.size();
  auto stall_ms = options.stall_timeout.count();
  for (auto& c : now.consumers) {
    auto lag = consumer_lag(c);
    consumer_progress progress{c.name, c.handled, now.taken_at_ms, lag};
    if (auto* prev = find(before, c.name); prev && prev->handled == c.handled) {
      // Nothing handled since the last snapshot: the quiet period goes on.
      progress.quiet_since_ms = prev->quiet_since_ms;
      progress.lag_at_quiet_start =
          prev->lag_at_quiet_start >= 0 ? prev->lag_at_quiet_start : lag;
    }
    out.memory.consumers.push_back(progress);
    if (!c.joined) {
      ready.problems.push_back(consumer_problem(
          c, "not_joined",
          "consumer " + c.name + " has not joined group " + c.group_id));
      continue;
    }
    auto quiet_ms = now.taken_at_ms - progress.quiet_since_ms;
    if (lag > 0 && progress.lag_at_quiet_start >= 0 &&
        lag > progress.lag_at_quiet_start && quiet_ms >= stall_ms)
      ready.problems.push_back(
          consumer_problem(c, "stalled",
                           "consumer " + c.name + " of topic " + c.topic +
                               " handled nothing "
                               "for " +
                               std::to_string(quiet_ms / 1000) +
                               " s while its lag "
                               "grew from " +
                               std::to_string(progress.lag_at_quiet_start) +
                               " to " + std::to_string(lag)));
  }
  ready.ok = ready.problems.empty();
  return out;
}

health_report unresponsive_report(std::string_view why) {
  health_report out;
  out.live.state = out.ready.state = "unknown";
  auto problem = app_problem("no_report", std::string{why});
  out.live.problems.push_back(problem);
  out.ready.problems.push_back(std::move(problem));
  return out;
}

std::string to_json(const health_verdict& verdict, std::string_view ok_word,
                    std::string_view failed_word) {
  boost::json::object out;
  out["status"] = verdict.ok ? ok_word : failed_word;
  out["state"] = verdict.state;
  if (verdict.consumers > 0 || !verdict.ok)
    out["consumers"] = verdict.consumers;
  if (!verdict.problems.empty()) {
    boost::json::array reasons;
    for (auto& p : verdict.problems) {
      boost::json::object r;
      r["reason"] = p.reason;
      if (!p.consumer.empty()) {
        r["consumer"] = p.consumer;
        r["consumer_group"] = p.consumer_group;
      }
      r["detail"] = p.detail;
      reasons.push_back(std::move(r));
    }
    out["reasons"] = std::move(reasons);
  }
  return boost::json::serialize(out);
}

health_tracker::health_tracker(health_options options)
    : options_(options) {}

health_report health_tracker::observe(const runtime_snapshot& snapshot) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto result = assess_health(snapshot, memory_, options_);
  memory_ = std::move(result.memory);
  return std::move(result.report);
}

} // namespace fastkafka::ops
