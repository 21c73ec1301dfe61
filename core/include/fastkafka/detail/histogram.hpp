#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>

#include "fastkafka/stats.hpp"

namespace fastkafka::detail {

/// Counts durations into fixed buckets from 100 µs to 60 s, lock-free.
///
/// `observe` is a few relaxed increments, callable from any thread; a
/// snapshot may see an observation in `count` before its bucket, which a
/// metrics scrape tolerates.
class histogram {
public:
  /// Upper bounds in seconds.
  static constexpr std::array<double, 16> bounds{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   10,   60};

  /// Records one duration of `seconds`.
  void observe(double seconds) noexcept {
    size_t i = 0;
    while (i < bounds.size() && seconds > bounds[i])
      ++i;
    if (i < bounds.size())
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    auto ns = seconds > 0 ? static_cast<uint64_t>(seconds * 1e9) : 0;
    sum_ns_.fetch_add(ns, std::memory_order_relaxed);
  }

  /// The counts so far, cumulative per bound.
  histogram_snapshot snapshot() const {
    histogram_snapshot out;
    uint64_t running = 0;
    for (size_t i = 0; i < bounds.size(); ++i) {
      running += buckets_[i].load(std::memory_order_relaxed);
      out.bounds.push_back(bounds[i]);
      out.cumulative.push_back(running);
    }
    out.count = std::max(running, count_.load(std::memory_order_relaxed));
    out.sum =
        static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
    return out;
  }

private:
  std::array<std::atomic<uint64_t>, bounds.size()> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

} // namespace fastkafka::detail
