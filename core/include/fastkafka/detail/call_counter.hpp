#pragma once

#include <atomic>
#include <cstdint>

namespace fastkafka::detail {

/// Counts calls on a hot path for the benchmark actor and the stats.
///
/// A relaxed atomic increment: one uncontended instruction, no fence. The
/// sampler reads it from another thread; exact interleaving does not matter.
class call_counter {
public:
  void add(uint64_t n = 1) noexcept {
    count_.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t load() const noexcept {
    return count_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<uint64_t> count_{0};
};

} // namespace fastkafka::detail
