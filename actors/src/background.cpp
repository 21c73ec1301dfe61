#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "fastkafka/actors/interfaces.hpp"
#include "fastkafka/errors.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka::actors {

namespace {

struct background_state {
  static inline const char* name = "fastkafka.background";
};

background_actor::behavior_type
background_impl(background_actor::stateful_pointer<background_state> self,
                background_task task, std::stop_token token) {
  return {
      [=](start_atom) {
        // The task owns this thread until it returns; its supervisor asks
        // it to stop through the token and waits for the actor to end.
        log().info("background task {} started", task.name);
        try {
          task.run(token);
          log().info("background task {} finished", task.name);
          self->quit();
        } catch (const std::exception& e) {
          self->quit(caf::make_error(error_code::task_failed, task.name,
                                     std::string{e.what()}));
        } catch (...) {
          self->quit(caf::make_error(error_code::task_failed, task.name,
                                     "a non-standard exception"));
        }
      },
  };
}

} // namespace

background_actor spawn_background_task(caf::actor_system& sys,
                                       background_task task,
                                       std::stop_token token, bool detached) {
  if (detached)
    return sys.spawn<caf::detached>(background_impl, std::move(task),
                                    std::move(token));
  return sys.spawn(background_impl, std::move(task), std::move(token));
}

} // namespace fastkafka::actors
