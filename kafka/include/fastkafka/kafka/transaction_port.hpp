#pragma once

// The engine's view of the transactional producer an exactly-once consumer
// owns: one transaction per poll, holding the handler's outputs, the dead
// letters and the consumed offsets. `transactional_producer` implements it
// over librdkafka; the engine's unit tests implement it without a broker.

#include <chrono>
#include <span>
#include <string>

#include "fastkafka/kafka/consumer_port.hpp"
#include "fastkafka/kafka/producer_port.hpp"

namespace fastkafka::kafka {

/// What a failed transaction call asks of its caller.
enum class txn_outcome {
  /// It worked.
  ok,
  /// Try the same call again (a timeout, a coordinator moving).
  retriable,
  /// Abort the transaction and redo its work (a failed delivery, an
  /// injected or transient broker error).
  abortable,
  /// The producer cannot go on (fenced by a newer instance, or a broken
  /// protocol state): replace it.
  fatal,
};

/// The result of one transaction call.
struct txn_result {
  txn_outcome outcome = txn_outcome::ok;
  /// The error in words, when not ok.
  std::string error;
  /// Whether a newer producer with the same transactional id took over.
  bool fenced = false;

  bool ok() const noexcept { return outcome == txn_outcome::ok; }
};

/// A transactional producer; used by one consumer thread.
class transaction_port {
public:
  virtual ~transaction_port() = default;

  /// Where the outputs of a transaction go (every topic; the caller names
  /// it); its delivery reports settle tickets like any producer's.
  virtual producer_port& sink() noexcept = 0;

  /// Registers the transactional id with the coordinator, fencing older
  /// instances and finishing their open transaction; once, first.
  virtual txn_result init(std::chrono::milliseconds timeout) = 0;

  virtual txn_result begin() = 0;

  /// Waits for the delivery of what was sent in the transaction, then adds
  /// `offsets` of `topic` (next offsets to consume) as the consumer
  /// group's commit, for `consumer`'s group and generation.
  virtual txn_result send_offsets(std::span<const partition_offset> offsets,
                                  const std::string& topic,
                                  const consumer_port& consumer,
                                  std::chrono::milliseconds timeout) = 0;

  virtual txn_result commit(std::chrono::milliseconds timeout) = 0;

  virtual txn_result abort(std::chrono::milliseconds timeout) = 0;
};

} // namespace fastkafka::kafka
