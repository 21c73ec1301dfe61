#pragma once

#include <cstdint>
#include <string_view>

namespace fastkafka {

/// Where a consumed message came from; views are valid during the call only.
struct message_meta {
  std::string_view topic;
  int32_t partition = -1;
  int64_t offset = -1;
  /// Milliseconds since the epoch; -1 when the broker sent none.
  int64_t timestamp_ms = -1;
  /// Empty when the message has no key.
  std::string_view key;
  /// Size of the serialized value in bytes.
  size_t value_size = 0;
};

} // namespace fastkafka
