#include "fastkafka/workers/middleman.hpp"

#include <chrono>

#include "caf/actor_system_config.hpp"
#include "caf/io/middleman.hpp"

#include "fastkafka/type_ids.hpp"

namespace fastkafka::workers {

void load_middleman(caf::actor_system_config& cfg) {
  using namespace std::chrono_literals;
  cfg.load<caf::io::middleman>();
  cfg.add_message_types<caf::id_block::fastkafka>();
  // Loopback peers that die close their sockets; a host that is cut off
  // does not, and only heartbeats tell.
  cfg.set("middleman.heartbeat-interval", caf::timespan{1s});
  cfg.set("middleman.connection-timeout", caf::timespan{5s});
}

} // namespace fastkafka::workers
