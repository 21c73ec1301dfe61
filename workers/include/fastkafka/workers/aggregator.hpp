#pragma once

// The stats actor of a `run --workers N` parent: its workers register their
// own stats actors with it, and it answers a stats request with a member
// per worker slot (a report, or why there is none).

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "fastkafka/type_ids.hpp"
#include "fastkafka/workers/stats_actor.hpp"
#include "fastkafka/workers/supervisor.hpp"

namespace fastkafka::workers {

/// A stats actor that also takes registrations: `(register_atom, worker
/// index, pid, the worker's stats actor)`, sent by each worker when it
/// starts (see `stats_endpoint`).
using aggregator_actor = stats_actor::extend<
    caf::reacts_to<register_atom, int32_t, int32_t, caf::strong_actor_ptr>>;

/// The parent's slots, e.g. `worker_supervisor::status`.
using worker_lister = std::function<std::vector<worker_status>()>;

/// How the parent asks its workers.
struct aggregator_options {
  /// For each worker's answer; keep it below the timeout of `status`, so
  /// that one slow worker is a row, not a failed request.
  std::chrono::milliseconds request_timeout{1000};
  uint32_t version = stats_protocol_version;
};

/// Spawns the parent's stats actor over its worker slots.
aggregator_actor spawn_aggregator(caf::actor_system& sys, worker_lister slots,
                                  aggregator_options options = {});

} // namespace fastkafka::workers
