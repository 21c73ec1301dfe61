#pragma once

#include <string>

#include "caf/atom.hpp"
#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "fastkafka/actors/interfaces.hpp"
#include "fastkafka/docs/docs.hpp"
#include "fastkafka/type_ids.hpp"

namespace fastkafka {

class app;

/// Writes the app's AsyncAPI spec on request; replies with the spec's path
/// and whether the file changed (it is rewritten only when its content did).
using docs_actor =
    caf::typed_actor<caf::replies_to<docs_atom>::with<std::string, bool>>;

/// What the docs actor writes, gathered from the app before it runs (the
/// actor never touches the app).
struct docs_state {
  docs::app_description app;
  docs::layout where;
  docs::asyncapi_version version = docs::asyncapi_version::v2_6_0;
  static inline const char* name = "fastkafka.docs";
};

/// The behaviour of the docs actor.
docs_actor::behavior_type
docs_actor_behavior(docs_actor::stateful_pointer<docs_state> self,
                    docs_state init);

/// Spawns a docs actor over an already gathered description.
docs_actor spawn_docs_actor(caf::actor_system& sys, docs_state init);

/// The docs actor as a child of the app's supervision tree: when the app
/// declares a `root_path`, it writes the spec as soon as it starts. Never
/// throws: problems are logged and the app runs without docs (the spec's
/// `spawn` is then empty).
actors::service_spec docs_service(const app& a);

} // namespace fastkafka
