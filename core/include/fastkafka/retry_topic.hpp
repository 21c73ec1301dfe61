#pragma once

// What a retry topic is called and what its messages say about themselves.
//
// A registration with `retry.topics` (e.g. `retry_topics{{1s, 10s}}`) sends
// a message whose handler failed to `<topic>.retry.1s` instead of holding
// up its partition; the input's offset is committed once that write was
// acknowledged. A consumer of the retry topic (one per stage, part of the
// app like any other) pauses its partition until the message is due, calls
// the same handler, and on failure moves the message to the next stage,
// after the last stage to the dead-letter topic. The message keeps its key,
// value and headers; the headers below follow them.

#include <chrono>
#include <string>
#include <string_view>

namespace fastkafka::retry_header {

/// How many times the handler was tried so far, in decimal.
inline constexpr const char* attempts = "fastkafka.retry.attempts";
/// The topic the message was first consumed from (not a retry topic).
inline constexpr const char* topic = "fastkafka.retry.topic";
/// Its partition there, in decimal.
inline constexpr const char* partition = "fastkafka.retry.partition";
/// Its offset there, in decimal.
inline constexpr const char* offset = "fastkafka.retry.offset";
/// The handler's last exception text.
inline constexpr const char* error = "fastkafka.retry.error";
/// When the next try is due: milliseconds since the epoch, in decimal.
inline constexpr const char* due = "fastkafka.retry.due";
/// The registration that retries it.
inline constexpr const char* consumer = "fastkafka.retry.consumer";

/// Whether `name` is one of the headers above.
bool is_retry_header(std::string_view name) noexcept;

} // namespace fastkafka::retry_header

namespace fastkafka {

/// The short name of a delay: `500ms`, `1s`, `60s`, `2m`, `90m`, `2h`. A
/// bigger unit is used once the smaller one passes 60 and divides evenly.
std::string delay_name(std::chrono::milliseconds delay);

/// The retry topic of `topic` for `delay`: `orders.retry.10s`.
std::string retry_topic_name(std::string_view topic,
                             std::chrono::milliseconds delay);

} // namespace fastkafka
