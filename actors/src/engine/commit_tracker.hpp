#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fastkafka/kafka/consumer_port.hpp"
#include "fastkafka/kafka/delivery.hpp"

namespace fastkafka::engine {

using kafka::partition_offset;
using kafka::ticket;

/// Which offsets of a consumer may be committed, which are being committed,
/// and which the broker confirmed.
///
/// Tickets are kept per partition in consumption order; the commit position
/// is the offset after the longest prefix whose tickets are done. A commit
/// counts only once the broker confirmed it; at most one commit request is
/// in flight at a time, and a failed one is sent again by the next
/// `to_commit`. Tickets are recycled only when no delivery report can reach
/// them any more. Used on the consumer's thread only.
class commit_tracker {
public:
  /// A failed delivery found by `collect`: consume again from `offset`.
  struct rewind {
    int32_t partition;
    int64_t offset;
  };

  commit_tracker() = default;
  commit_tracker(const commit_tracker&) = delete;
  commit_tracker& operator=(const commit_tracker&) = delete;

  /// Opens a ticket for a message about to be handled (pending = 1).
  ticket* open(int32_t partition, int64_t offset);

  /// Marks the handler's share of `t` as finished.
  static void close(ticket* t) noexcept {
    t->pending.fetch_sub(1, std::memory_order_acq_rel);
  }

  /// Marks every ticket of `partition` at or after `offset` as discarded:
  /// those messages will be delivered again after a seek.
  void discard_from(int32_t partition, int64_t offset);

  /// The user moved `partition` to `offset`: every open ticket of it is
  /// discarded and the commit position becomes `offset`, committed next
  /// even when it lies before what the broker confirmed.
  void seek(int32_t partition, int64_t offset);

  /// Undoes what was processed of `partition` from `offset` on (an aborted
  /// transaction): its tickets are discarded and the commit position goes
  /// back to `offset` if it was past it.
  void rewind_to(int32_t partition, int64_t offset);

  /// Counts every waiting delivery as failed and discarded: their
  /// producer is gone, so no report can reach them any more.
  void abandon_pending() noexcept;

  /// Retires done tickets, advances commit positions and reports failed
  /// deliveries (the caller seeks back to them).
  std::vector<rewind> collect();

  /// The positions to commit now: partitions whose position moved past
  /// what is confirmed and what is in flight; empty while a commit is in
  /// flight.
  std::vector<partition_offset> to_commit() const;

  /// Like `to_commit`, restricted to `partitions`, and also while another
  /// commit is in flight (for revocation and stop).
  std::vector<partition_offset>
  to_commit(std::span<const int32_t> partitions) const;

  /// Records that a commit of `offsets` was sent.
  void sent(std::span<const partition_offset> offsets);

  /// Records the broker's answer to the commit in flight; returns the
  /// partitions that failed (they are committed again later).
  std::vector<partition_offset>
  answered(std::span<const partition_offset> offsets, int error);

  /// Whether a commit waits for its answer.
  bool in_flight() const noexcept { return requests_ > 0; }

  /// Whether anything processed is not confirmed yet (of `partitions`, or of
  /// every partition when empty).
  bool unconfirmed(std::span<const int32_t> partitions = {}) const;

  /// Whether any ticket of `partition` (or of any partition, for -1) waits.
  bool busy(int32_t partition = -1) const;

  /// Forgets `partition` (revoked or lost): waiting tickets stay alive
  /// until their delivery reports arrived.
  void forget(int32_t partition);

  /// The offsets the broker confirmed, per partition.
  std::vector<partition_offset> confirmed() const;

  /// The commit positions not confirmed (processed, but the broker did not
  /// say yes), per partition.
  std::vector<partition_offset> unconfirmed_positions() const;

  /// Tickets not yet retired.
  size_t open_tickets() const noexcept { return open_; }

  /// Per partition with unfinished messages, the offset of the first one:
  /// where the next owner starts again.
  std::vector<partition_offset> first_unfinished() const;

private:
  struct partition_state {
    std::deque<ticket*> queue;
    /// Offset after the longest done prefix; -1 before any.
    int64_t position = -1;
    /// Highest offset the broker confirmed; -1 before any.
    int64_t confirmed = -1;
    /// Offset of the commit in flight; -1 for none.
    int64_t sending = -1;
    bool assigned = false;
  };

  partition_state& state(int32_t partition);
  const partition_state* find(int32_t partition) const;
  void release(ticket* t);
  void reap_graveyard();

  std::vector<partition_state> partitions_;
  std::vector<std::unique_ptr<ticket>> storage_;
  std::vector<ticket*> free_;
  std::vector<ticket*> graveyard_;
  size_t open_ = 0;
  int requests_ = 0;
};

} // namespace fastkafka::engine
