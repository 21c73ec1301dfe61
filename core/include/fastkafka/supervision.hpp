#pragma once

#include <chrono>

namespace fastkafka {

/// How a supervisor treats a child actor that crashed (a consumer or
/// producer actor, a background task, the benchmark or docs actor).
///
/// A crash is restarted after a backoff that doubles from
/// `initial_backoff` up to `max_backoff`. More than `max_restarts` crashes
/// of one child within `window` exhaust the policy: the whole app then
/// stops in order and reports a failure (a non-zero exit code).
struct restart_policy {
  int max_restarts = 5;
  std::chrono::milliseconds window{60000};
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

} // namespace fastkafka
