#define CAF_SUITE workers_supervisor

#include "fastkafka/workers/supervisor.hpp"

#include "caf/test/unit_test.hpp"

#include <filesystem>
#include <regex>
#include <sstream>

#include "fastkafka/workers/exit_status.hpp"
#include "fastkafka/workers/worker_args.hpp"

#include "watched_process.hpp"

using namespace fastkafka::workers;
using fastkafka::test::watched_process;
using namespace std::chrono_literals;

namespace {

const std::string fixture = WORKER_FIXTURE;

/// A `worker_fixture --workers N ...` parent; at the end it and every
/// worker it printed a line for are killed by pid.
struct parent {
  watched_process proc;

  explicit parent(std::vector<std::string> args)
      : proc(with_fixture(std::move(args))) {}

  static std::vector<std::string> with_fixture(std::vector<std::string> a) {
    a.insert(a.begin(), fixture);
    return a;
  }

  /// Waits for `ready` of worker `index`; returns its pid (0 on timeout)
  /// and remembers it for the final kill. `nth` counts restarts: 1 is the
  /// first process of the slot.
  pid_t ready(int index, size_t nth = 1) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    std::regex re{"\\[w" + std::to_string(index) +
                  ":([0-9]+)\\] ready worker=" + std::to_string(index) +
                  " pid=([0-9]+)"};
    while (std::chrono::steady_clock::now() < deadline) {
      auto text = proc.out();
      std::vector<pid_t> pids;
      for (auto i = std::sregex_iterator(text.begin(), text.end(), re);
           i != std::sregex_iterator(); ++i) {
        auto prefix_pid = std::stoi((*i)[1]);
        auto own_pid = std::stoi((*i)[2]);
        CAF_CHECK_EQUAL(prefix_pid, own_pid);
        pids.push_back(own_pid);
        proc.also_kill(own_pid);
      }
      if (pids.size() >= nth)
        return pids[nth - 1];
      std::this_thread::sleep_for(10ms);
    }
    return 0;
  }

  bool logged(const std::string& pattern, std::chrono::milliseconds t = 10s) {
    return proc.wait_for(pattern, t).has_value();
  }
};

bool alive(pid_t pid) {
  return kill(pid, 0) == 0;
}

std::filesystem::path fresh_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("fastkafka-workers-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace

CAF_TEST(strip_options drops the parent - only options in both forms) {
  std::vector<std::string> args{
      "run",  "--workers", "3",          "--stats-port",
      "7000", "--set",     "group_id=g", "--stats-bind=0.0.0.0",
      "--",   "--workers", "9"};
  auto out = strip_options(args, parent_only_options);
  std::vector<std::string> expected{"run", "--set",     "group_id=g",
                                    "--",  "--workers", "9"};
  CAF_CHECK_EQUAL(out, expected);
}

CAF_TEST(exit statuses are said in words) {
  auto by_code = exit_status::from_wait_status(3 << 8);
  CAF_CHECK_EQUAL(by_code.describe(), "exit code 3");
  CAF_CHECK(!by_code.clean());
  CAF_CHECK(exit_status::from_wait_status(0).clean());
  auto by_signal = exit_status::from_wait_status(SIGSEGV);
  CAF_CHECK_EQUAL(by_signal.describe(), "signal SIGSEGV");
  CAF_CHECK_EQUAL(signal_name(SIGKILL), "SIGKILL");
}

CAF_TEST(every line of every worker carries its index and pid) {
  parent p{{"--workers", "2", "--lines", "3", "--partial"}};
  auto w0 = p.ready(0);
  auto w1 = p.ready(1);
  CAF_REQUIRE(w0 > 0 && w1 > 0);
  CAF_CHECK_NOT_EQUAL(w0, w1);
  for (auto [index, pid] : {std::pair{0, w0}, std::pair{1, w1}}) {
    auto tag =
        "\\[w" + std::to_string(index) + ":" + std::to_string(pid) + "\\] ";
    auto who = " of worker " + std::to_string(index);
    CAF_CHECK(p.logged(tag + "out line 2" + who));
    CAF_CHECK(p.logged(tag + "err line 2" + who));
    CAF_CHECK(p.proc.err().find("out line") == std::string::npos);
    CAF_CHECK_EQUAL(p.proc.count("\\] (out|err) line [0-9]" + who), 6u);
  }
  p.proc.signal(SIGTERM);
  CAF_CHECK_EQUAL(p.proc.exit_code(10s), 0);
  // The unterminated last line still comes out whole, with its prefix.
  CAF_CHECK(p.logged("\\[w1:" + std::to_string(w1) +
                     "\\] unterminated from worker 1\n"));
  // No line lost its prefix.
  std::istringstream lines{p.proc.out()};
  std::regex prefixed{"^\\[w[01]:[0-9]+\\] "};
  for (std::string line; std::getline(lines, line);)
    if (!std::regex_search(line, prefixed))
      CAF_FAIL("unprefixed line: " << line);
}

CAF_TEST(a signal is forwarded to every worker and each drains) {
  parent p{{"--workers", "2", "--drain-ms", "300"}};
  auto w0 = p.ready(0);
  auto w1 = p.ready(1);
  CAF_REQUIRE(w0 > 0 && w1 > 0);
  auto t0 = std::chrono::steady_clock::now();
  p.proc.signal(SIGINT);
  CAF_CHECK(p.logged("received SIGINT worker=0"));
  CAF_CHECK(p.logged("received SIGINT worker=1"));
  CAF_CHECK_EQUAL(p.proc.exit_code(10s), 0);
  auto took = std::chrono::steady_clock::now() - t0;
  CAF_CHECK(took >= 300ms);
  CAF_CHECK(took < 5s);
  CAF_CHECK(p.logged("drained worker=0"));
  CAF_CHECK(p.logged("drained worker=1"));
  // Forwarded once: the workers are in their own process groups.
  CAF_CHECK_EQUAL(p.proc.count("received SIGINT worker"), 2u);
  CAF_CHECK(p.logged("all 2 workers stopped"));
  CAF_CHECK(!alive(w0));
  CAF_CHECK(!alive(w1));
}

CAF_TEST(a worker that ignores the stop is killed after its bound) {
  parent p{{"--workers", "2", "--ignore-term", "--on-worker", "1",
            "--stop-timeout-ms", "300", "--kill-margin-ms", "200"}};
  auto w0 = p.ready(0);
  auto w1 = p.ready(1);
  CAF_REQUIRE(w0 > 0 && w1 > 0);
  auto t0 = std::chrono::steady_clock::now();
  p.proc.signal(SIGTERM);
  CAF_CHECK_EQUAL(p.proc.exit_code(10s), 1);
  auto took = std::chrono::steady_clock::now() - t0;
  CAF_CHECK(took >= 500ms);
  CAF_CHECK(took < 5s);
  CAF_CHECK(p.logged("worker 1 \\(pid " + std::to_string(w1) +
                     "\\) did not stop within 0.3 s \\(\\+0.2 s margin\\): "
                     "killing it with SIGKILL"));
  CAF_CHECK(p.logged("worker 1 \\(pid [0-9]+\\) ended by signal SIGKILL while "
                     "stopping"));
  CAF_CHECK(p.logged("worker 0 \\(pid [0-9]+\\) exited with exit code 0 "
                     "after the stop signal"));
  CAF_CHECK(!alive(w1));
}

CAF_TEST(a crashed worker is restarted with backoff and the app recovers) {
  auto dir = fresh_dir("recover");
  parent p{{"--workers", "2", "--on-worker", "1", "--crash", "segv",
            "--crash-times", "2", "--state-dir", dir.string(), "--backoff-ms",
            "100"}};
  auto first = p.ready(1, 1);
  CAF_REQUIRE(first > 0);
  CAF_CHECK(p.logged("worker 1 \\(pid " + std::to_string(first) +
                     "\\) ended by signal SIGSEGV[^:]*: restarting in 0.1 s "
                     "\\(crash 1 within 60 s; the app stops at 5; 0 restarts "
                     "so far\\)"));
  // The backoff doubles with the second crash inside the window.
  CAF_CHECK(p.logged("restarting in 0.2 s \\(crash 2 within 60 s"));
  auto third = p.ready(1, 3);
  CAF_REQUIRE(third > 0);
  CAF_CHECK_NOT_EQUAL(first, third);
  CAF_CHECK(p.logged("worker 1 \\(pid " + std::to_string(third) +
                     "\\) restarted \\(restart 2\\)"));
  // Worker 0 ran throughout: one process only.
  CAF_CHECK_EQUAL(p.proc.count("ready worker=0"), 1u);
  p.proc.signal(SIGTERM);
  // A crash that a restart recovered from is not a failure.
  CAF_CHECK_EQUAL(p.proc.exit_code(10s), 0);
  std::filesystem::remove_all(dir);
}

CAF_TEST(repeated crashes within the window stop the app with a reason) {
  parent p{{"--workers", "2", "--on-worker", "0", "--crash", "abort",
            "--backoff-ms", "20", "--max-crashes", "3", "--window-ms",
            "20000"}};
  CAF_REQUIRE(p.ready(1) > 0);
  CAF_CHECK(p.logged("worker 0 \\(pid [0-9]+\\) ended by signal SIGABRT[^:]*: "
                     "crashed 3 times within 20 s, stopping the app"));
  CAF_CHECK_EQUAL(p.proc.exit_code(10s), 1);
  for (size_t i = 1; i <= 3; ++i)
    p.ready(0, i); // registers them for the final kill
  CAF_CHECK_EQUAL(p.proc.count("ready worker=0"), 3u);
  CAF_CHECK(p.logged("received SIGTERM worker=1"));
  CAF_CHECK(p.logged("at least one failed"));
}

CAF_TEST(an exit code a restart would repeat stops the app at once) {
  parent p{{"--workers", "2", "--on-worker", "1", "--exit", "2"}};
  CAF_CHECK_EQUAL(p.proc.exit_code(10s), 1);
  // Worker 0 may get the stop before it printed anything: only 1 is sure.
  p.ready(1);
  CAF_CHECK(p.logged("worker 1 \\(pid [0-9]+\\) ended by exit code 2, which a "
                     "restart would repeat"));
  CAF_CHECK_EQUAL(p.proc.count("ready worker=1"), 1u);
}

CAF_TEST(a worker exiting with a code is restarted and named by it) {
  auto dir = fresh_dir("code");
  parent p{{"--workers", "1", "--exit", "3", "--crash-times", "1",
            "--state-dir", dir.string(), "--backoff-ms", "50"}};
  CAF_CHECK(p.logged("worker 0 \\(pid [0-9]+\\) ended by exit code 3: "
                     "restarting in 0.05 s"));
  CAF_REQUIRE(p.ready(0, 2) > 0);
  p.proc.signal(SIGTERM);
  CAF_CHECK_EQUAL(p.proc.exit_code(10s), 0);
  std::filesystem::remove_all(dir);
}

CAF_TEST(workers of a parent that was killed stop on their own) {
  parent p{{"--workers", "2", "--drain-ms", "50"}};
  auto w0 = p.ready(0);
  auto w1 = p.ready(1);
  CAF_REQUIRE(w0 > 0 && w1 > 0);
  p.proc.signal(SIGKILL);
  p.proc.wait_exit(5s);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while ((alive(w0) || alive(w1)) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  // PR_SET_PDEATHSIG sent them SIGTERM; they drained and exited (reaped by
  // init, so kill(pid, 0) fails).
  CAF_CHECK(!alive(w0));
  CAF_CHECK(!alive(w1));
}

CAF_TEST(a second signal kills the draining workers at once) {
  parent p{{"--workers", "2", "--drain-ms", "20000"}};
  auto w0 = p.ready(0);
  auto w1 = p.ready(1);
  CAF_REQUIRE(w0 > 0 && w1 > 0);
  p.proc.signal(SIGTERM);
  CAF_REQUIRE(p.logged("received SIGTERM worker=0"));
  CAF_REQUIRE(p.logged("received SIGTERM worker=1"));
  auto t0 = std::chrono::steady_clock::now();
  p.proc.signal(SIGINT);
  CAF_CHECK_EQUAL(p.proc.exit_code(10s), 1);
  CAF_CHECK_LESS(std::chrono::steady_clock::now() - t0, 5s);
  CAF_CHECK(p.logged("second SIGINT: killing every worker now"));
  CAF_CHECK_EQUAL(p.proc.count("ended by signal SIGKILL while stopping"), 2u);
  CAF_CHECK(!alive(w0));
  CAF_CHECK(!alive(w1));
}
