#include "fastkafka/docs_actor.hpp"

#include "caf/actor_cast.hpp"
#include "caf/actor_system.hpp"
#include "caf/sec.hpp"
#include "caf/send.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "fastkafka/app.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka {

docs_actor::behavior_type
docs_actor_behavior(docs_actor::stateful_pointer<docs_state> self,
                    docs_state init) {
  self->state = std::move(init);
  return {
      [self](docs_atom) -> caf::result<std::string, bool> {
        auto& st = self->state;
        // A spec is a few kilobytes: writing it here is quicker than a
        // hop to a blocking worker would be.
        std::error_code ec;
        auto res = docs::write_spec(st.app, st.where, st.version, ec);
        if (ec) {
          log().error("docs: cannot write {}: {}", res.path.string(),
                      ec.message());
          return caf::make_error(caf::sec::runtime_error,
                                 "cannot write " + res.path.string() + ": " +
                                     ec.message());
        }
        if (res.changed)
          log().info("docs: AsyncAPI {} spec written to {}",
                     docs::to_string(st.version), res.path.string());
        else
          log().debug("docs: AsyncAPI spec unchanged at {}", res.path.string());
        return {res.path.string(), res.changed};
      },
  };
}

docs_actor spawn_docs_actor(caf::actor_system& sys, docs_state init) {
  return sys.spawn(docs_actor_behavior, std::move(init));
}

actors::service_spec docs_service(const app& a) {
  docs_state init;
  try {
    init.app = docs::describe(a);
  } catch (const std::exception& e) {
    log().error("docs: no AsyncAPI spec for {}: {}", a.config().title,
                e.what());
    return {};
  }
  init.where.root = a.config().root_path.empty()
                        ? std::filesystem::path{"."}
                        : std::filesystem::path{a.config().root_path};
  bool emit_now = !a.config().root_path.empty();
  return {"the docs actor", [init, emit_now](caf::actor_system& sys) {
            auto self = spawn_docs_actor(sys, init);
            if (emit_now)
              caf::anon_send(self, docs_atom_v);
            return caf::actor_cast<caf::actor>(self);
          }};
}

} // namespace fastkafka
