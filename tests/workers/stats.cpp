#define CAF_SUITE workers_stats

// status and top against stats actors in other processes, on loopback: the
// snapshot crosses processes through CAF's middleman, a process that is
// killed becomes a row, so does one of another protocol version, one that
// never answers, and the workers of a `--workers` parent.

#include "caf/test/unit_test.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "table_text.hpp"
#include "tmux_session.hpp"
#include "watched_process.hpp"

namespace test = fastkafka::test;
using fastkafka::test::run_to_end;
using fastkafka::test::watched_process;
using namespace std::chrono_literals;

namespace {

const std::string stats_exe = STATS_FIXTURE;
const std::string worker_exe = WORKER_FIXTURE;

/// A `stats_fixture serve` process and the port it listens on.
struct server {
  watched_process proc;
  std::string address;

  explicit server(int worker, double rate, std::vector<std::string> extra = {})
      : proc(args(worker, rate, std::move(extra))) {
    auto m = proc.wait_for("listening ([0-9]+)\n", 10s);
    if (m)
      address = "127.0.0.1:" + (*m)[1];
  }

  static std::vector<std::string> args(int worker, double rate,
                                       std::vector<std::string> extra) {
    std::vector<std::string> a{stats_exe,  "serve",
                               "--worker", std::to_string(worker),
                               "--rate",   std::to_string(rate)};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

std::pair<int, std::string> run(std::vector<std::string> argv,
                                std::chrono::milliseconds bound = 30s) {
  return run_to_end(std::move(argv), bound);
}

std::pair<int, std::string> status(const std::string& connect,
                                   std::vector<std::string> extra = {}) {
  std::vector<std::string> a{stats_exe, "status", "--connect", connect};
  a.insert(a.end(), extra.begin(), extra.end());
  return run(std::move(a));
}

double number(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  return s.empty() || s == "-" ? -1 : std::stod(s);
}

} // namespace

CAF_TEST(status prints one table of two processes) {
  server a{0, 100};
  server b{1, 300};
  CAF_REQUIRE(!a.address.empty() && !b.address.empty());
  std::this_thread::sleep_for(1500ms); // a few samples for the rates
  auto [rc, out] = status(a.address + "," + b.address);
  CAF_MESSAGE("\n" << out);
  CAF_CHECK_EQUAL(rc, 0);
  CAF_CHECK(out.find("2 members, 2 answering; handled") != std::string::npos);
  for (auto [addr, parts, rate] : {std::tuple{a.address, "0-1", 100.0},
                                   std::tuple{b.address, "2-3", 300.0}}) {
    auto row =
        line_with(out, addr + "  " + (addr == a.address ? "0" : "1") + "  " +
                           std::to_string(addr == a.address ? a.proc.pid()
                                                            : b.proc.pid()));
    CAF_REQUIRE(row.find("on_input") != std::string::npos);
    // PARTS HANDLED PRODUCED FAILED DLQ RATE AVG LAG RESTARTS
    auto c = tail_cells(row, 9);
    CAF_REQUIRE_EQUAL(c.size(), 9u);
    CAF_CHECK_EQUAL(c[0], parts);
    CAF_CHECK_GREATER(number(c[1]), rate * 0.5);
    CAF_CHECK_EQUAL(c[3], "1");
    CAF_CHECK_EQUAL(c[4], "1");
    // Rates from the actor's samples: loose bounds for a loaded machine.
    CAF_CHECK_GREATER(number(c[6]), rate * 0.5);
    CAF_CHECK_LESS(number(c[6]), rate * 1.5);
    CAF_CHECK_EQUAL(c[7], "14");
  }
  // The partition table: committed offset and lag per partition.
  // PARTITION COMMITTED POSITION END LAG (not paused: no PAUSED cell).
  std::istringstream lines{out};
  bool found = false;
  for (std::string line; std::getline(lines, line);) {
    auto c = tail_cells(line, 5);
    if (line.rfind(b.address, 0) == 0 && c.size() == 5 && c[0] == "3") {
      found = true;
      CAF_CHECK_EQUAL(number(c[3]) - number(c[1]), 7.0);
      CAF_CHECK_EQUAL(c[4], "7");
    }
  }
  CAF_CHECK(found);
  CAF_CHECK(out.find("to_output") != std::string::npos);
}

CAF_TEST(a process that was killed is a row saying so) {
  server a{0, 100};
  server b{1, 100};
  CAF_REQUIRE(!a.address.empty() && !b.address.empty());
  auto [rc1, before] = status(a.address + "," + b.address);
  CAF_CHECK_EQUAL(rc1, 0);
  b.proc.signal(SIGKILL);
  b.proc.wait_exit(5s);
  auto t0 = std::chrono::steady_clock::now();
  auto [rc, out] = status(a.address + "," + b.address);
  CAF_MESSAGE("\n" << out);
  CAF_CHECK_LESS(std::chrono::steady_clock::now() - t0, 10s);
  CAF_CHECK_EQUAL(rc, 1);
  CAF_CHECK(out.find("2 members, 1 answering, 1 unreachable") !=
            std::string::npos);
  auto row = line_with(out, b.address);
  CAF_CHECK(row.find(" unreachable ") != std::string::npos);
  CAF_CHECK(!line_with(out, a.address + "  0").empty());
}

CAF_TEST(another protocol version and a silent port are rows too) {
  server a{0, 100};
  server odd{1, 100, {"--version", "99"}};
  CAF_REQUIRE(!a.address.empty() && !odd.address.empty());
  // A port that accepts connections but never speaks.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CAF_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == 0);
  CAF_REQUIRE(listen(fd, 4) == 0);
  socklen_t len = sizeof(sin);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  auto silent = "127.0.0.1:" + std::to_string(ntohs(sin.sin_port));
  auto t0 = std::chrono::steady_clock::now();
  auto [rc, out] = status(a.address + "," + odd.address + "," + silent,
                          {"--timeout-ms", "500"});
  auto took = std::chrono::steady_clock::now() - t0;
  close(fd);
  CAF_MESSAGE("\n" << out);
  CAF_CHECK_EQUAL(rc, 1);
  CAF_CHECK(line_with(out, odd.address)
                .find("it speaks stats protocol 99, "
                      "this program 1") != std::string::npos);
  CAF_CHECK(line_with(out, odd.address).find("version mismatch") !=
            std::string::npos);
  CAF_CHECK(line_with(out, silent).find(" timeout ") != std::string::npos);
  CAF_CHECK(!line_with(out, a.address + "  0").empty());
  CAF_CHECK_LESS(took, 8s);
}

CAF_TEST(a bad connect list is refused) {
  auto [rc, out] = status("localhost");
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(out.find("\"localhost\" is not HOST:PORT (no port)") !=
            std::string::npos);
}

CAF_TEST(the parent of workers publishes the stats of every worker) {
  watched_process parent{{worker_exe, "--workers", "2", "--stats-port", "0",
                          "--rate", "200", "--backoff-ms", "300"}};
  auto m = parent.wait_for("stats of all 2 workers on 127.0.0.1:([0-9]+)", 10s);
  CAF_REQUIRE(m);
  auto address = "127.0.0.1:" + (*m)[1];
  std::vector<int> pids;
  for (int i = 0; i < 2; ++i) {
    auto r = parent.wait_for("worker " + std::to_string(i) +
                                 " \\(pid ([0-9]+)\\) registered its stats",
                             10s);
    CAF_REQUIRE(r);
    pids.push_back(std::stoi((*r)[1]));
    parent.also_kill(pids.back());
  }
  std::this_thread::sleep_for(700ms);
  auto [rc, out] = status(address);
  CAF_MESSAGE("\n" << out);
  CAF_CHECK_EQUAL(rc, 0);
  for (int i = 0; i < 2; ++i) {
    auto row = line_with(out, address + "  " + std::to_string(i) + "  " +
                                  std::to_string(pids[i]) + "  running");
    CAF_CHECK(row.find("on_input") != std::string::npos);
  }
  // A worker that vanishes is a row until its restart registers again.
  kill(pids[1], SIGKILL);
  CAF_REQUIRE(parent.wait_for("worker 1 \\(pid [0-9]+\\) ended by signal "
                              "SIGKILL: restarting in 0.3 s",
                              10s));
  auto [rc2, gone] = status(address);
  CAF_MESSAGE("\n" << gone);
  CAF_CHECK_EQUAL(rc2, 1);
  CAF_CHECK(line_with(gone, address + "  1").find("not registered") !=
            std::string::npos);
  auto again = parent.wait_for(
      "worker 1 \\(pid ([0-9]+)\\) registered its stats[^\n]*\n[^$]*"
      "worker 1 \\(pid ([0-9]+)\\) registered its stats",
      10s);
  CAF_REQUIRE(again);
  auto new_pid = (*again)[2];
  parent.also_kill(std::stoi(new_pid));
  auto [rc3, back] = status(address);
  CAF_MESSAGE("\n" << back);
  CAF_CHECK_EQUAL(rc3, 0);
  CAF_CHECK(line_with(back, address + "  1  " + new_pid)
                .find("running, restarted 1x") != std::string::npos);
  parent.signal(SIGTERM);
  CAF_CHECK_EQUAL(parent.exit_code(10s), 0);
}

CAF_TEST(top prints plain blocks when stdout is not a terminal) {
  server a{0, 100};
  CAF_REQUIRE(!a.address.empty());
  auto [rc, out] = run({stats_exe, "top", "--connect", a.address, "--interval",
                        "0.2", "--iterations", "3"});
  CAF_CHECK_EQUAL(rc, 0);
  CAF_CHECK_EQUAL(std::count(out.begin(), out.end(), '\x1b'), 0);
  size_t blocks = 0;
  for (size_t at = 0;
       (at = out.find("--- fastkafka top", at)) != std::string::npos; ++at)
    ++blocks;
  CAF_CHECK_EQUAL(blocks, 3u);
  CAF_CHECK(out.find("on_input") != std::string::npos);
}

namespace {

/// The tests' tmux server; `shows` waits 10s unless told otherwise.
struct tmux : test::tmux_session {
  bool shows(const std::string& part, std::chrono::milliseconds t = 10s) {
    return tmux_session::shows(part, t);
  }
};

} // namespace

CAF_TEST(top in a terminal redraws the table and quits on q or Ctrl - C) {
  if (access(test::tmux_exe.c_str(), X_OK) != 0)
    CAF_FAIL("tmux is needed (deploy/install-deps.sh installs it)");
  server a{0, 100};
  server b{1, 300};
  CAF_REQUIRE(!a.address.empty() && !b.address.empty());
  for (auto key : {"q", "C-c"}) {
    tmux t;
    // The pane stays after top exits and says how it ended.
    auto command = stats_exe + " top --connect " + a.address + "," + b.address +
                   " --interval 0.3; echo TOP-EXITED $?; " + "sleep 60";
    auto [rc, out] = t.cmd(
        {"new-session", "-d", "-s", "top", "-x", "200", "-y", "40", command});
    CAF_REQUIRE_EQUAL(rc, 0);
    CAF_CHECK(t.shows("2 members, 2 answering"));
    auto first = t.screen();
    CAF_MESSAGE("\n" << first);
    CAF_CHECK(first.find("fastkafka top") != std::string::npos);
    CAF_CHECK(first.find("q quits") != std::string::npos);
    CAF_CHECK(!line_with(first, a.address + "  0").empty());
    CAF_CHECK(line_with(first, b.address + "  1").find("on_input") !=
              std::string::npos);
    CAF_CHECK(first.find("COMMITTED") != std::string::npos);
    // It refreshes: the clock in the header moves on.
    auto header = line_with(first, "fastkafka top");
    std::this_thread::sleep_for(1200ms);
    CAF_CHECK_NOT_EQUAL(line_with(t.screen(), "fastkafka top"), header);
    t.cmd({"send-keys", "-t", "top", key});
    CAF_CHECK(t.shows("TOP-EXITED 0"));
    // The alternate screen is gone: the shell's screen is back.
    auto after = t.screen();
    CAF_CHECK(after.find("fastkafka top") == std::string::npos);
    auto pane_pid =
        t.cmd({"display-message", "-p", "-t", "top", "#{pane_pid}"}).second;
    if (auto pid = std::atoi(pane_pid.c_str()); pid > 0)
      kill(pid, SIGKILL);
  }
}
