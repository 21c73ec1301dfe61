#pragma once

// What a dead letter says about the message it carries.
//
// A message that cannot be decoded, or whose handler failed on every
// attempt, is written to the registration's dead-letter topic with its key,
// value and headers unchanged, followed by the headers below. Each
// registration writes its own dead letter: registrations of one topic have
// their own groups, decoders, offsets and replays, so a record that two of
// them cannot take yields two dead letters, told apart by `consumer`.

namespace fastkafka::dlq_header {

/// `decode` (the payload could not be decoded) or `handler` (the handler
/// failed on every attempt).
inline constexpr const char* reason = "fastkafka.dlq.reason";
/// The decode error with its path, or the handler's exception text.
inline constexpr const char* error = "fastkafka.dlq.error";
/// The topic the message was consumed from.
inline constexpr const char* topic = "fastkafka.dlq.topic";
/// Its partition, in decimal.
inline constexpr const char* partition = "fastkafka.dlq.partition";
/// Its offset, in decimal.
inline constexpr const char* offset = "fastkafka.dlq.offset";
/// The registration that gave up on it.
inline constexpr const char* consumer = "fastkafka.dlq.consumer";
/// How many times its handler was tried (1 for decode failures).
inline constexpr const char* attempts = "fastkafka.dlq.attempts";

} // namespace fastkafka::dlq_header
