#pragma once

// What an actor system needs before it starts to reach stats actors in
// other processes: CAF's middleman, the project's message types, and
// heartbeats so that a peer whose host vanished is noticed.

#include "caf/fwd.hpp"

namespace fastkafka::workers {

/// Loads `caf::io::middleman` and announces the type-ID block of
/// fastkafka; heartbeats every second, a silent peer is dropped after 5 s.
/// Call it on the configuration before the actor system is constructed.
void load_middleman(caf::actor_system_config& cfg);

} // namespace fastkafka::workers
