#pragma once

// The consumer engine's view of its Kafka consumer: what it fetches and what
// it may ask. `consumer_client` implements it over librdkafka; the engine's
// unit tests implement it without a broker.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fastkafka/message.hpp"

namespace fastkafka::kafka {

/// One fetched message as the engine reads it. The views stay valid until
/// the port releases the record.
struct record {
  int32_t partition = -1;
  int64_t offset = -1;
  std::optional<std::string_view> key;
  std::string_view value;
  int64_t timestamp_ms = -1;
  timestamp_kind timestamp_type = timestamp_kind::none;
  /// Non-zero when the fetch reported an error instead of a message.
  int error = 0;
  /// The error in words, when `error` is set.
  std::string_view error_text;
  /// The port's own message object (for headers and release).
  void* handle = nullptr;
  /// Reads the headers of `handle`.
  std::vector<header_view> (*read_headers)(const void* handle) = nullptr;

  /// The value of the last header called `name`, if any (cheaper than
  /// reading them all).
  std::optional<std::string_view> header(std::string_view name) const {
    std::optional<std::string_view> out;
    if (read_headers != nullptr)
      for (auto& [n, v] : read_headers(handle))
        if (n == name)
          out = v;
    return out;
  }
};

/// The W3C trace-context header that outputs and dead letters carry on.
inline constexpr std::string_view traceparent_header = "traceparent";

/// A partition and an offset: a commit position or a seek target.
struct partition_offset {
  int32_t partition = -1;
  int64_t offset = -1;
  /// Per-partition error of a commit result; 0 for none.
  int error = 0;
};

/// The name of a Kafka error code, e.g. `REBALANCE_IN_PROGRESS`.
std::string error_name(int error);

/// Whether a commit that failed with `error` may succeed when sent again
/// (coordinator moving, rebalance under way, timeouts); false for errors
/// that mean the partitions are no longer this member's.
bool retriable_commit_error(int error) noexcept;

/// What a consumer tells its engine, on the engine's own thread (inside
/// `poll`, `serve` or `close`).
class consumer_listener {
public:
  virtual ~consumer_listener() = default;
  /// Partitions were assigned to this consumer (possibly none).
  virtual void on_assigned(std::span<const int32_t> partitions) = 0;
  /// Partitions are about to go to another member: finish what was handed
  /// out for them and commit it before returning.
  virtual void on_revoked(std::span<const int32_t> partitions) = 0;
  /// Partitions were lost (the group moved on without this member): their
  /// offsets can no longer be committed.
  virtual void on_lost(std::span<const int32_t> partitions) = 0;
  /// The broker answered a commit: `error` for the request as a whole (0
  /// when it was answered), and per partition in `offsets`.
  virtual void on_committed(std::span<const partition_offset> offsets,
                            int error, std::string_view error_text) = 0;
};

/// The Kafka consumer of one registration.
class consumer_port {
public:
  virtual ~consumer_port() = default;

  /// The topic it is subscribed to.
  virtual const std::string& topic() const noexcept = 0;

  /// Fetches up to `max` records into `out` (cleared first): what is
  /// there, or, when nothing is, what arrives within `wait`.
  virtual void poll(std::vector<record>& out, size_t max,
                    std::chrono::milliseconds wait) = 0;

  /// Gives a record's memory back; its views end.
  virtual void release(record& r) noexcept = 0;

  /// Stops fetching `partition` until `resume`.
  virtual void pause(int32_t partition) = 0;

  /// Fetches `partition` again.
  virtual void resume(int32_t partition) = 0;

  /// Makes the next fetch of `partition` start at `offset`; records of it
  /// already fetched are dropped.
  virtual void seek(int32_t partition, int64_t offset) = 0;

  /// The offset of the first message of `partition` whose timestamp is at
  /// or after `timestamp_ms`; the partition's end offset when there is
  /// none; -1 when the broker did not answer within `timeout`.
  virtual int64_t offset_for_time(int32_t partition, int64_t timestamp_ms,
                                  std::chrono::milliseconds timeout) = 0;

  /// Sends a commit of `offsets` (next offsets to consume); the answer
  /// comes through `consumer_listener::on_committed` during `serve`,
  /// `poll` or `close`.
  virtual void commit(std::span<const partition_offset> offsets) = 0;

  /// Serves answers (commits) that arrive within `wait`.
  virtual void serve(std::chrono::milliseconds wait) = 0;

  /// The last known end offset of `partition`; -1 when unknown.
  virtual int64_t high_watermark(int32_t partition) noexcept = 0;

  /// `high_watermark`, callable from any thread while the port lives (a
  /// snapshot taken while the consumer thread is held by a handler); -1
  /// when the port cannot tell from another thread.
  virtual int64_t shared_high_watermark(int32_t) const noexcept { return -1; }

  /// Leaves the group, waiting at most `timeout`; false when it did not
  /// finish in time (the client is then dropped without waiting further).
  virtual bool close(std::chrono::milliseconds timeout) = 0;

  /// Makes a `poll` that waits return at once; callable from any thread.
  virtual void wake() noexcept = 0;

  /// Whether a broker is connected now.
  virtual bool connected() const noexcept = 0;

  /// The last librdkafka statistics document (JSON); empty when there is
  /// none. Callable from any thread.
  virtual std::string statistics() const { return {}; }
};

} // namespace fastkafka::kafka
