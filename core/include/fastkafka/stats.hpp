#pragma once

// What a running app reports about itself: plain data, copied out of the
// runtime on request, read by the metrics page, the health checks, the
// stats actor and `status`/`top`. Nothing here touches the hot path.

#include <cstdint>
#include <string>
#include <vector>

namespace fastkafka {

/// A histogram as read at one moment: cumulative counts per upper bound.
struct histogram_snapshot {
  /// Upper bounds of the buckets in seconds, ascending (`+Inf` implied).
  std::vector<double> bounds;
  /// Observations `<= bounds[i]`, cumulative, one per bound.
  std::vector<uint64_t> cumulative;
  /// Every observation, also those above the last bound.
  uint64_t count = 0;
  /// Sum of all observations in seconds.
  double sum = 0;
};

/// One assigned partition of a consumer.
struct partition_snapshot {
  int32_t partition = -1;
  /// Next offset the broker confirmed as committed for the group; -1 none.
  int64_t committed = -1;
  /// Next offset the consumer will fetch; -1 when unknown.
  int64_t position = -1;
  /// The partition's end offset (high watermark) as last fetched; -1 when
  /// unknown.
  int64_t high_watermark = -1;
  /// Whether fetching is paused (a message of it waits for a retry).
  bool paused = false;

  /// Messages between the committed offset and the end; -1 when unknown.
  int64_t lag() const noexcept {
    if (high_watermark < 0)
      return -1;
    auto from = committed >= 0 ? committed : 0;
    return high_watermark > from ? high_watermark - from : 0;
  }
};

/// One `consumes` registration of a running app.
struct consumer_snapshot {
  /// The registration name, e.g. `on_input`.
  std::string name;
  std::string topic;
  std::string group_id;
  /// Whether the consumer has joined its group (received an assignment,
  /// possibly empty).
  bool joined = false;
  /// The partitions assigned to this consumer, by number.
  std::vector<partition_snapshot> partitions;
  /// Messages fetched and handed to the handler path.
  uint64_t consumed = 0;
  /// Messages whose handler returned.
  uint64_t handled = 0;
  /// Handler calls that threw (each attempt counts).
  uint64_t failed = 0;
  /// Tries after a failure (attempt 2 and later).
  uint64_t retried = 0;
  /// Messages sent to the dead-letter topic.
  uint64_t dead_lettered = 0;
  /// Group rebalances this consumer took part in (assign or revoke).
  uint64_t rebalances = 0;
  /// Times the consumer's actor was restarted by its supervisor.
  uint64_t restarts = 0;
  /// Messages handed to the handler whose offsets are not yet committable.
  uint64_t in_flight = 0;
  /// Wall clock of the last handled message, ms since the epoch; -1 none.
  int64_t last_handled_ms = -1;
  /// Seconds per handler call.
  histogram_snapshot handler_duration;
  /// Seconds from a message's timestamp to the end of its handler call.
  histogram_snapshot end_to_end_latency;
};

/// One `produces` registration (or the dead-letter producer) of an app.
struct producer_snapshot {
  /// The registration name, e.g. `to_output`; `dead-letters` for the
  /// internal dead-letter producer.
  std::string name;
  /// The topic; empty for the dead-letter producer (it writes to several).
  std::string topic;
  /// Messages handed to librdkafka.
  uint64_t sent = 0;
  /// Messages the broker acknowledged.
  uint64_t acknowledged = 0;
  /// Messages that failed after librdkafka's retries.
  uint64_t failed = 0;
};

/// Where a runtime is in its life.
enum class runtime_state : uint8_t {
  /// Created, not started.
  idle,
  /// Clients are being created and consumers are joining their groups.
  starting,
  /// Every client was created.
  running,
  /// Draining, committing and flushing.
  stopping,
  /// Stopped in order.
  stopped,
  /// Something crashed beyond its restart policy; the app stops (or
  /// stopped) with a non-zero exit code.
  failed,
};

/// Renders a `runtime_state` as its enumerator name.
const char* to_string(runtime_state state) noexcept;

/// Everything a running app reports, copied at one moment.
struct runtime_snapshot {
  /// The app's title.
  std::string app;
  /// Worker index under `run --workers N` (0 for a single process).
  int32_t worker = 0;
  /// The process id.
  int32_t pid = 0;
  /// Wall clock of the copy, ms since the epoch.
  int64_t taken_at_ms = 0;
  runtime_state state = runtime_state::idle;
  /// False until a client first connected to a broker, and while every
  /// connection of the app's clients is down.
  bool broker_reachable = false;
  std::vector<consumer_snapshot> consumers;
  std::vector<producer_snapshot> producers;
};

} // namespace fastkafka
