#pragma once

// Snapshots that a test can predict: a consumer `on_input` on two
// partitions per worker and a producer `to_output`, whose counts grow at a
// fixed rate from the moment the provider was made.

#include <chrono>
#include <unistd.h>

#include "fastkafka/stats.hpp"

namespace fastkafka::test {

/// Lag of every synthetic partition.
constexpr int64_t synthetic_lag = 7;

/// A provider of snapshots of worker `worker` handling `rate` messages per
/// second.
inline auto synthetic_provider(int32_t worker, double rate) {
  auto start = std::chrono::steady_clock::now();
  return [=] {
    using namespace std::chrono;
    auto elapsed = duration<double>(steady_clock::now() - start).count();
    auto handled = static_cast<uint64_t>(rate * elapsed);
    runtime_snapshot s;
    s.app = "Synthetic";
    s.worker = worker;
    s.pid = static_cast<int32_t>(getpid());
    s.taken_at_ms =
        duration_cast<milliseconds>(system_clock::now().time_since_epoch())
            .count();
    s.state = runtime_state::running;
    s.broker_reachable = true;
    consumer_snapshot c;
    c.name = "on_input";
    c.topic = "input";
    c.group_id = "synthetic";
    c.joined = true;
    for (int32_t p : {2 * worker, 2 * worker + 1}) {
      auto committed = static_cast<int64_t>(handled / 2);
      c.partitions.push_back(
          {p, committed, committed, committed + synthetic_lag, false});
    }
    c.consumed = handled;
    c.handled = handled;
    c.failed = 1;
    c.dead_lettered = 1;
    c.restarts = 0;
    s.consumers.push_back(c);
    producer_snapshot out;
    out.name = "to_output";
    out.topic = "output";
    out.sent = handled;
    out.acknowledged = handled;
    s.producers.push_back(out);
    return s;
  };
}

} // namespace fastkafka::test
