#pragma once

#include <cstdint>
#include <string>

#include "fastkafka/detail/producer_slot.hpp"

namespace fastkafka::kafka {

/// What a producer actor drives: a sink for messages whose delivery
/// reports it serves and flushes. `producer_client` implements it over
/// librdkafka; the supervision tests implement it without a broker.
class producer_port : public fastkafka::detail::message_sink {
public:
  /// Serves delivery reports for up to `timeout_ms`.
  virtual void poll(int timeout_ms) noexcept = 0;
  /// Waits up to `timeout_ms` for every outstanding delivery; returns how
  /// many are still outstanding.
  virtual int flush(int timeout_ms) noexcept = 0;
  /// The client's fatal error; empty while it is usable.
  virtual std::string fatal_error() const = 0;
  /// Whether a broker is connected now.
  virtual bool connected() const noexcept = 0;
  /// The last librdkafka statistics document (JSON); empty when there is
  /// none. Callable from any thread.
  virtual std::string statistics() const { return {}; }
  virtual uint64_t sent() const noexcept = 0;
  virtual uint64_t delivered() const noexcept = 0;
  virtual uint64_t failed() const noexcept = 0;
};

} // namespace fastkafka::kafka
