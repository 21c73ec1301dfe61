#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "fastkafka/kafka/consumer_port.hpp"

namespace fastkafka::engine {

class consumer_engine;

/// How a consumer calls its handler on what a poll fetched: one message at
/// a time in order, one batch per partition, or on a pool of threads. One
/// implementation per file; the engine owns the rest (commits, pauses,
/// dead letters).
class executor_base {
public:
  explicit executor_base(consumer_engine& engine) noexcept
      : engine_(engine) {
    // nop
  }
  virtual ~executor_base() = default;

  /// Handles the records of one poll (fetch errors already taken out).
  /// Records it keeps for later have their `handle` taken; the engine
  /// releases the others.
  virtual void handle(std::vector<kafka::record>& records) = 0;

  /// Serves what ran elsewhere (the concurrent executor's finished and
  /// failed calls); called on the consumer thread before every poll.
  virtual void collect() {}

  /// The backoff of `partition` ended: try again what failed on it.
  virtual void retry_due(int32_t partition);

  /// Drops work held for retries of `partitions` (of all, when empty):
  /// those messages are consumed again by whoever owns the partition next.
  virtual void drop_held(std::span<const int32_t> partitions) {
    (void)partitions;
  }

  /// Waits for calls in flight and ends the executor's threads.
  virtual void stop() {}

protected:
  consumer_engine& engine_;
};

/// One message per call, in offset order per partition.
std::unique_ptr<executor_base> make_sequential_executor(consumer_engine& e);

/// One call per partition with that partition's records of the poll.
std::unique_ptr<executor_base> make_batch_executor(consumer_engine& e);

/// Up to `max_in_flight` calls at once on a pool of threads.
std::unique_ptr<executor_base> make_concurrent_executor(consumer_engine& e);

} // namespace fastkafka::engine
