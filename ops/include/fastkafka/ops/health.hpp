#pragma once

// Liveness and readiness of a running app, decided from its snapshots.
//
// Live: the process answers and its actor tree has not failed. Ready: the
// runtime runs, a broker is reachable, and every consumer has joined its
// group and makes progress. A consumer is stalled when its lag grew while
// it handled nothing for `stall_timeout`; an idle consumer with no lag,
// or one whose lag stays put (nothing new arrives while a retry waits),
// is not. Progress needs two snapshots, so the decision is a pure function
// of the newest snapshot and what was remembered of the earlier ones.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fastkafka/stats.hpp"

namespace fastkafka::ops {

/// How readiness judges progress.
struct health_options {
  /// A consumer whose lag grew while it handled nothing for this long is
  /// stalled.
  std::chrono::milliseconds stall_timeout{60000};
};

/// One reason why a check fails.
struct health_problem {
  /// A word a program can match: `starting`, `stopping`, `stopped`,
  /// `idle`, `failed`, `no_report`, `broker_unreachable`, `not_joined`,
  /// `stalled`.
  std::string reason;
  /// The sentence a person reads.
  std::string detail;
  /// The registration concerned; empty for the whole app.
  std::string consumer;
  /// The registration's consumer group; empty for the whole app.
  std::string consumer_group;
};

/// The answer of one check.
struct health_verdict {
  bool ok = false;
  /// The runtime's state (`to_string(runtime_state)`), or `unknown`.
  std::string state;
  /// Consumers judged (readiness only).
  size_t consumers = 0;
  /// Empty when `ok`.
  std::vector<health_problem> problems;
};

/// Both checks for one snapshot.
struct health_report {
  health_verdict live;
  health_verdict ready;
};

/// What is remembered of one consumer between snapshots.
struct consumer_progress {
  std::string name;
  /// Its `handled` count as last seen.
  uint64_t handled = 0;
  /// Snapshot time (ms since the epoch) since which `handled` has not
  /// changed.
  int64_t quiet_since_ms = 0;
  /// Its lag at `quiet_since_ms` (or when first known after it); -1
  /// unknown.
  int64_t lag_at_quiet_start = -1;
};

/// What is remembered between snapshots.
struct health_memory {
  std::vector<consumer_progress> consumers;
};

/// The result of `assess_health`: the report and the memory to pass next.
struct health_assessment {
  health_report report;
  health_memory memory;
};

/// Judges `now` given what `before` remembered of earlier snapshots.
health_assessment assess_health(const runtime_snapshot& now,
                                const health_memory& before,
                                const health_options& options);

/// The report when the runtime did not hand out a snapshot (it did not
/// answer in time, or is gone): neither live nor ready.
health_report unresponsive_report(std::string_view why);

/// A short JSON body saying what a check found, e.g.
/// `{"status":"not ready","state":"running","reasons":[{"reason":
/// "not_joined","consumer":"on_input",...}]}`.
std::string to_json(const health_verdict& verdict, std::string_view ok_word,
                    std::string_view failed_word);

/// Carries the memory between snapshots; safe to call from several threads
/// (the probe handler and the systemd watchdog share one).
class health_tracker {
public:
  explicit health_tracker(health_options options = {});

  /// Judges `snapshot` and remembers it.
  health_report observe(const runtime_snapshot& snapshot);

  const health_options& options() const noexcept { return options_; }

private:
  health_options options_;
  std::mutex mtx_;
  health_memory memory_;
};

} // namespace fastkafka::ops
