#pragma once

#include <memory>

#include "caf/scheduled_actor.hpp"

#include "fastkafka/actors/interfaces.hpp"

#include "engine/consumer_engine.hpp"

namespace fastkafka::actors {

/// Makes an exception that escapes a handler of `self` end the actor with
/// an error naming `what` and the exception's text (its supervisor logs it
/// and decides), instead of CAF's generic report.
void report_exceptions(caf::scheduled_actor* self, std::string what);

/// Spawns the actor of a consumer engine, detached unless `detached` is
/// false (tests). Without `polling` it only waits for `stop`, to close the
/// engine on a thread of its own (for a consumer waiting for its restart).
consumer_actor spawn_consumer_actor(caf::local_actor* parent,
                                    std::shared_ptr<engine::consumer_engine> e,
                                    bool polling, bool detached);

/// Spawns the actor that serves `client`'s delivery reports.
producer_actor
spawn_producer_actor(caf::local_actor* parent,
                     std::shared_ptr<kafka::producer_port> client,
                     std::string name, bool detached);

} // namespace fastkafka::actors
