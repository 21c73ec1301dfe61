#pragma once

// Driving `top` in a terminal: a private tmux server for one test.

#include <chrono>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "watched_process.hpp"

namespace fastkafka::test {

/// Where the tests expect tmux (Debian's package).
inline const std::string tmux_exe = "/usr/bin/tmux";

/// A private tmux server (its own socket, never reused: a server that is
/// shutting down refuses new sessions), killed at the end.
struct tmux_session {
  static inline int count = 0;
  std::string socket =
      "fk-test-" + std::to_string(getpid()) + "-" + std::to_string(++count);

  std::pair<int, std::string> cmd(std::vector<std::string> args) {
    args.insert(args.begin(), {tmux_exe, "-L", socket});
    return run_to_end(std::move(args), std::chrono::seconds{10});
  }

  /// What the pane of window `top` shows now.
  std::string screen() {
    return cmd({"capture-pane", "-p", "-t", "top"}).second;
  }

  /// Waits until the pane shows `part`.
  bool shows(const std::string& part, std::chrono::milliseconds t) {
    auto deadline = std::chrono::steady_clock::now() + t;
    while (std::chrono::steady_clock::now() < deadline) {
      if (screen().find(part) != std::string::npos)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    return false;
  }

  ~tmux_session() { cmd({"kill-server"}); }
};

} // namespace fastkafka::test
