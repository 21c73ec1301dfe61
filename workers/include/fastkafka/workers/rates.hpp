#pragma once

// Throughput from successive snapshots: per registration, the rate over
// the last interval and the mean over a sliding window of intervals, as
// the benchmark actor computes its "Throughput" and "Avg throughput".

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "fastkafka/stats.hpp"
#include "fastkafka/stats_report.hpp"

namespace fastkafka::workers {

/// Sliding-window rates of every registration of one runtime.
///
/// Unlike the benchmark's log lines, an interval without messages counts
/// (as 0): a live view must show a stream that stopped.
class rate_tracker {
public:
  /// Keeps the last `window` intervals (at least 1).
  explicit rate_tracker(uint32_t window = 10);

  /// Takes the snapshot taken at `now` (a monotonic clock, so that wall
  /// clock steps cannot make rates negative). Consumers count `handled`,
  /// producers `acknowledged`. A counter that went down (the runtime was
  /// restarted) starts over without an interval.
  void add(const runtime_snapshot& snapshot,
           std::chrono::steady_clock::time_point now);

  /// One entry per registration with at least one interval, by name.
  std::vector<registration_rate> rates() const;

  uint32_t window() const noexcept { return window_; }

private:
  struct series {
    uint64_t last_count = 0;
    std::chrono::steady_clock::time_point last_at;
    std::deque<double> per_interval;
  };

  void add(const std::string& name, uint64_t count,
           std::chrono::steady_clock::time_point now);

  uint32_t window_;
  std::map<std::string, series> series_;
};

} // namespace fastkafka::workers
