#include "fastkafka/workers/exit_status.hpp"

#include <csignal>
#include <cstring>
#include <sys/wait.h>

namespace fastkafka::workers {

exit_status exit_status::from_wait_status(int status) noexcept {
  exit_status out;
  if (WIFSIGNALED(status)) {
    out.signaled = true;
    out.signal = WTERMSIG(status);
    out.core_dumped = WCOREDUMP(status);
  } else if (WIFEXITED(status)) {
    out.code = WEXITSTATUS(status);
  }
  return out;
}

std::string exit_status::describe() const {
  if (!signaled)
    return "exit code " + std::to_string(code);
  return "signal " + signal_name(signal) +
         (core_dumped ? " (core dumped)" : "");
}

std::string signal_name(int signal) {
  // sigabbrev_np (glibc 2.32) names signals without the SIG prefix and
  // without allocating; realtime signals have no abbreviation.
  if (const char* abbrev = sigabbrev_np(signal))
    return std::string{"SIG"} + abbrev;
  return "signal " + std::to_string(signal);
}

} // namespace fastkafka::workers
