#pragma once

#include <string>
#include <string_view>

#include "fastkafka/detail/producer_slot.hpp"
#include "fastkafka/kafka/consumer_port.hpp"
#include "fastkafka/kafka/delivery.hpp"

namespace fastkafka::engine {

/// Hands `msg` to `sink` as part of `t`: the input's offset waits for its
/// acknowledgement. A message that cannot be handed over fails the ticket,
/// so that the input is consumed again; `err` then says why.
bool send_for_input(fastkafka::detail::message_sink* sink,
                    const fastkafka::detail::outbound_message& msg,
                    kafka::ticket* t, kafka::delivery_batch* batch,
                    std::string& err);

/// Writes a registration's dead letters: the input's key, value and
/// headers unchanged, followed by the `fastkafka.dlq.*` headers saying why
/// (see `fastkafka/dead_letter.hpp`). Letters from a retry topic name the
/// message's first topic, partition and offset, and leave out its
/// `fastkafka.retry.*` headers.
class dead_letter_writer {
public:
  dead_letter_writer(std::string registration, std::string source_topic,
                     std::string target_topic,
                     fastkafka::detail::message_sink* sink,
                     bool from_retry_topic = false);

  /// Sends the dead letter of `r` as part of ticket `t`: the input's
  /// offset waits for its acknowledgement. Returns false (and logs) when it
  /// could not be handed to Kafka; the ticket then fails, so the input is
  /// consumed again instead of vanishing. Callable from any thread.
  bool write(const kafka::record& r, std::string_view reason,
             std::string_view error, int attempts, kafka::ticket* t,
             kafka::delivery_batch* batch) const;

  const std::string& topic() const noexcept { return target_; }

private:
  std::string registration_;
  std::string source_;
  std::string target_;
  fastkafka::detail::message_sink* sink_;
  bool from_retry_topic_;
};

} // namespace fastkafka::engine
