#pragma once

// How a child process ended, read from waitpid(2), and said in words.

#include <string>

namespace fastkafka::workers {

/// The end of a process: an exit code or a signal.
struct exit_status {
  /// True when a signal ended the process; then `signal` is set, else
  /// `code`.
  bool signaled = false;
  int code = 0;
  int signal = 0;
  bool core_dumped = false;

  /// Decodes a status word from waitpid(2).
  static exit_status from_wait_status(int status) noexcept;

  /// Exit code 0.
  bool clean() const noexcept { return !signaled && code == 0; }

  /// "exit code 3", "signal SIGSEGV (core dumped)".
  std::string describe() const;
};

/// The name of a signal, e.g. `SIGSEGV`; `signal 42` when it has none.
std::string signal_name(int signal);

} // namespace fastkafka::workers
