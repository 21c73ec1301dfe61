#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "fastkafka/detail/call_counter.hpp"
#include "fastkafka/detail/histogram.hpp"
#include "fastkafka/stats.hpp"

namespace fastkafka::actors {

/// What one consumer reports: counters bumped on the hot path (relaxed
/// atomics) and a partition table refreshed by the consumer thread a few
/// times a second. Outlives restarts of the consumer's actor.
struct consumer_status {
  std::string name;
  std::string topic;
  std::string group_id;
  fastkafka::detail::call_counter consumed;
  fastkafka::detail::call_counter handled;
  fastkafka::detail::call_counter failed;
  fastkafka::detail::call_counter retried;
  fastkafka::detail::call_counter dead_lettered;
  fastkafka::detail::call_counter rebalances;
  fastkafka::detail::call_counter restarts;
  std::atomic<uint64_t> in_flight{0};
  std::atomic<int64_t> last_handled_ms{-1};
  std::atomic<bool> joined{false};
  /// The client's last librdkafka statistics document (JSON); set by the
  /// supervisor, callable from any thread.
  std::function<std::string()> statistics;
  /// A partition's end offset as the client knows it now (-1 unknown); set
  /// by the supervisor, callable from any thread. The partition table is
  /// refreshed by the consumer thread, which a blocked handler holds: this
  /// keeps the lag of a snapshot current while it is held.
  std::function<int64_t(int32_t)> end_offset;
  /// Whether handler durations and latencies are measured (metrics on).
  bool timed = false;
  fastkafka::detail::histogram handler_duration;
  fastkafka::detail::histogram end_to_end_latency;

  /// Replaces the partition table.
  void set_partitions(std::map<int32_t, partition_snapshot> parts) {
    std::lock_guard guard{mtx_};
    partitions_ = std::move(parts);
  }

  /// Copies everything out.
  consumer_snapshot snapshot() const {
    consumer_snapshot out;
    out.name = name;
    out.topic = topic;
    out.group_id = group_id;
    out.joined = joined.load(std::memory_order_relaxed);
    out.consumed = consumed.load();
    out.handled = handled.load();
    out.failed = failed.load();
    out.retried = retried.load();
    out.dead_lettered = dead_lettered.load();
    out.rebalances = rebalances.load();
    out.restarts = restarts.load();
    out.in_flight = in_flight.load(std::memory_order_relaxed);
    out.last_handled_ms = last_handled_ms.load(std::memory_order_relaxed);
    out.handler_duration = handler_duration.snapshot();
    out.end_to_end_latency = end_to_end_latency.snapshot();
    {
      std::lock_guard guard{mtx_};
      for (auto& [p, part] : partitions_)
        out.partitions.push_back(part);
    }
    if (end_offset)
      for (auto& part : out.partitions)
        part.high_watermark =
            std::max(part.high_watermark, end_offset(part.partition));
    return out;
  }

private:
  mutable std::mutex mtx_;
  std::map<int32_t, partition_snapshot> partitions_;
};

} // namespace fastkafka::actors
