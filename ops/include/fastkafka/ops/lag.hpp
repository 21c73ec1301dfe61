#pragma once

// A consumer's lag over all its partitions, shared by the metrics page and
// readiness. (It belongs beside `partition_snapshot::lag` in core's
// stats.hpp; it lives here until the layering lets ops change core.)

#include <cstdint>

#include "fastkafka/stats.hpp"

namespace fastkafka::ops {

/// The sum of the known lags of a consumer's partitions; -1 when none is
/// known (no assignment, or no end offset fetched yet).
inline int64_t consumer_lag(const consumer_snapshot& consumer) noexcept {
  int64_t total = 0;
  bool known = false;
  for (auto& p : consumer.partitions)
    if (auto lag = p.lag(); lag >= 0) {
      total += lag;
      known = true;
    }
  return known ? total : -1;
}

} // namespace fastkafka::ops
