#pragma once

// What a stats actor answers about the processes of a deployment: the
// runtime's snapshot of each, how it was reached, and the rates measured
// over successive snapshots. Plain data that crosses processes (CAF's
// middleman), so every field here and in stats.hpp is part of a protocol
// whose version is `stats_protocol_version`.

#include <cstdint>
#include <string>
#include <vector>

#include "fastkafka/stats.hpp"

namespace fastkafka {

/// Version of the stats protocol: bump it whenever a field of a type in
/// this header or in stats.hpp changes, so that peers of different builds
/// report a mismatch instead of misreading each other.
constexpr uint32_t stats_protocol_version = 1;

/// How one member of a deployment answered a stats request.
enum class member_status : uint8_t {
  /// Answered; the snapshot is current.
  ok,
  /// Nothing accepted a connection at the endpoint, or it went away.
  unreachable,
  /// Connected, but no answer came within the request timeout.
  timeout,
  /// Answered with another protocol version; the snapshot is empty.
  version_mismatch,
  /// Something answered that is not a fastkafka stats actor.
  not_stats,
  /// The stats actor answered with an error (its snapshot could not be
  /// taken).
  error,
  /// A worker its parent supervises has not registered (yet): starting,
  /// restarting or stopped.
  not_registered,
};

/// Renders a `member_status` as a short lower-case phrase.
const char* to_string(member_status status) noexcept;

/// Throughput of one registration over the sliding windows of a stats
/// actor (as the benchmark actor computes them).
struct registration_rate {
  /// The registration name, as in the snapshot.
  std::string name;
  /// Messages per second over the last sampling interval (consumers:
  /// handled; producers: acknowledged).
  double last = 0;
  /// Mean of the per-interval rates in the sliding window.
  double average = 0;
};

/// One process of a deployment as a stats actor saw it.
struct member_report {
  /// `host:port` at which the member was reached; set by whoever reached it
  /// (empty in a worker's own answer).
  std::string endpoint;
  member_status status = member_status::ok;
  /// Why the status is not `ok`, as a sentence.
  std::string reason;
  /// The member's stats protocol version; 0 when unknown.
  uint32_t version = 0;
  /// Worker index and process id; from the snapshot when `ok`, from the
  /// supervising parent otherwise (-1 and 0 when unknown).
  int32_t worker = -1;
  int32_t pid = 0;
  /// How often the supervising parent restarted this worker process.
  uint32_t process_restarts = 0;
  /// Valid when `status == ok`.
  runtime_snapshot snapshot;
  /// One entry per registration that has a rate yet.
  std::vector<registration_rate> rates;
  /// Length of one sampling interval and of the sliding window (in
  /// intervals) behind `rates`.
  int64_t rate_interval_ms = 0;
  uint32_t rate_window = 0;
};

/// The answer of a stats actor: one member (a worker or a single process),
/// or all workers of a `run --workers N` parent.
struct stats_report {
  std::vector<member_report> members;
};

} // namespace fastkafka
