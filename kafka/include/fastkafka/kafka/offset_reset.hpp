#pragma once

// Moving a consumer group's committed offsets before an app starts
// (`run --reset-offsets`): replay from the start, skip to the end, or go
// back to a point in time.

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "fastkafka/options.hpp"

namespace fastkafka::kafka {

/// Where a reset moves every partition's committed offset.
struct reset_position {
  /// The three places a reset can go to.
  enum class kind {
    /// The first offset still in the log (the low watermark).
    earliest,
    /// The end of the log (the high watermark): only new records are read.
    latest,
    /// The first record whose timestamp is at or after `timestamp_ms`; the
    /// end of the log when there is none.
    timestamp,
  };
  kind where = kind::earliest;
  /// Milliseconds since the epoch (only for `kind::timestamp`).
  int64_t timestamp_ms = 0;
};

/// One partition's committed offset before and after a reset.
struct partition_reset {
  int32_t partition = 0;
  /// The offset committed before; `no_offset` when there was none.
  int64_t old_offset = 0;
  int64_t new_offset = 0;
  /// The value of `old_offset` when the group had committed nothing.
  static constexpr int64_t no_offset = -1001;
};

/// Why a reset was not done; nothing was committed when this is thrown.
class reset_error : public std::runtime_error {
public:
  /// What stopped the reset.
  enum class reason {
    /// The group has live members: they would overwrite the offsets, and
    /// they would not re-read anything.
    live_members,
    /// The brokers did not answer within the bound.
    unreachable,
    /// Anything else the broker refused (unknown topic, denied commit).
    failed,
  };
  reset_error(reason why, const std::string& what)
      : std::runtime_error(what)
      , why_(why) {
    // nop
  }
  reason why() const noexcept { return why_; }

private:
  reason why_;
};

/// Sets `group`'s committed offset of every partition of `topic` to `to`,
/// through a short-lived member of the group that must get every partition
/// assigned (so no other member can hold one). Refuses (`live_members`) when
/// the broker describes the group as having members, or when other members
/// keep partitions of the topic. Logs one line per partition. Throws
/// `reset_error`; the whole call is bounded by `timeout` (closing the
/// short-lived member gets a few seconds more).
std::vector<partition_reset>
reset_group_offsets(const client_options& options, const std::string& group,
                    const std::string& topic, reset_position to,
                    std::chrono::milliseconds timeout);

} // namespace fastkafka::kafka
