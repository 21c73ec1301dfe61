#pragma once

#include <memory>

#include "caf/scheduled_actor.hpp"

#include "fastkafka/type_ids.hpp"

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

/// What a supervisor does when child `index` crashed: restart it after the
/// backoff `budget` gives, or call `give_up` with the reason the policy is
/// exhausted. Both supervisors decide the same way.
template <class Self, class GiveUp>
void on_child_crash(Self self, const std::string& what, restart_budget& budget,
                    const caf::error& reason, uint32_t index,
                    GiveUp&& give_up) {
  std::string exhausted;
  if (auto wait =
          after_crash(budget, self->state.plan.restarts, what,
                      describe_error(self->system(), reason), exhausted))
    self->delayed_send(self, *wait, restart_atom_v, index);
  else
    give_up(std::move(exhausted));
}

} // namespace fastkafka::actors
