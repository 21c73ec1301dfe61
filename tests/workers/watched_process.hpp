#pragma once

// A child process whose stdout and stderr are read on a thread of their own,
// so that a test can wait for a line on either while the child keeps
// writing, and which kills, when it goes, every process id it was told
// about (a supervisor's workers), not only its own.

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <mutex>
#include <optional>
#include <poll.h>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fastkafka::test {

using namespace std::chrono_literals;

/// A started program and everything it printed so far.
class watched_process {
public:
  /// Starts `argv[0]` (an absolute path) with `env` added to the
  /// environment; stdin is /dev/null.
  explicit watched_process(std::vector<std::string> argv,
                           std::vector<std::string> env = {}) {
    int out[2];
    int err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe failed");
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(a.data());
    args.push_back(nullptr);
    std::vector<std::string> envs;
    for (char** e = environ; *e; ++e)
      envs.emplace_back(*e);
    envs.insert(envs.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : envs)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    auto parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      // A failed CAF_REQUIRE ends the suite without unwinding: the child
      // then hears SIGTERM from the kernel.
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent)
        _exit(127);
      int devnull = open("/dev/null", O_RDONLY);
      dup2(devnull, 0);
      dup2(out[1], 1);
      dup2(err[1], 2);
      execve(args[0], args.data(), envp.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    if (pid_ < 0)
      throw std::runtime_error("fork failed");
    started_ = std::chrono::steady_clock::now();
    reader_ = std::thread{[this, o = out[0], e = err[0]] { read_loop(o, e); }};
  }

  watched_process(const watched_process&) = delete;
  watched_process& operator=(const watched_process&) = delete;

  /// Kills the child and every registered process id with SIGKILL.
  ~watched_process() {
    for (auto pid : also_kill_)
      kill(pid, SIGKILL);
    if (pid_ > 0 && !status_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    reader_.join();
  }

  pid_t pid() const noexcept { return pid_; }

  /// Another process to SIGKILL at the end (e.g. a worker of this one).
  void also_kill(pid_t pid) { also_kill_.insert(pid); }

  void signal(int sig) {
    if (pid_ > 0 && !status_)
      kill(pid_, sig);
  }

  /// Everything printed on stdout and stderr so far.
  std::string out() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return out_;
  }
  std::string err() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return err_;
  }
  std::string both() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return out_ + err_;
  }

  /// Waits until stdout+stderr match `pattern` (ECMAScript, searched
  /// anywhere); returns the match and its groups, or nothing after
  /// `timeout`.
  std::optional<std::vector<std::string>>
  wait_for(const std::string& pattern, std::chrono::milliseconds timeout) {
    std::regex re{pattern};
    auto search = [&]() -> std::optional<std::vector<std::string>> {
      auto text = out_ + err_;
      std::smatch m;
      if (!std::regex_search(text, m, re))
        return std::nullopt;
      std::vector<std::string> groups;
      for (auto& g : m)
        groups.push_back(g.str());
      return groups;
    };
    std::unique_lock<std::mutex> lock{mtx_};
    std::optional<std::vector<std::string>> found;
    cv_.wait_for(lock, timeout, [&] {
      found = search();
      return found.has_value() || eof_;
    });
    return found ? found : search();
  }

  /// How many times `pattern` occurs in stdout+stderr.
  size_t count(const std::string& pattern) const {
    std::regex re{pattern};
    auto text = both();
    return static_cast<size_t>(
        std::distance(std::sregex_iterator(text.begin(), text.end(), re),
                      std::sregex_iterator()));
  }

  /// Waits for the child to end; its wait status, or nothing.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!status_) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
        ended_ = std::chrono::steady_clock::now();
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline)
        return std::nullopt;
      std::this_thread::sleep_for(10ms);
    }
    return status_;
  }

  /// The exit code, or -1 when it did not exit normally within `timeout`.
  int exit_code(std::chrono::milliseconds timeout) {
    auto status = wait_exit(timeout);
    return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  }

  /// From the start to the exit (after `wait_exit` saw it).
  std::chrono::milliseconds lifetime() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(ended_ -
                                                                 started_);
  }

private:
  void read_loop(int out_fd, int err_fd) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_fds = 2;
    char buf[4096];
    while (open_fds > 0) {
      if (poll(fds, 2, 1000) < 0 && errno != EINTR)
        break;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0)
          continue;
        auto n = read(fds[i].fd, buf, sizeof(buf));
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
          continue;
        }
        std::lock_guard<std::mutex> guard{mtx_};
        (i == 0 ? out_ : err_).append(buf, static_cast<size_t>(n));
        cv_.notify_all();
      }
    }
    std::lock_guard<std::mutex> guard{mtx_};
    eof_ = true;
    cv_.notify_all();
  }

  pid_t pid_ = -1;
  std::optional<int> status_;
  std::set<pid_t> also_kill_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point ended_;
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  std::string out_;
  std::string err_;
  bool eof_ = false;
  std::thread reader_;
};

/// Runs a command to its end (bounded); its exit code and stdout+stderr.
inline std::pair<int, std::string>
run_to_end(std::vector<std::string> argv,
           std::chrono::milliseconds bound = std::chrono::seconds{30}) {
  watched_process p{std::move(argv)};
  auto rc = p.exit_code(bound);
  p.wait_for("$^", std::chrono::milliseconds{200}); // the last bytes
  return {rc, p.both()};
}

} // namespace fastkafka::test
