#define CAF_SUITE workers_pipeline

// `run --workers 2` of the real app (the pipeline example) on
// fastkafka-broker with 8 partitions: the partitions spread over the two
// workers, a worker killed with kill -9 is restarted and nothing is lost
// (every id is counted in the output, duplicates reported), SIGTERM drains
// both and the parent exits 0 with the broker's committed offsets at the end
// of every partition; a worker that keeps crashing stops the app with a
// reason and a non-zero exit; `status` and `top` over two real processes,
// one of which is then killed.

#include "caf/test/unit_test.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "support/broker_process.hpp"
#include "support/kafka_checks.hpp"
#include "support/pipeline_inputs.hpp"
#include "table_text.hpp"
#include "tmux_session.hpp"
#include "watched_process.hpp"

using fastkafka::test::child_process;
using fastkafka::test::run_to_end;
using fastkafka::test::watched_process;
using namespace std::chrono_literals;
namespace test = fastkafka::test;

namespace {

const std::string pipeline_exe = PIPELINE_EXE;
const std::string broker_exe = BROKER_EXE;
const std::string group = "fastkafka.pipeline.on_input";
constexpr int partitions = 8;

/// fastkafka-broker with the pipeline's topics, 8 partitions each.
struct broker_process : test::broker_process {
  broker_process()
      : test::broker_process(broker_exe,
                             {"--partitions", std::to_string(partitions),
                              "--topic", "input", "--topic", "output",
                              "--topic", "input.dlq"}) {
    // nop
  }
};

/// Sends the inputs `first..last` (keyed by id) and waits for every
/// delivery report.
void send_inputs(const std::string& bootstrap, int64_t first, int64_t last) {
  test::delivery_log log;
  auto rk = test::make_client(RD_KAFKA_PRODUCER, bootstrap,
                              {{"linger.ms", "5"}}, &log);
  for (auto& [key, value] : test::inputs(first, last))
    CAF_REQUIRE_EQUAL(test::produce(rk.get(), "input", key, value),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
  CAF_REQUIRE(test::wait_for_reports(rk.get(), log,
                                     static_cast<size_t>(last - first + 1)));
  CAF_REQUIRE_EQUAL(log.failed, 0u);
}

int64_t sum(const std::map<int32_t, int64_t>& offsets) {
  int64_t n = 0;
  for (auto& [p, o] : offsets)
    n += o;
  return n;
}

/// Waits until the group committed the end of every partition of input.
bool all_committed(const std::string& bootstrap,
                   std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  auto ends = test::end_offsets(bootstrap, "input");
  while (std::chrono::steady_clock::now() < deadline) {
    if (test::committed_offsets(bootstrap, group, "input") == ends)
      return true;
    std::this_thread::sleep_for(500ms);
  }
  CAF_MESSAGE(
      "committed " << sum(test::committed_offsets(bootstrap, group, "input"))
                   << " of " << sum(ends));
  return false;
}

/// Every id of the output with how often it came.
struct output_count {
  std::map<int64_t, int> ids;
  size_t records = 0;

  size_t missing(int64_t first, int64_t last) const {
    size_t n = 0;
    for (auto id = first; id <= last; ++id)
      n += ids.count(id) == 0 ? 1 : 0;
    return n;
  }

  size_t duplicates() const { return records - ids.size(); }
};

/// Reads the whole output topic (up to its end offsets) and counts ids.
output_count read_output(const std::string& bootstrap) {
  auto total = static_cast<size_t>(sum(test::end_offsets(bootstrap, "output")));
  output_count out;
  std::regex id_re{R"("id":(-?[0-9]+))"};
  for (auto& r : test::read_topic(bootstrap, "output", total, 60s)) {
    std::smatch m;
    if (std::regex_search(r.value, m, id_re)) {
      ++out.ids[std::stoll(m[1].str())];
      ++out.records;
    }
  }
  return out;
}

/// The partitions of input each worker process (by pid) was given last,
/// from the `[w<i>:<pid>] ... assigned input [...]` and `revoked` lines.
struct assignment {
  std::map<int, std::set<int>> by_pid;
  std::map<int, int> index_of; // pid -> worker index

  std::set<int> all() const {
    std::set<int> out;
    for (auto& [pid, ps] : by_pid)
      out.insert(ps.begin(), ps.end());
    return out;
  }

  /// Whether the live `pids` own every partition, each at least one.
  bool spread_over(const std::set<int>& pids) const {
    size_t total = 0;
    for (auto pid : pids) {
      auto i = by_pid.find(pid);
      if (i == by_pid.end() || i->second.empty())
        return false;
      total += i->second.size();
    }
    std::set<int> owned;
    for (auto pid : pids)
      owned.insert(by_pid.at(pid).begin(), by_pid.at(pid).end());
    return total == partitions && owned.size() == partitions;
  }

  std::string text() const {
    std::string out;
    for (auto& [pid, ps] : by_pid) {
      out += "w" + std::to_string(index_of.at(pid)) + ":" +
             std::to_string(pid) + " [";
      std::string sep;
      for (auto p : ps) {
        out += sep + std::to_string(p);
        sep = ",";
      }
      out += "] ";
    }
    return out;
  }
};

std::set<int> parse_partitions(const std::string& list) {
  std::set<int> out;
  std::istringstream in{list};
  for (std::string p; std::getline(in, p, ',');)
    if (!p.empty())
      out.insert(std::stoi(p));
  return out;
}

assignment assignments(const std::string& log) {
  assignment a;
  std::regex re{R"(\[w([0-9]+):([0-9]+)\] [^\n]*consumer on_input \(group )"
                R"([^)]*\): (assigned|revoked|lost) input \[([0-9,]*)\])"};
  for (std::sregex_iterator i{log.begin(), log.end(), re}, end; i != end; ++i) {
    auto& m = *i;
    auto pid = std::stoi(m[2].str());
    a.index_of[pid] = std::stoi(m[1].str());
    auto ps = parse_partitions(m[4].str());
    auto& mine = a.by_pid[pid];
    if (m[3].str() == "assigned")
      mine.insert(ps.begin(), ps.end());
    else
      for (auto p : ps)
        mine.erase(p);
  }
  return a;
}

/// The pid of worker `index`'s newest process, from the parent's log.
int worker_pid(watched_process& parent, int index,
               std::chrono::milliseconds bound, int other_than = 0) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  std::regex re{"worker " + std::to_string(index) +
                R"( \(pid ([0-9]+)\) (started|restarted))"};
  while (std::chrono::steady_clock::now() < deadline) {
    auto text = parent.both();
    int pid = 0;
    for (std::sregex_iterator i{text.begin(), text.end(), re}, end; i != end;
         ++i)
      pid = std::stoi((*i)[1].str());
    if (pid > 0 && pid != other_than)
      return pid;
    std::this_thread::sleep_for(100ms);
  }
  return 0;
}

/// Waits until the live `pids` own the 8 partitions between them.
bool wait_spread(watched_process& parent, const std::set<int>& pids,
                 std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (assignments(parent.both()).spread_over(pids))
      return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

std::pair<int, std::string> run(std::vector<std::string> argv,
                                std::chrono::milliseconds bound = 30s) {
  return run_to_end(std::move(argv), bound);
}

int64_t number(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  return s.empty() || s == "-" ? -1 : std::stoll(s);
}

/// A port nothing listens on now (bound once, then closed).
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
  socklen_t len = sizeof(sin);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  close(fd);
  return ntohs(sin.sin_port);
}

/// A listening socket on 127.0.0.1:`port` held for the test's scope.
struct taken_port {
  int fd = -1;
  explicit taken_port(int port) {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
    sin.sin_port = htons(static_cast<uint16_t>(port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0 ||
        listen(fd, 4) != 0) {
      close(fd);
      fd = -1;
    }
  }
  ~taken_port() {
    if (fd >= 0)
      close(fd);
  }
};

} // namespace

CAF_TEST(two workers spread the partitions and a kill - 9 loses nothing) {
  broker_process broker;
  watched_process parent{{pipeline_exe, "run", "--workers", "2",
                          "--bootstrap-servers", broker.bootstrap,
                          "--stats-port", "0"}};
  int pid0 = worker_pid(parent, 0, 10s);
  int pid1 = worker_pid(parent, 1, 10s);
  CAF_REQUIRE(pid0 > 0 && pid1 > 0);
  parent.also_kill(pid0);
  parent.also_kill(pid1);
  // Spread: the two workers own the 8 partitions between them.
  CAF_REQUIRE(wait_spread(parent, {pid0, pid1}, 60s));
  auto spread = assignments(parent.both());
  CAF_MESSAGE("spread: " << spread.text());
  // Every line of a worker comes prefixed with its index and pid.
  std::istringstream lines{parent.both()};
  size_t worker_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("consumer on_input") == std::string::npos)
      continue;
    ++worker_lines;
    CAF_CHECK(line.rfind("[w0:" + std::to_string(pid0) + "] ", 0) == 0 ||
              line.rfind("[w1:" + std::to_string(pid1) + "] ", 0) == 0);
  }
  CAF_CHECK_GREATER_OR_EQUAL(worker_lines, 2u);

  // The stats view of the parent shows both workers and their partitions.
  auto m = parent.wait_for("stats of all 2 workers on 127.0.0.1:([0-9]+)", 5s);
  CAF_REQUIRE(m);
  auto stats_at = "127.0.0.1:" + (*m)[1];
  CAF_REQUIRE(parent.wait_for("worker 1 \\(pid [0-9]+\\) registered its "
                              "stats actor",
                              10s));
  CAF_REQUIRE(parent.wait_for("worker 0 \\(pid [0-9]+\\) registered its "
                              "stats actor",
                              10s));
  auto [src, view] = run({pipeline_exe, "status", "--connect", stats_at});
  CAF_MESSAGE("\n" << view);
  CAF_CHECK_EQUAL(src, 0);
  for (auto [i, pid] : {std::pair{0, pid0}, std::pair{1, pid1}}) {
    auto row = line_with(view, stats_at + "  " + std::to_string(i) + "  " +
                                   std::to_string(pid) + "  running");
    CAF_CHECK(row.find("on_input") != std::string::npos);
  }

  // 4,000 inputs in 20 batches; worker 1 dies by kill -9 after the 8th.
  constexpr int64_t total = 4000;
  constexpr int64_t per = 200;
  std::chrono::steady_clock::time_point killed_at;
  for (int64_t b = 0; b < total / per; ++b) {
    send_inputs(broker.bootstrap, b * per + 1, (b + 1) * per);
    if (b == 7) {
      killed_at = std::chrono::steady_clock::now();
      CAF_REQUIRE_EQUAL(kill(pid1, SIGKILL), 0);
      CAF_MESSAGE("kill -9 worker 1 (pid " << pid1 << ")");
    }
    std::this_thread::sleep_for(100ms);
  }
  // The parent says why and restarts it after the backoff.
  CAF_CHECK(parent.wait_for("worker 1 \\(pid " + std::to_string(pid1) +
                                "\\) ended by signal SIGKILL: restarting in "
                                "0.5 s \\(crash 1 within 60 s",
                            10s));
  int pid1b = worker_pid(parent, 1, 15s, pid1);
  CAF_REQUIRE(pid1b > 0);
  parent.also_kill(pid1b);
  CAF_CHECK(parent.wait_for("worker 1 \\(pid " + std::to_string(pid1b) +
                                "\\) restarted \\(restart 1\\)",
                            1s));
  // Its partitions moved: the survivor and the new process own all 8.
  CAF_CHECK(wait_spread(parent, {pid0, pid1b}, 90s));
  auto moved = std::chrono::steady_clock::now() - killed_at;
  CAF_MESSAGE(
      "after the kill: "
      << assignments(parent.both()).text() << "(settled within "
      << std::chrono::duration_cast<std::chrono::milliseconds>(moved).count()
      << " ms of the kill)");
  // Everything handled: the broker holds commits at the end of input.
  CAF_CHECK(all_committed(broker.bootstrap, 90s));

  // SIGTERM drains both workers; the parent exits 0.
  parent.signal(SIGTERM);
  CAF_CHECK_EQUAL(parent.exit_code(45s), 0);
  CAF_CHECK(parent.wait_for("worker 0 \\(pid " + std::to_string(pid0) +
                                "\\) exited with exit code 0 after the stop "
                                "signal",
                            1s));
  CAF_CHECK(parent.wait_for("worker 1 \\(pid " + std::to_string(pid1b) +
                                "\\) exited with exit code 0 after the stop "
                                "signal",
                            1s));
  CAF_CHECK(parent.wait_for("all 2 workers stopped", 1s));
  CAF_CHECK_EQUAL(test::committed_offsets(broker.bootstrap, group, "input"),
                  test::end_offsets(broker.bootstrap, "input"));

  // Every id reached the output; re-deliveries are counted.
  auto out = read_output(broker.bootstrap);
  auto missing = out.missing(1, total);
  CAF_MESSAGE(out.records << " outputs for " << total
                          << " inputs: " << out.ids.size() << " distinct ids, "
                          << out.duplicates() << " re-delivered, " << missing
                          << " missing");
  CAF_CHECK_EQUAL(missing, 0u);
  CAF_CHECK_EQUAL(out.ids.size(), static_cast<size_t>(total));
  CAF_CHECK_GREATER_OR_EQUAL(out.records, static_cast<size_t>(total));
}

CAF_TEST(a worker that keeps crashing stops the app with the reason) {
  broker_process broker;
  // Something else holds the metrics port worker 0 must bind: it exits 1,
  // is restarted with a doubling backoff, and its fifth crash within 60 s
  // stops the app.
  int port = free_port();
  taken_port holder{port};
  CAF_REQUIRE(holder.fd >= 0);
  watched_process parent{{pipeline_exe, "run", "--workers", "2",
                          "--bootstrap-servers", broker.bootstrap,
                          "--metrics-port", std::to_string(port)}};
  auto rc = parent.exit_code(60s);
  auto log = parent.both();
  CAF_MESSAGE("\n" << log);
  CAF_CHECK_EQUAL(rc, 1);
  for (auto backoff : {"0.5", "1", "2", "4"})
    CAF_CHECK(parent.count(std::string{"ended by exit code 1: restarting "
                                       "in "} +
                           backoff + " s") >= 1);
  CAF_CHECK(parent.count("crashed 5 times within 60 s, stopping the app") == 1);
  CAF_CHECK(parent.count("workers stopped; at least one failed") == 1);
  // The worker's own reason comes prefixed with its index and pid.
  CAF_CHECK(parent.count(R"(\[w0:[0-9]+\] [^\n]*)" + std::to_string(port)) >=
            5);
  CAF_CHECK(parent.count("worker 0 \\(pid [0-9]+\\) ended by exit code 1: "
                         "crashed 5 times") == 1);
  // Worker 1 serves its own port, the next one, and never crashed.
  CAF_CHECK(parent.count(R"(\[w1:[0-9]+\] [^\n]*metrics and health on )"
                         R"(http://0\.0\.0\.0:)" +
                         std::to_string(port + 1) + "/metrics") == 1);
  CAF_CHECK(parent.count("worker 1 \\(pid [0-9]+\\) ended by") == 0);
}

CAF_TEST(a configuration only a worker sees stops the app at once) {
  broker_process broker;
  watched_process parent{{pipeline_exe, "run", "--workers", "2",
                          "--bootstrap-servers", broker.bootstrap, "--set",
                          "librdkafka.no.such.property=1"}};
  auto rc = parent.exit_code(30s);
  CAF_MESSAGE("\n" << parent.both());
  CAF_CHECK_EQUAL(rc, 1);
  CAF_CHECK(parent.count("ended by exit code 2, which a restart would "
                         "repeat \\(bad arguments or configuration\\): "
                         "stopping the app") >= 1);
  CAF_CHECK(parent.count("restarting in") == 0);
  CAF_CHECK(parent.count(R"(\[w[01]:[0-9]+\] [^\n]*no\.such\.property)") >= 1);
}

CAF_TEST(one worker is supervised too) {
  broker_process broker;
  watched_process parent{{pipeline_exe, "run", "--workers", "1",
                          "--bootstrap-servers", broker.bootstrap}};
  int pid = worker_pid(parent, 0, 10s);
  CAF_REQUIRE(pid > 0);
  parent.also_kill(pid);
  CAF_REQUIRE(parent.wait_for("assigned input \\[0,1,2,3,4,5,6,7\\]", 30s));
  kill(pid, SIGKILL);
  int again = worker_pid(parent, 0, 10s, pid);
  CAF_REQUIRE(again > 0);
  parent.also_kill(again);
  CAF_CHECK(parent.wait_for("\\[w0:" + std::to_string(again) + "\\] ", 10s));
  parent.signal(SIGTERM);
  CAF_CHECK_EQUAL(parent.exit_code(30s), 0);
  CAF_CHECK(parent.count("all 1 workers stopped") == 1);
}

CAF_TEST(one worker asked for by the environment is supervised too) {
  broker_process broker;
  watched_process parent{
      {pipeline_exe, "run", "--bootstrap-servers", broker.bootstrap},
      {"FASTKAFKA_WORKERS=1"}};
  int pid = worker_pid(parent, 0, 10s);
  CAF_REQUIRE(pid > 0);
  parent.also_kill(pid);
  CAF_CHECK(parent.wait_for("assigned input \\[0,1,2,3,4,5,6,7\\]", 30s));
  parent.signal(SIGTERM);
  CAF_CHECK_EQUAL(parent.exit_code(30s), 0);
  CAF_CHECK(parent.count("all 1 workers stopped") == 1);
}

CAF_TEST(workers are refused with the embedded broker) {
  auto [rc, out] = run(
      {pipeline_exe, "run", "--workers", "2", "--kafka-broker", "embedded"});
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(out.find("--workers needs a broker outside this process: the "
                     "embedded broker lives in one process") !=
            std::string::npos);
  CAF_CHECK(out.find("starting 2 workers") == std::string::npos);
}

namespace {

/// One `pipeline run --stats-port 0` process and the address of its stats.
struct app_process {
  watched_process proc;
  std::string address;

  explicit app_process(const std::string& bootstrap)
      : proc({pipeline_exe, "run", "--bootstrap-servers", bootstrap,
              "--stats-port", "0"}) {
    auto m = proc.wait_for("stats actor listening on 127.0.0.1:([0-9]+)", 20s);
    if (m)
      address = "127.0.0.1:" + (*m)[1];
  }
};

/// The tests' tmux server; `shows` waits 15s unless told otherwise.
struct tmux : test::tmux_session {
  bool shows(const std::string& part, std::chrono::milliseconds t = 15s) {
    return tmux_session::shows(part, t);
  }
};

} // namespace

CAF_TEST(status and top over two real processes and one that is killed) {
  if (access(test::tmux_exe.c_str(), X_OK) != 0)
    CAF_FAIL("tmux is needed (deploy/install-deps.sh installs it)");
  broker_process broker;
  app_process a{broker.bootstrap};
  app_process b{broker.bootstrap};
  CAF_REQUIRE(!a.address.empty() && !b.address.empty());
  // Both members of the group own partitions, then 1,000 inputs go through.
  auto pids = std::set<int>{a.proc.pid(), b.proc.pid()};
  auto owned = [&](watched_process& p) {
    return p.wait_for("assigned input \\[[0-9,]+\\]", 30s).has_value();
  };
  CAF_REQUIRE(owned(a.proc) && owned(b.proc));
  constexpr int64_t total = 1000;
  send_inputs(broker.bootstrap, 1, total);
  CAF_REQUIRE(all_committed(broker.bootstrap, 60s));
  std::this_thread::sleep_for(1500ms); // the stats sample the end offsets

  auto connect = a.address + "," + b.address;
  auto [rc, out] = run({pipeline_exe, "status", "--connect", connect});
  CAF_MESSAGE("\n" << out);
  CAF_CHECK_EQUAL(rc, 0);
  CAF_CHECK(out.find("2 members, 2 answering") != std::string::npos);
  int64_t handled = 0;
  std::set<std::string> parts;
  for (auto* p : {&a, &b}) {
    auto row = line_with(out, p->address + "  0  " +
                                  std::to_string(p->proc.pid()) + "  running");
    CAF_REQUIRE(row.find("on_input") != std::string::npos);
    // PARTS HANDLED PRODUCED FAILED DLQ RATE AVG LAG RESTARTS
    auto c = tail_cells(row, 9);
    CAF_REQUIRE_EQUAL(c.size(), 9u);
    CAF_CHECK_NOT_EQUAL(c[0], "-");
    parts.insert(c[0]);
    handled += number(c[1]);
    CAF_CHECK_EQUAL(c[3], "0");
    CAF_CHECK_EQUAL(c[7], "0"); // no lag after the drain
    auto out_row =
        line_with(out, p->address + "  0  " + std::to_string(p->proc.pid()) +
                           "  running  to_output");
    CAF_CHECK(!out_row.empty());
  }
  // Both handled their share, together every input (more after a
  // rebalance re-delivered some).
  CAF_CHECK_GREATER_OR_EQUAL(handled, total);
  CAF_CHECK_EQUAL(parts.size(), 2u);

  // With stdout not a terminal, top prints plain blocks.
  auto [trc, plain] = run({pipeline_exe, "top", "--connect", connect,
                           "--interval", "0.3", "--iterations", "2"});
  CAF_CHECK_EQUAL(trc, 0);
  CAF_CHECK_EQUAL(std::count(plain.begin(), plain.end(), '\x1b'), 0);
  size_t blocks = 0;
  for (size_t at = 0;
       (at = plain.find("--- fastkafka top", at)) != std::string::npos; ++at)
    ++blocks;
  CAF_CHECK_EQUAL(blocks, 2u);
  CAF_CHECK(!line_with(plain, b.address + "  0").empty());

  // top in a terminal: both members, refreshing, q quits.
  {
    tmux t;
    auto command = pipeline_exe + " top --connect " + connect +
                   " --interval 0.5; echo TOP-EXITED $?; sleep 60";
    auto [nrc, nout] = t.cmd(
        {"new-session", "-d", "-s", "top", "-x", "150", "-y", "30", command});
    CAF_REQUIRE_EQUAL(nrc, 0);
    CAF_CHECK(t.shows("2 members, 2 answering"));
    std::this_thread::sleep_for(1200ms);
    auto screen = t.screen();
    CAF_MESSAGE("top in tmux:\n" << screen);
    CAF_CHECK(line_with(screen, a.address + "  0").find("on_input") !=
              std::string::npos);
    CAF_CHECK(line_with(screen, b.address + "  0").find("on_input") !=
              std::string::npos);
    CAF_CHECK(screen.find("COMMITTED") != std::string::npos);
    t.cmd({"send-keys", "-t", "top", "q"});
    CAF_CHECK(t.shows("TOP-EXITED 0"));
    auto pane_pid =
        t.cmd({"display-message", "-p", "-t", "top", "#{pane_pid}"}).second;
    if (auto pid = std::atoi(pane_pid.c_str()); pid > 0)
      kill(pid, SIGKILL);
  }

  // b disappears: a row saying so, the table of a is still there.
  b.proc.signal(SIGKILL);
  b.proc.wait_exit(5s);
  auto [grc, gone] = run({pipeline_exe, "status", "--connect", connect});
  CAF_MESSAGE("\n" << gone);
  CAF_CHECK_EQUAL(grc, 1);
  CAF_CHECK(gone.find("2 members, 1 answering, 1 unreachable") !=
            std::string::npos);
  CAF_CHECK(line_with(gone, b.address).find(" unreachable ") !=
            std::string::npos);
  CAF_CHECK(line_with(gone, a.address + "  0").find("on_input") !=
            std::string::npos);
  a.proc.signal(SIGTERM);
  CAF_CHECK_EQUAL(a.proc.exit_code(30s), 0);
}
