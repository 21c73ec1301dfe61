// worker_fixture: a stand-in app for the supervisor's tests, behaving as its
// arguments say. With `--workers N` it is the parent, exactly as an app's
// `run --workers N` will be: it re-runs /proc/self/exe N times without the
// parent-only options. Without, it is a worker:
//
//   --lines N          print N lines on stdout and on stderr at start
//   --partial          end the output with a line that has no newline
//   --on-worker I      the behaviours below apply to worker I only
//   --exit CODE        exit with CODE after --after-ms
//   --crash segv|abort crash after --after-ms
//   --crash-times K    with --state-dir D: only the first K runs of a worker
//                      exit/crash (counted in D/worker-I), later runs serve
//   --after-ms M       delay before --exit/--crash (default 0)
//   --ignore-term      ignore SIGINT and SIGTERM
//   --drain-ms M       on SIGINT/SIGTERM, take M ms to "drain", then exit 0
//
// Parent options: --stop-timeout-ms, --kill-margin-ms, --backoff-ms,
// --max-crashes, --window-ms, and --stats-port/--stats-bind as an app has
// them: the parent publishes its workers' stats, each worker registers a
// stats actor over synthetic snapshots (synthetic.hpp, rate --rate).

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"

#include "fastkafka/workers/cli.hpp"
#include "fastkafka/workers/middleman.hpp"
#include "fastkafka/workers/stats_endpoint.hpp"
#include "fastkafka/workers/supervisor.hpp"
#include "fastkafka/workers/worker_args.hpp"

#include "synthetic.hpp"

namespace {

using namespace std::chrono;
using namespace fastkafka::workers;

struct behaviour {
  int lines = 0;
  bool partial = false;
  int on_worker = -1;
  std::optional<int> exit_code;
  std::string crash;
  int crash_times = -1;
  std::string state_dir;
  int after_ms = 0;
  bool ignore_term = false;
  int drain_ms = 0;
  double rate = 50;
};

volatile sig_atomic_t received = 0;

void on_signal(int sig) {
  received = sig;
}

// Counts this run of worker `index` in the state folder; returns the count.
int count_run(const std::string& dir, int index) {
  auto path = dir + "/worker-" + std::to_string(index);
  int n = 0;
  {
    std::ifstream in{path};
    in >> n;
  }
  std::ofstream{path} << n + 1;
  return n + 1;
}

int run_worker(const behaviour& b, const run_args& run) {
  auto me = this_worker();
  // The stats actor, as an app's worker has one; before the output, so
  // that "ready" means registered soon.
  std::optional<caf::actor_system_config> cfg;
  std::optional<caf::actor_system> sys;
  std::optional<stats_endpoint> stats;
  if (auto where = stats_for_this_process(run)) {
    cfg.emplace();
    load_middleman(*cfg);
    sys.emplace(*cfg);
    where->actor.sample_interval = milliseconds{200};
    stats.emplace(*sys, fastkafka::test::synthetic_provider(me.index, b.rate),
                  *where);
  }
  // Handlers first: a test may signal as soon as it reads "ready".
  bool mine = b.on_worker < 0 || b.on_worker == me.index;
  bool misbehave = mine && (b.exit_code || !b.crash.empty());
  if (misbehave && b.crash_times >= 0 &&
      count_run(b.state_dir, me.index) > b.crash_times)
    misbehave = false;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sa_handler = (mine && b.ignore_term) ? SIG_IGN : on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::cout << "ready worker=" << me.index << " pid=" << getpid()
            << " count=" << me.count << std::endl;
  for (int i = 0; i < b.lines; ++i) {
    std::cout << "out line " << i << " of worker " << me.index << '\n';
    std::cerr << "err line " << i << " of worker " << me.index << '\n';
  }
  std::cout.flush();
  if (misbehave) {
    std::this_thread::sleep_for(milliseconds{b.after_ms});
    if (b.crash == "segv")
      std::raise(SIGSEGV);
    if (b.crash == "abort")
      std::abort();
    return *b.exit_code;
  }
  while (received == 0)
    std::this_thread::sleep_for(
        milliseconds{5}); // a CAF thread may take the signal
  std::cout << "received " << (received == SIGINT ? "SIGINT" : "SIGTERM")
            << " worker=" << me.index << std::endl;
  std::this_thread::sleep_for(milliseconds{b.drain_ms});
  std::cout << "drained worker=" << me.index << std::endl;
  if (b.partial)
    std::cout << "unterminated from worker " << me.index << std::flush;
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  behaviour b;
  parent_options sup;
  run_args run;
  for (size_t i = 0; i < args.size(); ++i) {
    auto& a = args[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= args.size()) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return args[++i];
    };
    if (a == "--workers")
      run.workers = static_cast<uint32_t>(std::stoul(next()));
    else if (a == "--stats-port")
      run.stats_port = std::stoi(next());
    else if (a == "--stats-bind")
      run.stats_bind = next();
    else if (a == "--rate")
      b.rate = std::stod(next());
    else if (a == "--stop-timeout-ms")
      sup.stop_timeout = milliseconds{std::stoi(next())};
    else if (a == "--kill-margin-ms")
      sup.kill_margin = milliseconds{std::stoi(next())};
    else if (a == "--backoff-ms")
      sup.restarts.initial_backoff = milliseconds{std::stoi(next())};
    else if (a == "--max-crashes")
      // The crash that stops the app: one more than the restarts allowed.
      sup.restarts.max_restarts = std::stoi(next()) - 1;
    else if (a == "--window-ms")
      sup.restarts.window = milliseconds{std::stoi(next())};
    else if (a == "--lines")
      b.lines = std::stoi(next());
    else if (a == "--partial")
      b.partial = true;
    else if (a == "--on-worker")
      b.on_worker = std::stoi(next());
    else if (a == "--exit")
      b.exit_code = std::stoi(next());
    else if (a == "--crash")
      b.crash = next();
    else if (a == "--crash-times")
      b.crash_times = std::stoi(next());
    else if (a == "--state-dir")
      b.state_dir = next();
    else if (a == "--after-ms")
      b.after_ms = std::stoi(next());
    else if (a == "--ignore-term")
      b.ignore_term = true;
    else if (a == "--drain-ms")
      b.drain_ms = std::stoi(next());
    else {
      std::cerr << "unknown argument " << a << '\n';
      return 2;
    }
  }
  if (run.workers == 0)
    return run_worker(b, run);
  // The parent, as the CLI's `run --workers N` does it.
  return run_parent(run, argc, argv, sup);
}
