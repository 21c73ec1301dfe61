#include "fastkafka/runtime_config.hpp"

#include <chrono>

namespace fastkafka {

runtime_config::runtime_config() {
  using namespace std::chrono_literals;
  set("scheduler.max-threads", size_t{2});
  set("work-stealing.aggressive-poll-attempts", size_t{5});
  set("work-stealing.moderate-poll-attempts", size_t{10});
  set("work-stealing.moderate-sleep-duration", caf::timespan{1ms});
  set("work-stealing.relaxed-sleep-duration", caf::timespan{10ms});
}

} // namespace fastkafka
