#pragma once

// Keeps systemd informed of an app's life through a `systemd_notifier`:
// `READY=1` once the app is first ready, `WATCHDOG=1` every half watchdog
// period while it is healthy, a `STATUS=` line whenever the summary
// changes, and `STOPPING=1` when it starts draining.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "fastkafka/ops/health.hpp"
#include "fastkafka/ops/systemd_notifier.hpp"

namespace fastkafka::ops {

/// How `systemd_service` checks.
struct systemd_service_options {
  /// Longest wait between two health checks (the watchdog period is used
  /// when shorter); it bounds how late `READY=1` comes.
  std::chrono::milliseconds poll_interval{1000};
  /// Whether `WATCHDOG=1` also needs readiness. Off by default: then it
  /// needs liveness and no stalled consumer, so that a broker outage (which
  /// librdkafka rides out by reconnecting) does not make systemd restart
  /// the service over and over.
  bool watchdog_requires_ready = false;
};

/// Whether a report counts as healthy for the watchdog.
bool watchdog_healthy(const health_report& report, bool requires_ready);

/// The one-line summary sent as `STATUS=`.
std::string status_line(const health_report& report);

/// Runs the notifications on a thread of its own; does nothing (and starts
/// no thread) when the notifier is disabled. Neither copyable nor movable.
class systemd_service {
public:
  /// A fresh report each call (e.g. `ops_monitor::health`).
  using health_source = std::function<health_report()>;

  systemd_service(systemd_notifier notifier, health_source health,
                  systemd_service_options options = {});

  systemd_service(const systemd_service&) = delete;
  systemd_service& operator=(const systemd_service&) = delete;

  /// Ends the thread; never throws.
  ~systemd_service() noexcept;

  /// Sends `STOPPING=1` (once) with `status`; `READY=1` is not sent after
  /// it. Watchdog pings go on while the app is live: draining takes time
  /// and is healthy.
  void stopping(std::string_view status = "stopping: draining in-flight "
                                          "messages, committing, flushing");

  /// Ends the thread. Idempotent.
  void stop() noexcept;

  /// Whether `READY=1` was sent.
  bool ready_sent() const;

private:
  void run();

  systemd_notifier notifier_;
  health_source health_;
  systemd_service_options options_;
  mutable std::mutex mtx_;
  std::condition_variable wake_;
  bool quit_ = false;
  bool stopping_ = false;
  bool ready_sent_ = false;
  std::string last_status_;
  std::thread worker_;
};

} // namespace fastkafka::ops
