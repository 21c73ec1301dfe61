#pragma once

#include <string>

#include "caf/atom.hpp"
#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

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

/// The hook of `app::start`: spawns the docs actor of `a` and, when the app
/// declares a `root_path`, asks it to write the spec now. Never throws:
/// problems are logged and the app runs without docs (returns an invalid
/// handle when the app's description is unusable).
docs_actor start_docs(caf::actor_system& sys, const app& a);

} // namespace fastkafka
