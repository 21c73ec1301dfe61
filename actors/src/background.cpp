#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "fastkafka/actors/interfaces.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka {

namespace {

struct background_state {
  static inline const char* name = "fastkafka.background";
};

background_actor::behavior_type
background_impl(background_actor::stateful_pointer<background_state> self,
                background_task task, std::stop_token token) {
  return {
      [=](start_atom) {
        // The task owns this thread until it returns; a stop request waits in
        // the mailbox and is answered after that.
        log().info("background task {} started", task.name);
        try {
          task.run(token);
          log().info("background task {} finished", task.name);
        } catch (const std::exception& e) {
          log().error("background task {} failed: {}", task.name, e.what());
        } catch (...) {
          log().error("background task {} failed with a non-standard "
                      "exception",
                      task.name);
        }
      },
      [=](stop_atom) {
        self->quit();
        return true;
      },
  };
}

} // namespace

background_actor spawn_background_task(caf::actor_system& sys,
                                       background_task task,
                                       std::stop_token token) {
  return sys.spawn<caf::detached>(background_impl, std::move(task),
                                  std::move(token));
}

} // namespace fastkafka
