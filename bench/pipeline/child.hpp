#pragma once

// Worker processes as the parent sees them: spawned with stdout captured,
// bounded in time, reaped with their resource usage.

#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace bench {

/// A running worker.
class child {
public:
  /// Spawns `args` (args[0] is the program) with stdout on a pipe.
  explicit child(const std::vector<std::string>& args);
  child(const child&) = delete;
  child& operator=(const child&) = delete;
  /// Kills and reaps the worker if it still runs.
  ~child() noexcept;

  pid_t pid() const noexcept { return pid_; }

  /// Reads stdout until EOF and reaps the worker; kills it after
  /// `timeout_s`. Returns whether it exited with 0 in time.
  bool wait(int timeout_s);

  /// Sends SIGTERM (a latency worker then reports and exits).
  void terminate() noexcept;

  /// Everything the worker printed on stdout.
  const std::string& output() const noexcept { return out_; }

  /// The `key=value` fields of the worker's `result` line; empty if none.
  std::map<std::string, std::string> result() const;

  /// User + system CPU seconds the worker used so far (from /proc).
  double cpu_seconds() const;

private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string out_;
};

} // namespace bench
