#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fastkafka/detail/producer_slot.hpp"
#include "fastkafka/kafka/consumer_port.hpp"
#include "fastkafka/kafka/delivery.hpp"
#include "fastkafka/message.hpp"

namespace fastkafka::engine {

/// Where a message was first consumed, before any retry topic, and how
/// often its handler was tried since.
struct retry_origin {
  std::string_view topic;
  int32_t partition = -1;
  int64_t offset = -1;
  /// Tries before the one now running.
  int attempts = 0;
};

/// The origin of a message at `partition`/`offset` of `own_topic` with
/// `headers`: what its `fastkafka.retry.*` headers say when it carries a
/// complete, valid set (it came through a retry topic), else the message
/// itself with no tries before.
retry_origin origin_of(std::span<const header_view> headers,
                       std::string_view own_topic, int32_t partition,
                       int64_t offset) noexcept;

/// When a message of a retry topic with `delay` is due, in wall-clock ms:
/// its `fastkafka.retry.due` header when that is a number, else its
/// timestamp plus `delay`, else 0 (due now: nothing says it must wait).
int64_t due_ms(std::optional<std::string_view> due_header, int64_t timestamp_ms,
               std::chrono::milliseconds delay) noexcept;

/// The headers of a message moved to a retry topic: the input's in order
/// without earlier `fastkafka.retry.*` ones, then the retry headers. Views
/// into itself: neither copyable nor movable.
class retry_headers {
public:
  retry_headers(std::span<const header_view> input, const retry_origin& origin,
                int attempts, std::string_view error, std::string_view consumer,
                int64_t due_ms);
  retry_headers(const retry_headers&) = delete;
  retry_headers& operator=(const retry_headers&) = delete;

  std::span<const header_view> view() const noexcept { return headers_; }

private:
  std::string topic_;
  std::string partition_;
  std::string offset_;
  std::string attempts_;
  std::string due_;
  std::vector<header_view> headers_;
};

/// Moves messages whose handler failed to a registration's next retry
/// topic, due `delay` after the move.
class retry_writer {
public:
  retry_writer(std::string registration, std::string own_topic,
               std::string target_topic, std::chrono::milliseconds delay,
               fastkafka::detail::message_sink* sink);

  /// Sends `r` to the retry topic as part of ticket `t` (the input's
  /// offset waits for its acknowledgement), after `attempts` tries in all.
  /// Returns false (and logs) when it could not be handed to Kafka; the
  /// ticket then fails, so the input is consumed again.
  bool write(const kafka::record& r, std::string_view error, int attempts,
             kafka::ticket* t, kafka::delivery_batch* batch) const;

  const std::string& topic() const noexcept { return target_; }
  std::chrono::milliseconds delay() const noexcept { return delay_; }

private:
  std::string registration_;
  std::string source_;
  std::string target_;
  std::chrono::milliseconds delay_;
  fastkafka::detail::message_sink* sink_;
};

} // namespace fastkafka::engine
