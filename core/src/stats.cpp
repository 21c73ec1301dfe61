#include "fastkafka/stats.hpp"

namespace fastkafka {

const char* to_string(runtime_state state) noexcept {
  switch (state) {
    case runtime_state::idle:
      return "idle";
    case runtime_state::starting:
      return "starting";
    case runtime_state::running:
      return "running";
    case runtime_state::stopping:
      return "stopping";
    case runtime_state::stopped:
      return "stopped";
    case runtime_state::failed:
      return "failed";
  }
  return "unknown";
}

} // namespace fastkafka
