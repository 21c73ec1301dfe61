#include "child_actors.hpp"

#include "caf/event_based_actor.hpp"
#include "caf/local_actor.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "fastkafka/errors.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka::actors {

namespace {

struct consumer_state {
  static inline const char* name = "fastkafka.consumer";
};

consumer_actor::behavior_type
consumer_impl(consumer_actor::stateful_pointer<consumer_state> self,
              std::shared_ptr<engine::consumer_engine> engine, bool polling,
              bool detached) {
  // Each poll is a message to itself, so that `stop` and `resume` are seen
  // between polls; the actor is detached, so a waiting poll owns only its
  // own thread. On a shared scheduler (the deterministic tests) a poll
  // waits for the clock's next millisecond instead, so that it cannot
  // starve the other actors.
  auto next_poll = [self, detached] {
    if (detached)
      self->send(self, poll_atom_v);
    else
      self->delayed_send(self, std::chrono::milliseconds(1), poll_atom_v);
  };
  report_exceptions(self, "consumer " + engine->spec().name);
  if (polling)
    next_poll();
  return {
      [=](poll_atom) {
        auto outcome = engine->poll_once();
        // Each paused partition comes back after its backoff.
        for (auto [partition, wait] : outcome.retries)
          self->delayed_send(self, wait, resume_atom_v, partition);
        next_poll();
      },
      [=](resume_atom, int32_t partition) { engine->retry_due(partition); },
      [=](stop_atom, int64_t deadline_ms) {
        auto ok = engine->shutdown(deadline_ms);
        self->quit();
        return ok;
      },
  };
}

} // namespace

void report_exceptions(caf::scheduled_actor* self, std::string what) {
  self->set_exception_handler(
      [what](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
        try {
          std::rethrow_exception(eptr);
        } catch (const std::exception& e) {
          return caf::make_error(error_code::actor_crashed, what,
                                 std::string{e.what()});
        } catch (...) {
          return caf::make_error(error_code::actor_crashed, what,
                                 "a non-standard exception");
        }
      });
}

consumer_actor spawn_consumer_actor(caf::local_actor* parent,
                                    std::shared_ptr<engine::consumer_engine> e,
                                    bool polling, bool detached) {
  if (detached)
    return parent->spawn<caf::detached + caf::monitored>(
        consumer_impl, std::move(e), polling, true);
  return parent->spawn<caf::monitored>(consumer_impl, std::move(e), polling,
                                       false);
}

} // namespace fastkafka::actors
