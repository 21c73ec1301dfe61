#pragma once

#include <chrono>
#include <cstddef>

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
};

/// Resolves the framework settings of a consumer from its merged options.
consumer_settings resolve_consumer_settings(const client_options& merged);

} // namespace fastkafka
