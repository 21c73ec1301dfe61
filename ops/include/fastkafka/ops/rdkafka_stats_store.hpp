#pragma once

// The newest librdkafka statistics of every client, written from
// librdkafka's stats callback and read by the metrics page.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fastkafka/ops/rdkafka_stats.hpp"

namespace fastkafka::ops {

/// Holds one parsed document per client; thread-safe.
class rdkafka_stats_store {
public:
  /// Parses `json` (a document from librdkafka's `stats_cb`) as the newest
  /// statistics of `registration`'s client. Never throws (it runs inside
  /// the callback); a document that does not parse is counted and dropped.
  void update(std::string_view registration, std::string_view json) noexcept;

  /// Forgets a client (it was closed).
  void remove(std::string_view registration) noexcept;

  /// The newest statistics of every client, by registration name.
  std::vector<rdkafka_stats> all() const;

  /// Documents that did not parse.
  uint64_t parse_errors() const noexcept {
    return parse_errors_.load(std::memory_order_relaxed);
  }

private:
  mutable std::mutex mtx_;
  std::map<std::string, rdkafka_stats, std::less<>> clients_;
  std::atomic<uint64_t> parse_errors_{0};
};

} // namespace fastkafka::ops
