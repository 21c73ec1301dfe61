#pragma once

#include "caf/actor_system_config.hpp"

namespace fastkafka {

/// An actor system configuration suited to fastkafka apps.
///
/// Consumers and producers run on detached actors with threads of their own;
/// the scheduler runs only supervisors and timers. So it gets two threads,
/// and idle ones sleep soon instead of spinning: on small machines spinning
/// threads take CPU from the consumers.
class runtime_config : public caf::actor_system_config {
public:
  runtime_config();
};

} // namespace fastkafka
