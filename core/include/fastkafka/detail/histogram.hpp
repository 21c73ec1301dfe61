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

  /// The bucket of `seconds`: its index in `bounds`, or `bounds.size()`
  /// above the last bound (counted in `count` only).
  static size_t bucket_of(double seconds) noexcept {
    size_t i = 0;
    while (i < bounds.size() && seconds > bounds[i])
      ++i;
    return i;
  }

  /// `seconds` in whole nanoseconds for the sum (0 for negative values).
  static uint64_t nanos_of(double seconds) noexcept {
    return seconds > 0 ? static_cast<uint64_t>(seconds * 1e9) : 0;
  }

  /// Records one duration of `seconds`.
  void observe(double seconds) noexcept {
    if (auto i = bucket_of(seconds); i < bounds.size())
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(nanos_of(seconds), std::memory_order_relaxed);
  }

  /// Adds what `batch` gathered and empties it.
  void add(class histogram_batch& batch) noexcept;

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

/// Observations one thread gathers for a `histogram` and adds at once, so
/// that a consumer pays the shared counters' atomic increments once per
/// poll instead of once per message.
class histogram_batch {
public:
  /// Records one duration of `seconds`.
  void observe(double seconds) noexcept {
    ++buckets_[histogram::bucket_of(seconds)];
    ++count_;
    sum_ns_ += histogram::nanos_of(seconds);
  }

private:
  friend class histogram;
  std::array<uint64_t, histogram::bounds.size() + 1> buckets_{};
  uint64_t count_ = 0;
  uint64_t sum_ns_ = 0;
};

inline void histogram::add(histogram_batch& batch) noexcept {
  if (batch.count_ == 0)
    return;
  for (size_t i = 0; i < bounds.size(); ++i)
    if (batch.buckets_[i] != 0)
      buckets_[i].fetch_add(batch.buckets_[i], std::memory_order_relaxed);
  count_.fetch_add(batch.count_, std::memory_order_relaxed);
  sum_ns_.fetch_add(batch.sum_ns_, std::memory_order_relaxed);
  batch = histogram_batch{};
}

} // namespace fastkafka::detail
