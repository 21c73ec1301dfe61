#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "fastkafka/controls.hpp"

namespace fastkafka {

/// What a message's timestamp means.
enum class timestamp_kind : uint8_t {
  /// The broker sent no timestamp.
  none,
  /// Set by the producer when it created the message.
  create_time,
  /// Set by the broker when it appended the message to its log.
  log_append_time,
};

/// One header of a consumed message: name and value view the message.
using header_view = std::pair<std::string_view, std::string_view>;

/// Where a consumed message came from; views are valid during the call only.
struct message_meta {
  std::string_view topic;
  int32_t partition = -1;
  int64_t offset = -1;
  /// Milliseconds since the epoch; -1 when the broker sent none.
  int64_t timestamp_ms = -1;
  timestamp_kind timestamp_type = timestamp_kind::none;
  /// The key; empty optional when the message has none (an empty key is a
  /// key: Kafka and compaction tell them apart).
  std::optional<std::string_view> key;
  /// Size of the serialized key in bytes (0 without a key).
  size_t key_size = 0;
  /// Size of the serialized value in bytes.
  size_t value_size = 0;
  /// The consumed message as its client knows it, for `headers()`.
  const void* raw = nullptr;
  /// Reads the headers of `raw`; set by the client that consumed it.
  std::vector<header_view> (*read_headers)(const void* raw) = nullptr;
  /// Set by executors that offer `control()`.
  message_control* controls = nullptr;

  /// Pause, resume, seek and acknowledge (handlers of the sequential
  /// executor); throws `std::logic_error` for other executors.
  message_control& control() const {
    if (controls == nullptr)
      throw std::logic_error("message controls are offered to handlers of "
                             "one message on the sequential executor");
    return *controls;
  }

  /// The message's headers in order, parsed on demand (names and values
  /// view the message, like `key`).
  std::vector<header_view> headers() const {
    return read_headers != nullptr ? read_headers(raw)
                                   : std::vector<header_view>{};
  }

  /// The value of the last header called `name`, if any.
  std::optional<std::string_view> header(std::string_view name) const {
    std::optional<std::string_view> out;
    for (auto& [n, v] : headers())
      if (n == name)
        out = v;
    return out;
  }

  /// The input's W3C trace context (`traceparent` header), if any; what the
  /// handler produces carries it on.
  std::optional<std::string_view> traceparent() const {
    return header("traceparent");
  }
};

} // namespace fastkafka
