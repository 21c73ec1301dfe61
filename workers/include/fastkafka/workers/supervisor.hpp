#pragma once

// The parent of `run --workers N`: starts N copies of the program, prefixes
// their output, forwards stop signals, bounds their drain, and restarts the
// ones that crash.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fastkafka/supervision.hpp"

namespace fastkafka::workers {

/// When and how often a crashed worker is started again (core's policy,
/// the one the actor supervisors use): 0.5 s after the first crash,
/// doubling up to 30 s; a fifth crash of one worker within 60 s stops the
/// whole app (the crash loop is not going to fix itself).
inline constexpr restart_policy default_worker_restarts{
    .max_restarts = 4,
    .window = std::chrono::milliseconds{60000},
    .initial_backoff = std::chrono::milliseconds{500},
    .max_backoff = std::chrono::milliseconds{30000}};

/// What the parent runs and how it treats its workers.
struct supervisor_options {
  /// Number of worker processes.
  uint32_t workers = 1;
  /// The executable; `/proc/self/exe` runs the very binary of the parent.
  std::string program = "/proc/self/exe";
  /// `argv[0]` of the workers (what `ps` shows).
  std::string argv0;
  /// Arguments after `argv[0]`: the parent's, minus the options it keeps
  /// to itself (see `strip_options`).
  std::vector<std::string> args;
  /// Extra `NAME=VALUE` entries for every worker's environment, after the
  /// parent's own and `FASTKAFKA_WORKER_INDEX`/`FASTKAFKA_WORKER_COUNT`.
  std::vector<std::string> env;
  /// How long a worker may drain after the stop signal (the app's stop
  /// bound) ...
  std::chrono::milliseconds stop_timeout{30000};
  /// ... and how much longer the parent waits before SIGKILL.
  std::chrono::milliseconds kill_margin{5000};
  restart_policy restarts = default_worker_restarts;
  /// Exit codes that are never restarted and stop the app: 2 is how the
  /// CLI says "bad arguments or configuration", 127 that the program could
  /// not be executed; a restart repeats either.
  std::vector<int> fatal_exit_codes{2, 127};
  /// Where the prefixed lines of the workers' stdout and stderr go.
  int stdout_fd = 1;
  int stderr_fd = 2;
};

/// Where one worker slot is in its life.
enum class worker_state : uint8_t {
  /// The process runs.
  running,
  /// It crashed; a restart is scheduled.
  backoff,
  /// The stop signal was forwarded; waiting for it to exit.
  stopping,
  /// It exited and is not restarted.
  exited,
};

/// Renders a `worker_state` as its enumerator name.
const char* to_string(worker_state state) noexcept;

/// One worker slot as the parent sees it.
struct worker_status {
  uint32_t index = 0;
  /// The running process; 0 while none runs.
  int32_t pid = 0;
  worker_state state = worker_state::running;
  /// How often this slot's process was started again after a crash.
  uint32_t restarts = 0;
  /// How the last process of this slot ended ("exit code 3"); empty while
  /// the first one runs.
  std::string last_exit;
};

/// Starts and supervises the workers (see the header's first comment).
///
/// SIGINT and SIGTERM are read from a signalfd: block them in every thread
/// of the process before it creates threads (`block_stop_signals`), as
/// `run_cli` does. A first signal is forwarded to every worker; a second
/// one kills them at once with SIGKILL.
class worker_supervisor {
public:
  explicit worker_supervisor(supervisor_options options);
  /// Kills (SIGKILL) and reaps any worker still running.
  ~worker_supervisor();
  worker_supervisor(const worker_supervisor&) = delete;
  worker_supervisor& operator=(const worker_supervisor&) = delete;

  /// Runs until every worker exited; returns 0 when the last process of
  /// every slot exited with code 0, else 1 (a worker failed, was killed at
  /// the stop bound, or a crash loop or fatal exit code stopped the app).
  /// A crash that a restart recovered from does not make it fail.
  int run();

  /// Starts the stop as if SIGTERM had arrived; callable from any thread.
  void request_stop();

  /// A copy of every slot's status; callable from any thread.
  std::vector<worker_status> status() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Blocks SIGINT and SIGTERM in the calling thread; threads created
/// afterwards inherit the mask, so that only the supervisor's signalfd (or
/// a `sigwait`) sees them.
void block_stop_signals();

} // namespace fastkafka::workers
