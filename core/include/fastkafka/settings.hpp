#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "fastkafka/options.hpp"

namespace fastkafka {

/// The options a consumer's framework side acts on, merged and with
/// defaults applied, as typed values.
struct consumer_settings {
  /// Most records one poll hands out (`max_poll_records`).
  size_t max_poll_records = 100;
  /// Longest an idle poll waits (`consumer_timeout_ms`).
  std::chrono::milliseconds poll_timeout{200};
  /// Whether processed offsets are committed while busy, or only when a
  /// poll finds nothing, on rebalance and on stop (`enable_auto_commit`).
  bool commit_while_busy = true;
  /// Longest a processed offset waits for its commit while busy
  /// (`auto_commit_interval_ms`).
  std::chrono::milliseconds commit_interval{5000};
  /// Whether each poll's outputs and offsets commit in one transaction
  /// (`delivery=exactly_once`).
  bool exactly_once = false;
};

/// Resolves the framework settings of a consumer from its merged options.
consumer_settings resolve_consumer_settings(const client_options& merged);

/// The `transactional.id` of an exactly-once consumer's producer: the
/// user's `transactional_id` when set, else `<group>.<registration>`; under
/// `run --workers N` (`worker_index` >= 0) followed by `.<worker_index>`, so
/// that workers do not fence each other.
std::string consumer_transactional_id(const client_options& merged,
                                      const std::string& group_id,
                                      const std::string& registration,
                                      int worker_index);

} // namespace fastkafka
