#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fastkafka/detail/producer_slot.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka::kafka {

class producer_client;

/// One consumed message (or batch) on its way to being committable.
///
/// `pending` starts at 1 for the handler; every message the handler produces
/// adds 1 and its delivery report takes 1 away. The offset is done when
/// `pending` is 0. Delivery reports run on librdkafka's threads or inside
/// polls, so only the atomics are shared; the rest belongs to the consumer.
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

/// The producers a thread sent to while handling one poll's messages.
///
/// Whoever handles messages (a consumer thread, a worker) serves their
/// delivery reports after each batch, so that reports are handled on the
/// thread that made them and tickets complete without a thread hop.
class delivery_batch {
public:
  /// Notes that `p` was sent to.
  void note(producer_client* p) {
    if (used_.empty() || (used_.back() != p && !contains(p)))
      used_.push_back(p);
  }
  /// Serves, without waiting, the delivery reports of every noted producer.
  void serve() noexcept;
  /// Forgets the noted producers (before they are destroyed).
  void clear() noexcept { used_.clear(); }

private:
  bool contains(producer_client* p) const noexcept {
    for (auto* x : used_)
      if (x == p)
        return true;
    return false;
  }
  std::vector<producer_client*> used_;
};

/// While alive, what this thread produces belongs to `t`: the input's
/// offset waits for its delivery. Scopes nest; each restores the previous
/// one when it ends, so no path can leave a stale ticket behind.
class delivery_scope {
public:
  /// `traceparent`, when not empty, goes on what is produced inside the
  /// scope (unless a message sets its own) and on its log lines; it must
  /// outlive the scope.
  delivery_scope(ticket* t, delivery_batch* batch,
                 std::string_view traceparent = {}) noexcept;
  delivery_scope(const delivery_scope&) = delete;
  delivery_scope& operator=(const delivery_scope&) = delete;
  ~delivery_scope() noexcept;

  /// The innermost scope of this thread, or null.
  static delivery_scope* current() noexcept;

  ticket* owner() const noexcept { return ticket_; }
  std::string_view traceparent() const noexcept { return trace_; }
  delivery_batch* batch() const noexcept { return batch_; }

private:
  ticket* ticket_;
  delivery_batch* batch_;
  std::string_view trace_;
  trace_log_scope log_;
  delivery_scope* previous_;
};

/// While alive, what this thread sends through any producer client goes to
/// `sink` instead (with the client's topic when the message names none):
/// the outputs and dead letters of an exactly-once consumer's batch join
/// its transaction wherever the handler sent them.
class transaction_scope {
public:
  explicit transaction_scope(fastkafka::detail::message_sink* sink) noexcept;
  transaction_scope(const transaction_scope&) = delete;
  transaction_scope& operator=(const transaction_scope&) = delete;
  ~transaction_scope() noexcept;

  /// The sink of this thread's innermost scope, or null.
  static fastkafka::detail::message_sink* current() noexcept;

private:
  fastkafka::detail::message_sink* previous_;
};

} // namespace fastkafka::kafka
