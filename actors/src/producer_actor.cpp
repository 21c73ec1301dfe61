#include <chrono>

#include "caf/local_actor.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/errors.hpp"
#include "fastkafka/log.hpp"

#include "child_actors.hpp"

namespace fastkafka::actors {

namespace {

struct producer_state {
  static inline const char* name = "fastkafka.producer";
};

producer_actor::behavior_type
producer_impl(producer_actor::stateful_pointer<producer_state> self,
              std::shared_ptr<kafka::producer_port> client, std::string name) {
  report_exceptions(self, "producer " + name);
  self->send(self, poll_atom_v);
  return {
      [=](poll_atom) {
        // Zero-timeout polls on a timer: consumers serve the reports of
        // what their handlers send; this catches the rest (sends from other
        // threads) and leaves the actor free to see `stop` at once.
        client->poll(0);
        if (auto fatal = client->fatal_error(); !fatal.empty()) {
          // A fatal client cannot send again: the supervisor replaces it.
          self->quit(caf::make_error(error_code::client_failed, name, fatal));
          return;
        }
        self->delayed_send(self, std::chrono::milliseconds(20), poll_atom_v);
      },
      [=](stop_atom, int64_t deadline_ms) {
        auto left = std::max<int64_t>(0, deadline_ms -
                                             fastkafka::detail::monotonic_ms());
        auto outstanding = client->flush(static_cast<int>(left));
        if (outstanding > 0)
          log().error("producer {}: {} messages not acknowledged when the "
                      "stop bound ran out",
                      name, outstanding);
        log().info("producer {} stopped; {} delivered, {} failed", name,
                   client->delivered(), client->failed());
        self->quit();
        return outstanding == 0;
      },
  };
}

} // namespace

producer_actor
spawn_producer_actor(caf::local_actor* parent,
                     std::shared_ptr<kafka::producer_port> client,
                     std::string name, bool detached) {
  if (detached)
    return parent->spawn<caf::detached + caf::monitored>(
        producer_impl, std::move(client), std::move(name));
  return parent->spawn<caf::monitored>(producer_impl, std::move(client),
                                       std::move(name));
}

} // namespace fastkafka::actors
