#pragma once

// `top --connect ...`: the deployment's table, redrawn every interval. On
// a terminal it takes the alternate screen and reads keys (q quits; so do
// Ctrl-C and SIGTERM) and gives the terminal back as it found it; when
// stdout is not a terminal it prints one timestamped block per refresh.

#include <chrono>
#include <cstdint>
#include <vector>

#include "caf/fwd.hpp"

#include "fastkafka/workers/collector.hpp"
#include "fastkafka/workers/endpoint.hpp"

namespace fastkafka::workers {

/// How `top` refreshes.
struct top_options {
  std::chrono::milliseconds interval{1000};
  /// Stop after this many refreshes; 0 for no limit.
  uint32_t iterations = 0;
  collect_options collect;
  /// Keys come from here, the screen goes there.
  int in_fd = 0;
  int out_fd = 1;
};

/// Runs the live view until `q`, SIGINT or SIGTERM (or `iterations`);
/// returns 0. SIGINT and SIGTERM must be blocked in every thread (call
/// `block_stop_signals` before the actor system exists); `top` reads them
/// from a signalfd.
int run_top(caf::actor_system& sys, const std::vector<endpoint>& where,
            const top_options& options = {});

} // namespace fastkafka::workers
