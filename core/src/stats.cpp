#include "fastkafka/stats.hpp"
#include "fastkafka/stats_report.hpp"

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

namespace fastkafka {

const char* to_string(member_status status) noexcept {
  switch (status) {
  case member_status::ok:
    return "ok";
  case member_status::unreachable:
    return "unreachable";
  case member_status::timeout:
    return "timeout";
  case member_status::version_mismatch:
    return "version mismatch";
  case member_status::not_stats:
    return "not a stats actor";
  case member_status::error:
    return "error";
  case member_status::not_registered:
    return "not registered";
  }
  return "unknown";
}

} // namespace fastkafka
