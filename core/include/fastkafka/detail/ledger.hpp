#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace fastkafka::detail {

/// One consumed message on its way to being committable.
///
/// `pending` starts at 1 for the handler; every message the handler produces
/// adds 1 and its delivery report takes 1 away. The offset is done when
/// `pending` is 0. Delivery reports run on librdkafka's threads, so only the
/// atomics are shared; everything else belongs to the consumer's thread.
struct ticket {
  std::atomic<int32_t> pending{0};
  /// Set by a delivery report that failed, before `pending` drops.
  std::atomic<bool> failed{false};
  int32_t partition = -1;
  int64_t offset = -1;
  /// Consumer thread only: the message will be consumed again, so this
  /// ticket must not move the commit position.
  bool discarded = false;
};

/// The ticket of the message whose handler runs on this thread, if any.
/// Producers attach it to what they send so the input offset waits for it.
ticket*& current_ticket() noexcept;

/// Per-partition record of consumed offsets and what may be committed.
///
/// Tickets are kept in consumption order; the commit position is the offset
/// after the longest done prefix. Tickets are recycled only when no delivery
/// report can reach them any more.
class ledger {
public:
  /// What `collect` found: a failed delivery to reprocess from `offset`.
  struct rewind {
    int32_t partition;
    int64_t offset;
  };

  ledger() = default;
  ledger(const ledger&) = delete;
  ledger& operator=(const ledger&) = delete;

  /// Opens a ticket for a message about to be handled (pending = 1).
  ticket* open(int32_t partition, int64_t offset);

  /// Marks the handler's share of `t` as finished.
  static void close(ticket* t) noexcept {
    t->pending.fetch_sub(1, std::memory_order_acq_rel);
  }

  /// Marks `t` and every later ticket of its partition as discarded: those
  /// messages will be delivered again after a seek.
  void discard_from(const ticket* t);

  /// Discards every ticket of `partition` at or after `offset`.
  void discard_from(int32_t partition, int64_t offset);

  /// Retires done tickets, advances commit positions and reports failed
  /// deliveries (the caller seeks back to them). Call on the consumer thread.
  std::vector<rewind> collect();

  /// Next offset to commit for `partition`, or -1 if nothing new.
  int64_t committable(int32_t partition) const;

  /// Partitions whose commit position moved since `mark_committed`.
  std::vector<std::pair<int32_t, int64_t>> uncommitted() const;

  /// Records that `offset` of `partition` was committed.
  void mark_committed(int32_t partition, int64_t offset);

  /// Forgets that `partition` was committed (the commit failed), so that
  /// the next commit sends its position again.
  void uncommit(int32_t partition);

  /// Whether any ticket of `partition` (or of any partition, for -1) waits.
  bool busy(int32_t partition = -1) const;

  /// Forgets `partition` (revoked): waiting tickets stay alive until done.
  void forget(int32_t partition);

  /// Number of tickets not yet retired, for diagnostics.
  size_t open_tickets() const noexcept { return open_; }

private:
  struct partition_state {
    std::deque<ticket*> queue;
    int64_t next_commit = -1;
    int64_t committed = -1;
  };

  partition_state& state(int32_t partition);
  void release(ticket* t);
  void reap_graveyard();

  std::vector<partition_state> partitions_;
  std::vector<std::unique_ptr<ticket>> storage_;
  std::vector<ticket*> free_;
  std::vector<ticket*> graveyard_;
  size_t open_ = 0;
};

} // namespace fastkafka::detail
