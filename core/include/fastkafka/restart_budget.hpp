#pragma once

// The one restart decision of every supervisor: the actor supervisors of
// the runtime and the parent of `run --workers N` count the crashes of a
// child against a `restart_policy` with it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fastkafka/supervision.hpp"

namespace fastkafka {

/// The wait before the `n`-th restart (1 for the first) under `policy`:
/// `initial_backoff`, doubled with every further crash in the window, at
/// most `max_backoff`.
std::chrono::milliseconds restart_backoff(const restart_policy& policy,
                                          int n) noexcept;

/// Crashes of one child within a policy's window.
class restart_budget {
public:
  /// Counts a crash at `now_ms` (a monotonic clock in milliseconds);
  /// returns how many fall in the window, or -1 when they are more than
  /// `policy.max_restarts` (the policy is exhausted).
  int crash(const restart_policy& policy, int64_t now_ms);

  /// How many crashes the window held after the last `crash`.
  size_t crashes() const noexcept { return crashes_.size(); }

private:
  std::vector<int64_t> crashes_;
};

} // namespace fastkafka
