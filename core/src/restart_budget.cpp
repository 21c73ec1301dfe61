#include "fastkafka/restart_budget.hpp"

#include <algorithm>

namespace fastkafka {

std::chrono::milliseconds restart_backoff(const restart_policy& policy,
                                          int n) noexcept {
  auto wait = policy.initial_backoff;
  for (int i = 1; i < n && wait < policy.max_backoff; ++i)
    wait *= 2;
  return std::min(wait, policy.max_backoff);
}

int restart_budget::crash(const restart_policy& policy, int64_t now_ms) {
  std::erase_if(crashes_,
                [&](int64_t t) { return now_ms - t > policy.window.count(); });
  crashes_.push_back(now_ms);
  auto n = static_cast<int>(crashes_.size());
  return n > policy.max_restarts ? -1 : n;
}

} // namespace fastkafka
