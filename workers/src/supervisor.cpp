#include "fastkafka/workers/supervisor.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/restart_budget.hpp"
#include "fastkafka/workers/exit_status.hpp"
#include "fastkafka/workers/worker_args.hpp"

#include "line_prefixer.hpp"

extern char** environ;

namespace fastkafka::workers {

namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often the loop looks for exited children even without SIGCHLD (which
// another thread of the process may have swallowed).
constexpr milliseconds reap_tick{100};

double seconds(milliseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

void close_fd(int& fd) noexcept {
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

// Sends `sig` to the worker's process group (it leads one, so that helpers
// it started go too), falling back to the process alone.
void signal_worker(pid_t pid, int sig) noexcept {
  if (::kill(-pid, sig) != 0)
    ::kill(pid, sig);
}

struct slot {
  uint32_t index = 0;
  pid_t pid = 0;
  int out_fd = -1;
  int err_fd = -1;
  std::unique_ptr<line_prefixer> out;
  std::unique_ptr<line_prefixer> err;
  worker_state state = worker_state::running;
  uint32_t restarts = 0;
  restart_budget crashes;
  clock::time_point restart_at;
  std::string last_exit;
  /// The last process of this slot failed and nothing recovered it.
  bool failed = false;
};

} // namespace

const char* to_string(worker_state state) noexcept {
  switch (state) {
  case worker_state::running:
    return "running";
  case worker_state::backoff:
    return "backoff";
  case worker_state::stopping:
    return "stopping";
  case worker_state::exited:
    return "exited";
  }
  return "unknown";
}

void block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

struct worker_supervisor::impl {
  supervisor_options opts;
  mutable std::mutex mtx; // guards the slots' status fields for status()
  std::vector<slot> slots;
  int wake[2] = {-1, -1};
  int signal_fd = -1;
  bool stopping = false;
  bool killed = false;
  clock::time_point kill_deadline;

  explicit impl(supervisor_options o)
      : opts(std::move(o)) {
    if (opts.argv0.empty())
      opts.argv0 = opts.program;
    slots.resize(opts.workers);
    for (uint32_t i = 0; i < opts.workers; ++i)
      slots[i].index = i;
    if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0)
      throw std::runtime_error(std::string{"cannot create a pipe: "} +
                               std::strerror(errno));
  }

  ~impl() {
    for (auto& s : slots) {
      if (s.pid > 0) {
        signal_worker(s.pid, SIGKILL);
        ::waitpid(s.pid, nullptr, 0);
      }
      close_fd(s.out_fd);
      close_fd(s.err_fd);
    }
    close_fd(wake[0]);
    close_fd(wake[1]);
    close_fd(signal_fd);
  }

  std::string name(const slot& s) const {
    return "worker " + std::to_string(s.index) + " (pid " +
           std::to_string(s.pid) + ")";
  }

  // Everything is prepared before fork(): a child of a threaded process may
  // only call async-signal-safe functions until it execs.
  bool spawn(slot& s) {
    std::vector<std::string> args;
    args.push_back(opts.argv0);
    args.insert(args.end(), opts.args.begin(), opts.args.end());
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env;
    auto ours = [](std::string_view kv) {
      for (auto key : {worker_index_env, worker_count_env})
        if (kv.substr(0, kv.find('=')) == key)
          return true;
      return false;
    };
    for (char** e = environ; e && *e; ++e)
      if (!ours(*e))
        env.emplace_back(*e);
    env.push_back(std::string{worker_index_env} + "=" +
                  std::to_string(s.index));
    env.push_back(std::string{worker_count_env} + "=" +
                  std::to_string(opts.workers));
    env.insert(env.end(), opts.env.begin(), opts.env.end());
    std::vector<char*> envp;
    for (auto& e : env)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string exec_failed = "cannot execute " + opts.program + "\n";

    int out[2];
    int err[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
      return fail_spawn(s, "cannot create a pipe");
    if (::pipe2(err, O_CLOEXEC) != 0) {
      ::close(out[0]);
      ::close(out[1]);
      return fail_spawn(s, "cannot create a pipe");
    }
    int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid == 0) {
      // The child: stdin from /dev/null (a worker never reads the terminal),
      // its own process group (Ctrl-C reaches the parent only, which
      // forwards it once), SIGTERM when the parent dies, default signals.
      if (devnull >= 0)
        ::dup2(devnull, 0);
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent)
        ::_exit(1);
      struct sigaction dfl;
      std::memset(&dfl, 0, sizeof(dfl));
      dfl.sa_handler = SIG_DFL;
      for (int sig : {SIGINT, SIGTERM, SIGCHLD, SIGPIPE, SIGHUP})
        ::sigaction(sig, &dfl, nullptr);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::execve(opts.program.c_str(), argv.data(), envp.data());
      auto ignored = ::write(2, exec_failed.data(), exec_failed.size());
      (void)ignored;
      ::_exit(127);
    }
    int fork_errno = errno;
    if (devnull >= 0)
      ::close(devnull);
    ::close(out[1]);
    ::close(err[1]);
    if (pid < 0) {
      ::close(out[0]);
      ::close(err[0]);
      errno = fork_errno;
      return fail_spawn(s, "cannot fork");
    }
    ::fcntl(out[0], F_SETFL, O_NONBLOCK);
    ::fcntl(err[0], F_SETFL, O_NONBLOCK);
    std::lock_guard<std::mutex> guard{mtx};
    s.pid = pid;
    s.out_fd = out[0];
    s.err_fd = err[0];
    auto prefix =
        "[w" + std::to_string(s.index) + ":" + std::to_string(pid) + "] ";
    s.out = std::make_unique<line_prefixer>(opts.stdout_fd, prefix);
    s.err = std::make_unique<line_prefixer>(opts.stderr_fd, prefix);
    s.state = worker_state::running;
    s.failed = false;
    return true;
  }

  bool fail_spawn(slot& s, const char* what) {
    auto text = std::string{what} + ": " + std::strerror(errno);
    log().error("worker {}: {}", s.index, text);
    // Counts as a crash, so that a machine out of processes backs off and
    // a lasting failure ends in the crash-loop stop.
    on_exit(s, text, false, false);
    return false;
  }

  // Reads what a pipe has; closes it at end of file.
  void drain(int& fd, line_prefixer* p) {
    char buf[65536];
    while (fd >= 0) {
      auto n = ::read(fd, buf, sizeof(buf));
      if (n > 0) {
        p->feed(buf, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0) {
        p->flush();
        close_fd(fd);
      }
      return;
    }
  }

  void reap() {
    for (auto& s : slots) {
      if (s.pid <= 0)
        continue;
      int status = 0;
      auto r = ::waitpid(s.pid, &status, WNOHANG);
      if (r != s.pid)
        continue;
      // The last lines: a helper of the worker may keep the pipe open, so
      // take what is there and stop listening.
      drain(s.out_fd, s.out.get());
      drain(s.err_fd, s.err.get());
      if (s.out)
        s.out->flush();
      if (s.err)
        s.err->flush();
      close_fd(s.out_fd);
      close_fd(s.err_fd);
      auto st = exit_status::from_wait_status(status);
      auto who = name(s);
      {
        std::lock_guard<std::mutex> guard{mtx};
        s.pid = 0;
      }
      on_exit(s,
              who + " " + (st.clean() ? "exited with " : "ended by ") +
                  st.describe(),
              st.clean(),
              !st.signaled &&
                  std::count(opts.fatal_exit_codes.begin(),
                             opts.fatal_exit_codes.end(), st.code) > 0);
      std::lock_guard<std::mutex> guard{mtx};
      s.last_exit = st.describe();
    }
  }

  void set_state(slot& s, worker_state state, bool failed) {
    std::lock_guard<std::mutex> guard{mtx};
    s.state = state;
    s.failed = failed;
  }

  void on_exit(slot& s, const std::string& what, bool clean, bool fatal) {
    if (stopping || s.state == worker_state::stopping) {
      if (clean)
        log().info("{} after the stop signal", what);
      else
        log().error("{} while stopping", what);
      set_state(s, worker_state::exited, !clean);
      return;
    }
    if (clean) {
      log().info("{}; not restarted (only crashes are)", what);
      set_state(s, worker_state::exited, false);
      return;
    }
    if (fatal) {
      log().error("{}, which a restart would repeat (bad arguments or "
                  "configuration): stopping the app",
                  what);
      set_state(s, worker_state::exited, true);
      begin_stop(SIGTERM, false);
      return;
    }
    auto now = clock::now();
    auto& policy = opts.restarts;
    auto n = s.crashes.crash(policy, fastkafka::detail::monotonic_ms());
    auto stops_at = policy.max_restarts + 1;
    if (n < 0) {
      log().error("{}: crashed {} times within {} s, stopping the app "
                  "(restart_policy.max_restarts = {})",
                  what, s.crashes.crashes(), seconds(policy.window),
                  policy.max_restarts);
      set_state(s, worker_state::exited, true);
      begin_stop(SIGTERM, false);
      return;
    }
    auto delay = restart_backoff(policy, n);
    s.restart_at = now + delay;
    log().warn("{}: restarting in {} s (crash {} within {} s; the app stops "
               "at {}; {} restarts so far)",
               what, seconds(delay), n, seconds(policy.window), stops_at,
               s.restarts);
    set_state(s, worker_state::backoff, true);
  }

  void restart_due() {
    auto now = clock::now();
    for (auto& s : slots) {
      if (s.state != worker_state::backoff || s.restart_at > now)
        continue;
      {
        std::lock_guard<std::mutex> guard{mtx};
        ++s.restarts;
      }
      if (spawn(s))
        log().info("{} restarted (restart {})", name(s), s.restarts);
    }
  }

  void begin_stop(int sig, bool from_signal) {
    if (stopping) {
      if (from_signal && !killed) {
        log().warn("second {}: killing every worker now", signal_name(sig));
        kill_all();
      }
      return;
    }
    stopping = true;
    kill_deadline = clock::now() + opts.stop_timeout + opts.kill_margin;
    uint32_t live = 0;
    for (auto& s : slots) {
      if (s.pid > 0) {
        signal_worker(s.pid, sig);
        set_state(s, worker_state::stopping, s.failed);
        ++live;
      } else if (s.state == worker_state::backoff) {
        set_state(s, worker_state::exited, true); // its restart is cancelled
      }
    }
    if (live > 0)
      log().info("stopping {} worker(s): {} forwarded; each may drain for "
                 "{} s, SIGKILL after {} s",
                 live, signal_name(sig), seconds(opts.stop_timeout),
                 seconds(opts.stop_timeout + opts.kill_margin));
  }

  void kill_all() {
    killed = true;
    for (auto& s : slots)
      if (s.pid > 0)
        signal_worker(s.pid, SIGKILL);
  }

  void check_deadline() {
    if (!stopping || killed || clock::now() < kill_deadline)
      return;
    for (auto& s : slots)
      if (s.pid > 0)
        log().error("{} did not stop within {} s (+{} s margin): killing it "
                    "with SIGKILL",
                    name(s), seconds(opts.stop_timeout),
                    seconds(opts.kill_margin));
    kill_all();
  }

  bool done() const {
    return std::all_of(slots.begin(), slots.end(), [](const slot& s) {
      return s.pid == 0 && s.state == worker_state::exited;
    });
  }

  int poll_timeout() const {
    auto now = clock::now();
    auto next = now + reap_tick;
    for (auto& s : slots)
      if (s.state == worker_state::backoff)
        next = std::min(next, s.restart_at);
    if (stopping && !killed)
      next = std::min(next, kill_deadline);
    auto ms = std::chrono::ceil<milliseconds>(next - now).count();
    return static_cast<int>(std::max<long>(ms, 0));
  }

  void read_signals() {
    signalfd_siginfo info;
    while (::read(signal_fd, &info, sizeof(info)) ==
           static_cast<ssize_t>(sizeof(info))) {
      auto sig = static_cast<int>(info.ssi_signo);
      if (sig == SIGINT || sig == SIGTERM) {
        if (!stopping)
          log().info("received {}", signal_name(sig));
        begin_stop(sig, true);
      }
    }
  }

  int run() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal_fd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signal_fd < 0)
      throw std::runtime_error(std::string{"cannot create a signalfd: "} +
                               std::strerror(errno));
    log().info("starting {} workers of {}", opts.workers, opts.argv0);
    for (auto& s : slots)
      if (!stopping && spawn(s))
        log().info("{} started", name(s));
    while (!done()) {
      std::vector<pollfd> fds;
      fds.push_back({signal_fd, POLLIN, 0});
      fds.push_back({wake[0], POLLIN, 0});
      for (auto& s : slots) {
        if (s.out_fd >= 0)
          fds.push_back({s.out_fd, POLLIN, 0});
        if (s.err_fd >= 0)
          fds.push_back({s.err_fd, POLLIN, 0});
      }
      auto n = ::poll(fds.data(), fds.size(), poll_timeout());
      if (n < 0 && errno != EINTR)
        throw std::runtime_error(std::string{"poll failed: "} +
                                 std::strerror(errno));
      read_signals();
      char byte;
      bool requested = false;
      while (::read(wake[0], &byte, 1) == 1)
        requested = true;
      if (requested)
        begin_stop(SIGTERM, false);
      for (auto& s : slots) {
        if (s.out_fd >= 0)
          drain(s.out_fd, s.out.get());
        if (s.err_fd >= 0)
          drain(s.err_fd, s.err.get());
      }
      reap();
      if (!stopping)
        restart_due();
      check_deadline();
    }
    bool failed = std::any_of(slots.begin(), slots.end(),
                              [](const slot& s) { return s.failed; });
    if (failed)
      log().error("workers stopped; at least one failed");
    else
      log().info("all {} workers stopped", opts.workers);
    return failed ? 1 : 0;
  }
};

worker_supervisor::worker_supervisor(supervisor_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

worker_supervisor::~worker_supervisor() = default;

int worker_supervisor::run() {
  return impl_->run();
}

void worker_supervisor::request_stop() {
  char byte = 1;
  auto ignored = ::write(impl_->wake[1], &byte, 1);
  (void)ignored;
}

std::vector<worker_status> worker_supervisor::status() const {
  std::lock_guard<std::mutex> guard{impl_->mtx};
  std::vector<worker_status> out;
  for (auto& s : impl_->slots)
    out.push_back({s.index, static_cast<int32_t>(s.pid), s.state, s.restarts,
                   s.last_exit});
  return out;
}

} // namespace fastkafka::workers
