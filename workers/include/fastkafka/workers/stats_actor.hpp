#pragma once

// The stats actor of one process: answers who it is (the protocol version)
// and what its runtime does (a `stats_report` with one member), sampling
// the runtime's snapshot every interval for the rates.

#include <chrono>
#include <cstdint>
#include <functional>

#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "fastkafka/stats.hpp"
#include "fastkafka/stats_report.hpp"
#include "fastkafka/type_ids.hpp"

namespace fastkafka::workers {

/// Copies the runtime's current snapshot; called on a CAF thread, so it
/// must be thread-safe and quick. An exception becomes an error answer.
using snapshot_provider = std::function<runtime_snapshot()>;

/// What every stats endpoint answers. `hello` never changes its shape, so
/// peers of any version can compare versions before reading a report.
using stats_actor =
    caf::typed_actor<caf::replies_to<hello_atom>::with<uint32_t>,
                     caf::replies_to<stats_atom>::with<stats_report>>;

/// How a stats actor samples.
struct stats_actor_options {
  /// Between two samples of the snapshot for the rates.
  std::chrono::milliseconds sample_interval{1000};
  /// Intervals in the sliding window of the average rate.
  uint32_t window = 10;
  /// The version it claims; another value only to test how peers of other
  /// builds are reported.
  uint32_t version = stats_protocol_version;
};

/// Spawns the stats actor over `provider`.
stats_actor spawn_stats_actor(caf::actor_system& sys,
                              snapshot_provider provider,
                              stats_actor_options options = {});

} // namespace fastkafka::workers
