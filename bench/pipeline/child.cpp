#include "child.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_common.hpp"

extern char** environ;

namespace bench {

child::child(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    die("pipe: " + std::string{std::strerror(errno)});
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears O_CLOEXEC on the child's stdout only.
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto rc =
      posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    die("posix_spawn: " + std::string{std::strerror(rc)});
  }
  fd_ = fds[0];
}

child::~child() noexcept {
  if (fd_ >= 0)
    close(fd_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void child::terminate() noexcept {
  if (pid_ > 0)
    kill(pid_, SIGTERM);
}

bool child::wait(int timeout_s) {
  auto deadline = wall_seconds() + timeout_s;
  bool timed_out = false;
  while (fd_ >= 0) {
    auto left_ms = static_cast<int>((deadline - wall_seconds()) * 1000);
    if (left_ms <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{fd_, POLLIN, 0};
    auto r = poll(&pfd, 1, std::min(left_ms, 1000));
    if (r < 0 && errno != EINTR)
      break;
    if (r <= 0)
      continue;
    char buf[4096];
    auto n = read(fd_, buf, sizeof buf);
    if (n > 0) {
      out_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0 || errno != EINTR)
      break; // EOF: the worker closed stdout, normally by exiting
  }
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  int status = 0;
  // Even after EOF the worker may hang in its teardown: bound that, too.
  for (;;) {
    auto w = waitpid(pid_, &status, WNOHANG);
    if (w == pid_)
      break;
    if (w < 0)
      die("waitpid: " + std::string{std::strerror(errno)});
    if (timed_out || wall_seconds() > deadline) {
      std::fprintf(stderr,
                   "pipeline_bench: worker %d timed out after %d s; "
                   "killing it\n",
                   static_cast<int>(pid_), timeout_s);
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0); // SIGKILL cannot be ignored
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return true;
  if (WIFEXITED(status))
    std::fprintf(stderr, "pipeline_bench: worker exited with %d\n",
                 WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    std::fprintf(stderr, "pipeline_bench: worker died of signal %d\n",
                 WTERMSIG(status));
  return false;
}

std::map<std::string, std::string> child::result() const {
  std::map<std::string, std::string> fields;
  auto pos = out_.rfind("result ");
  if (pos == std::string::npos)
    return fields;
  auto end = out_.find('\n', pos);
  std::string_view line{out_.data() + pos,
                        (end == std::string::npos ? out_.size() : end) - pos};
  while (!line.empty()) {
    auto sp = line.find(' ');
    auto word = line.substr(0, sp);
    if (auto eq = word.find('='); eq != std::string_view::npos)
      fields.emplace(word.substr(0, eq), word.substr(eq + 1));
    line =
        sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
  }
  return fields;
}

double child::cpu_seconds() const {
  std::ifstream in{"/proc/" + std::to_string(pid_) + "/stat"};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  // Fields after the command name, which is in parentheses and may hold
  // spaces: state is field 3, utime 14, stime 15.
  auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos)
    return 0;
  std::istringstream rest{text.substr(close_paren + 2)};
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14)
      utime = std::stod(field);
    if (i == 15)
      stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

} // namespace bench
