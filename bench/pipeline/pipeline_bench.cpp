// pipeline_bench: the framework's pipeline app against a hand-written
// librdkafka loop doing the same work, end to end on the embedded broker.
//
//   pipeline_bench [--messages 400000] [--rounds 5]
//
// The parent process hosts the broker, preloads `input` and spawns one child
// per run (this binary with `--worker framework|raw`), alternating the two,
// so that the broker's CPU is never counted against a worker. Each child
// measures from its first consumed message (the mock's group join takes a
// fixed 3 s before the first assignment) until every output is
// acknowledged, and prints one `result ...` line on stdout. The parent checks
// each run's output topic and prints medians and the framework/raw ratios.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <librdkafka/rdkafka.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"

#include "fastkafka/app.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/runtime.hpp"
#include "fastkafka/runtime_config.hpp"
#include "pipeline_app.hpp"

extern char** environ;

namespace {

constexpr int partitions = 8;
const std::string input_topic = "input";

/// Command-line settings of both the parent and the workers.
struct settings {
  int64_t messages = 400000;
  int rounds = 5;
  int timeout_s = 180;
  std::string worker;
  std::string bootstrap;
  std::string group;
  std::string output_topic;
  int raw_batch = 1000;
  int64_t max_poll_records = 0;
  int64_t linger_ms = -1;
  int serve_s = 0;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "pipeline_bench: %s\n", what.c_str());
  std::exit(1);
}

// -- clocks ------------------------------------------------------------------

double wall_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) +
         static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// User and system CPU of the whole process (every thread), in seconds.
struct cpu_time {
  double user = 0;
  double sys = 0;
};

cpu_time process_cpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) +
           static_cast<double>(tv.tv_usec) * 1e-6;
  };
  return {secs(ru.ru_utime), secs(ru.ru_stime)};
}

/// Wall and CPU time at one instant; the measured interval is a difference.
struct mark {
  double wall = 0;
  cpu_time cpu;

  static mark now() { return {wall_seconds(), process_cpu()}; }
};

/// Prints the worker's one `result` line. `last` is when the last input was
/// handled: the rest up to `to` is draining, committing and flushing.
void print_result(const char* worker, int64_t messages, const mark& from,
                  const mark& last, const mark& to, int64_t handled,
                  int64_t acked) {
  auto cpu = [](const mark& a, const mark& b) {
    return (b.cpu.user - a.cpu.user) + (b.cpu.sys - a.cpu.sys);
  };
  std::printf("result worker=%s messages=%lld seconds=%.4f cpu_seconds=%.4f "
              "user_seconds=%.4f sys_seconds=%.4f handle_seconds=%.4f "
              "handle_cpu_seconds=%.4f handled=%lld acked=%lld\n",
              worker, static_cast<long long>(messages), to.wall - from.wall,
              cpu(from, to), to.cpu.user - from.cpu.user,
              to.cpu.sys - from.cpu.sys, last.wall - from.wall, cpu(from, last),
              static_cast<long long>(handled), static_cast<long long>(acked));
  std::fflush(stdout);
}

// -- librdkafka helpers
// --------------------------------------------------------

struct rk_deleter {
  void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
};
using rk_ptr = std::unique_ptr<rd_kafka_t, rk_deleter>;

struct rkt_deleter {
  void operator()(rd_kafka_topic_t* t) const noexcept {
    rd_kafka_topic_destroy(t);
  }
};
using rkt_ptr = std::unique_ptr<rd_kafka_topic_t, rkt_deleter>;

struct rkq_deleter {
  void operator()(rd_kafka_queue_t* q) const noexcept {
    rd_kafka_queue_destroy(q);
  }
};
using rkq_ptr = std::unique_ptr<rd_kafka_queue_t, rkq_deleter>;

/// Builds a client from properties; `setup` may add callbacks and an opaque.
template <class F>
rk_ptr
make_client(rd_kafka_type_t type,
            const std::vector<std::pair<std::string, std::string>>& props,
            F&& setup) {
  char errstr[512];
  auto* conf = rd_kafka_conf_new();
  for (auto& [k, v] : props)
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      die("config " + k + "=" + v + ": " + errstr);
    }
  setup(conf);
  auto* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    die(std::string{"rd_kafka_new: "} + errstr);
  }
  return rk_ptr{rk};
}

/// Message counts of every partition of `topic` (high minus low watermark);
/// a low watermark above 0 means the mock dropped data.
struct partition_count {
  int64_t low = 0;
  int64_t high = 0;
};

std::vector<partition_count> watermarks(rd_kafka_t* rk,
                                        const std::string& topic) {
  std::vector<partition_count> out(partitions);
  for (int p = 0; p < partitions; ++p) {
    auto rc = rd_kafka_query_watermark_offsets(
        rk, topic.c_str(), p, &out[p].low, &out[p].high, 10000);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
      die("watermarks of " + topic + " [" + std::to_string(p) +
          "]: " + rd_kafka_err2str(rc));
  }
  return out;
}

// -- the shared payload
// --------------------------------------------------------

/// The value of input message `id`; varied lengths, exact in binary.
double input_value(int64_t id) {
  return static_cast<double>(id % 100000) * 0.25 + 0.125;
}

/// Appends `s` as a JSON string (quotes, backslashes, control characters
/// escaped; other bytes pass through, as the input is already UTF-8).
void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      static constexpr char hex[] = "0123456789abcdef";
      char esc[6] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 15]};
      out.append(esc, sizeof esc);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

/// Writes `{"id":..,"value":..,"name":".."}` with shortest round-trip numbers.
void write_input_data(std::string& out, int64_t id, double value,
                      std::string_view name) {
  char num[32];
  out.append(R"({"id":)");
  out.append(num, std::to_chars(num, num + sizeof num, id).ptr);
  out.append(R"(,"value":)");
  out.append(num, std::to_chars(num, num + sizeof num, value).ptr);
  out.append(R"(,"name":)");
  append_json_string(out, name);
  out.push_back('}');
}

// -- parent: broker, preload, runs
// ---------------------------------------------

void on_preload_delivery(rd_kafka_t*, const rd_kafka_message_t* m,
                         void* opaque) {
  auto* failed = static_cast<std::atomic<int64_t>*>(opaque);
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR)
    failed->fetch_add(1, std::memory_order_relaxed);
}

/// Produces `n` inputs, message `i` to partition `i % 8` with key `i`, and
/// checks that the broker kept every one of them.
void preload(const std::string& bootstrap, int64_t n) {
  std::atomic<int64_t> failed{0};
  auto rk =
      make_client(RD_KAFKA_PRODUCER,
                  // The mock answers a Fetch with at most one message set
                  // per partition: small preload batches make the broker the
                  // bottleneck. Sets of 5000 keep the 8 partitions' fetched
                  // data under librdkafka's queued.min.messages (100000),
                  // above which 2.0.2 stops fetching for up to a second.
                  {{"bootstrap.servers", bootstrap},
                   {"acks", "1"},
                   {"linger.ms", "200"},
                   {"batch.num.messages", "5000"},
                   {"batch.size", "1000000"},
                   {"queue.buffering.max.messages", "1000000"},
                   {"queue.buffering.max.kbytes", "1048576"}},
                  [&](rd_kafka_conf_t* conf) {
                    rd_kafka_conf_set_opaque(conf, &failed);
                    rd_kafka_conf_set_dr_msg_cb(conf, on_preload_delivery);
                  });
  std::string payload;
  char key[24];
  auto t0 = wall_seconds();
  for (int64_t i = 0; i < n; ++i) {
    payload.clear();
    write_input_data(payload, i, input_value(i), "name-" + std::to_string(i));
    auto key_len = std::to_chars(key, key + sizeof key, i).ptr - key;
    for (;;) {
      auto rc = rd_kafka_producev(
          rk.get(), RD_KAFKA_V_TOPIC(input_topic.c_str()),
          RD_KAFKA_V_PARTITION(static_cast<int32_t>(i % partitions)),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key, static_cast<size_t>(key_len)),
          RD_KAFKA_V_VALUE(payload.data(), payload.size()), RD_KAFKA_V_END);
      if (rc == RD_KAFKA_RESP_ERR_NO_ERROR)
        break;
      if (rc != RD_KAFKA_RESP_ERR__QUEUE_FULL)
        die(std::string{"preload produce: "} + rd_kafka_err2str(rc));
      rd_kafka_poll(rk.get(), 10);
    }
    if (i % 1000 == 0)
      rd_kafka_poll(rk.get(), 0);
  }
  for (int tries = 0; rd_kafka_outq_len(rk.get()) > 0; ++tries) {
    if (tries == 60)
      die("preload: broker did not acknowledge everything within 60 s");
    rd_kafka_flush(rk.get(), 1000);
  }
  if (failed.load() != 0)
    die("preload: " + std::to_string(failed.load()) + " deliveries failed");
  // The mock keeps only the newest 5 MiB (and 100,000 message sets) per
  // partition and drops older data silently: prove that nothing went.
  auto marks = watermarks(rk.get(), input_topic);
  for (int p = 0; p < partitions; ++p) {
    int64_t expected = n / partitions + (p < n % partitions ? 1 : 0);
    if (marks[p].low != 0 || marks[p].high != expected)
      die("preload: partition " + std::to_string(p) + " of " + input_topic +
          " holds offsets [" + std::to_string(marks[p].low) + ", " +
          std::to_string(marks[p].high) + ") instead of [0, " +
          std::to_string(expected) +
          "): the mock broker dropped data (5 MiB per partition); use "
          "fewer --messages");
  }
  std::fprintf(stderr,
               "preloaded %lld messages into %s (%d partitions) in "
               "%.2f s; every partition complete\n",
               static_cast<long long>(n), input_topic.c_str(), partitions,
               wall_seconds() - t0);
}

/// The path of this program, to spawn workers.
std::string self_path() {
  char buf[4096];
  auto n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    die("cannot read /proc/self/exe");
  return {buf, static_cast<size_t>(n)};
}

/// Runs `argv` as a child with stdout captured; kills it after `timeout_s`.
/// Returns the captured stdout; `ok` says whether it exited with 0 in time.
std::string run_child(const std::vector<std::string>& args, int timeout_s,
                      bool& ok) {
  ok = false;
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
  pid_t pid = 0;
  auto rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    die("posix_spawn: " + std::string{std::strerror(rc)});
  }
  auto deadline = wall_seconds() + timeout_s;
  std::string out;
  bool timed_out = false;
  for (;;) {
    auto left_ms = static_cast<int>((deadline - wall_seconds()) * 1000);
    if (left_ms <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    auto r = poll(&pfd, 1, std::min(left_ms, 1000));
    if (r < 0 && errno != EINTR)
      break;
    if (r <= 0)
      continue;
    char buf[4096];
    auto n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0 || errno != EINTR)
      break; // EOF: the child closed stdout, normally by exiting
  }
  close(fds[0]);
  int status = 0;
  // Even after EOF the child may hang in its teardown: bound that, too.
  for (;;) {
    auto w = waitpid(pid, &status, WNOHANG);
    if (w == pid)
      break;
    if (w < 0)
      die("waitpid: " + std::string{std::strerror(errno)});
    if (timed_out || wall_seconds() > deadline) {
      std::fprintf(stderr,
                   "pipeline_bench: worker %d timed out after %d s; "
                   "killing it\n",
                   static_cast<int>(pid), timeout_s);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0); // SIGKILL cannot be ignored
      return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    ok = true;
  else if (WIFEXITED(status))
    std::fprintf(stderr, "pipeline_bench: worker exited with %d\n",
                 WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    std::fprintf(stderr, "pipeline_bench: worker died of signal %d\n",
                 WTERMSIG(status));
  return out;
}

/// The `key=value` fields of the child's `result` line; empty if none.
std::map<std::string, std::string> parse_result(const std::string& out) {
  std::map<std::string, std::string> fields;
  auto pos = out.rfind("result ");
  if (pos == std::string::npos)
    return fields;
  auto end = out.find('\n', pos);
  std::string_view line{out.data() + pos,
                        (end == std::string::npos ? out.size() : end) - pos};
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

/// One finished run as the parent saw it.
struct run_result {
  double seconds = 0;
  double cpu_seconds = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int run_parent(const settings& s) {
  if (s.messages < 1 || s.rounds < 1)
    die("--messages and --rounds must be at least 1");
  fastkafka::embedded_broker broker{{.brokers = 1,
                                     .partitions = partitions,
                                     .replication_factor = 1,
                                     .topics = {}}};
  if (auto ec = broker.create_topic(input_topic, partitions))
    die("create_topic input: " + ec.message());
  auto bootstrap = broker.bootstrap_servers();
  std::fprintf(stderr, "embedded broker at %s\n", bootstrap.c_str());
  preload(bootstrap, s.messages);

  if (s.serve_s > 0) {
    // For profiling a worker by hand (valgrind, perf) against this broker.
    for (int i = 0; i < 20; ++i)
      broker.create_topic("profile-" + std::to_string(i), partitions);
    std::printf("serving %s for %d s; output topics profile-0..profile-19\n",
                bootstrap.c_str(), s.serve_s);
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(s.serve_s));
    return 0;
  }

  // A client of the parent's own, only to read output watermarks.
  auto checker =
      make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}},
                  [](rd_kafka_conf_t*) {});
  auto exe = self_path();
  std::map<std::string, std::vector<run_result>> results;
  int run_no = 0;
  for (int round = 1; round <= s.rounds; ++round) {
    for (const char* worker : {"framework", "raw"}) {
      ++run_no;
      auto tag = std::string{worker} + "-" + std::to_string(round);
      auto output = "output-" + tag;
      auto group = "bench-" + tag;
      if (auto ec = broker.create_topic(output, partitions))
        die("create_topic " + output + ": " + ec.message());
      std::vector<std::string> args{exe,
                                    "--worker",
                                    worker,
                                    "--bootstrap",
                                    bootstrap,
                                    "--group",
                                    group,
                                    "--output-topic",
                                    output,
                                    "--messages",
                                    std::to_string(s.messages),
                                    "--timeout",
                                    std::to_string(s.timeout_s),
                                    "--raw-batch",
                                    std::to_string(s.raw_batch)};
      if (s.linger_ms >= 0) {
        args.push_back("--linger-ms");
        args.push_back(std::to_string(s.linger_ms));
      }
      if (s.max_poll_records > 0) {
        args.push_back("--max-poll-records");
        args.push_back(std::to_string(s.max_poll_records));
      }
      bool ok = false;
      auto out = run_child(args, s.timeout_s, ok);
      auto fields = parse_result(out);
      if (!ok || fields.empty()) {
        std::fprintf(stderr,
                     "pipeline_bench: run %d (%s) failed; its "
                     "output:\n%s\n",
                     run_no, worker, out.c_str());
        return 1;
      }
      auto handled = std::stoll(fields["handled"]);
      auto acked = std::stoll(fields["acked"]);
      // The broker's own count, independent of what the worker believes.
      int64_t stored = 0;
      for (auto& m : watermarks(checker.get(), output))
        stored += m.high;
      if (handled != s.messages || acked != s.messages ||
          stored != s.messages) {
        std::fprintf(stderr,
                     "pipeline_bench: run %d (%s) lost or "
                     "duplicated messages: expected %lld, handled "
                     "%lld, acknowledged %lld, in %s %lld\n",
                     run_no, worker, static_cast<long long>(s.messages),
                     static_cast<long long>(handled),
                     static_cast<long long>(acked), output.c_str(),
                     static_cast<long long>(stored));
        return 1;
      }
      run_result r{std::stod(fields["seconds"]),
                   std::stod(fields["cpu_seconds"])};
      results[worker].push_back(r);
      std::printf("run %d round %d worker=%-9s seconds=%.3f "
                  "throughput=%.0f msg/s cpu_seconds=%.3f (user %s, sys %s) "
                  "cpu_per_message=%.3f us (handling %ss, %ss cpu)\n",
                  run_no, round, worker, r.seconds,
                  static_cast<double>(s.messages) / r.seconds, r.cpu_seconds,
                  fields["user_seconds"].c_str(), fields["sys_seconds"].c_str(),
                  r.cpu_seconds * 1e6 / static_cast<double>(s.messages),
                  fields["handle_seconds"].c_str(),
                  fields["handle_cpu_seconds"].c_str());
      std::fflush(stdout);
    }
  }

  auto n = static_cast<double>(s.messages);
  auto summarize = [&](const std::string& worker, double& tput, double& cpu) {
    std::vector<double> t, c;
    for (auto& r : results[worker]) {
      t.push_back(n / r.seconds);
      c.push_back(r.cpu_seconds * 1e6 / n);
    }
    tput = median(t);
    cpu = median(c);
    std::printf("median worker=%-9s throughput=%.0f msg/s "
                "cpu_per_message=%.3f us (%d runs)\n",
                worker.c_str(), tput, cpu, static_cast<int>(t.size()));
  };
  double fw_tput = 0, fw_cpu = 0, raw_tput = 0, raw_cpu = 0;
  summarize("framework", fw_tput, fw_cpu);
  summarize("raw", raw_tput, raw_cpu);
  std::printf("ratio throughput=%.3f cpu_per_message=%.3f (targets: >=0.9, "
              "<=1.25)\n",
              fw_tput / raw_tput, fw_cpu / raw_cpu);
  return 0;
}

// -- worker (a): the framework pipeline
// ------------------------------------------

/// Keeps the framework's own summary lines ("producer ... stopped; N
/// delivered, M failed") so that the worker can check the acknowledged count.
class capture_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  /// Every captured line, copied under the sink's lock.
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> guard{this->mutex_};
    return lines_;
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view text{msg.payload.data(), msg.payload.size()};
    if (text.find("delivered") != std::string_view::npos)
      lines_.emplace_back(text);
  }
  void flush_() override {}

private:
  std::vector<std::string> lines_;
};

/// What the handler shares with the worker's main thread.
struct handler_progress {
  int64_t target = 0;
  std::atomic<int64_t> handled{0};
  mark first;
  std::mutex mtx;
  std::condition_variable done;
};

int run_framework(const settings& s) {
  // Warnings and errors still reach stderr; info lines only feed the check.
  auto capture = std::make_shared<capture_sink>();
  auto err_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  err_sink->set_level(spdlog::level::warn);
  auto logger = std::make_shared<spdlog::logger>(
      "fastkafka", spdlog::sinks_init_list{err_sink, capture});
  logger->set_level(spdlog::level::info);
  fastkafka::set_logger(logger);

  handler_progress progress;
  progress.target = s.messages;
  fastkafka::runtime_config cfg;
  caf::actor_system sys{cfg};
  auto config = pipeline::config();
  if (s.linger_ms >= 0)
    config.options.linger_ms = s.linger_ms;
  fastkafka::app app{std::move(config)};
  // pipeline::install, with the per-run output topic and group, plus a count.
  auto to_output =
      app.produces<pipeline::InputData>("to_output", {.topic = s.output_topic});
  fastkafka::client_options consumer_options;
  consumer_options.group_id = s.group;
  if (s.max_poll_records > 0)
    consumer_options.max_poll_records = s.max_poll_records;
  app.consumes<pipeline::InputData>(
      "on_input",
      [to_output, &progress](const pipeline::InputData& m) {
        auto n = progress.handled.load(std::memory_order_relaxed);
        if (n == 0)
          progress.first = mark::now();
        to_output(pipeline::InputData{m.id, m.value * 2, m.name});
        // One consumer thread calls the handler: load + store is enough.
        progress.handled.store(n + 1, std::memory_order_release);
        if (n + 1 == progress.target) {
          std::lock_guard<std::mutex> guard{progress.mtx};
          progress.done.notify_all();
        }
      },
      {.topic = input_topic,
       .description = "Doubles value and forwards the record to output",
       .options = consumer_options});
  fastkafka::runtime rt{app};
  rt.start(sys, {.broker_name = "embedded", .bootstrap_servers = s.bootstrap});
  {
    std::unique_lock<std::mutex> lock{progress.mtx};
    if (!progress.done.wait_for(lock, std::chrono::seconds(s.timeout_s), [&] {
          return progress.handled.load(std::memory_order_acquire) >=
                 progress.target;
        }))
      die("framework worker: handled only " +
          std::to_string(progress.handled.load()) + " of " +
          std::to_string(s.messages) + " messages in time");
  }
  // stop() drains the consumer, commits and flushes the producers: when it
  // returns, every output was acknowledged (or it logged an error).
  auto last = mark::now();
  rt.stop();
  auto end = mark::now();
  int64_t acked = -1;
  for (auto& line : capture->lines()) {
    auto pos = line.find("producer to_output stopped; ");
    if (pos == std::string::npos)
      continue;
    auto num = line.data() + pos + std::strlen("producer to_output stopped; ");
    std::from_chars(num, line.data() + line.size(), acked);
  }
  print_result("framework", s.messages, progress.first, last, end,
               progress.handled.load(), acked);
  return 0;
}

// -- worker (b): the hand-written librdkafka loop
// ---------------------------------

/// Delivery-report tallies; delivery reports run inside rd_kafka_poll on the
/// worker's thread, atomics only for the flush that may serve them, too.
struct delivery_counts {
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> failed{0};
};

void on_raw_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* counts = static_cast<delivery_counts*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
    counts->ok.fetch_add(1, std::memory_order_relaxed);
  else
    counts->failed.fetch_add(1, std::memory_order_relaxed);
}

/// The fields the transform needs, extracted by hand from a parsed object.
struct input_fields {
  int64_t id = 0;
  double value = 0;
  std::string_view name; // points into the parsed document
};

bool extract(const boost::json::value& doc, input_fields& out) {
  auto* obj = doc.if_object();
  if (obj == nullptr)
    return false;
  int seen = 0;
  for (auto& kv : *obj) {
    auto key = kv.key();
    auto& v = kv.value();
    if (key == "id") {
      if (auto* i = v.if_int64())
        out.id = *i;
      else if (auto* u = v.if_uint64())
        out.id = static_cast<int64_t>(*u);
      else
        return false;
      seen |= 1;
    } else if (key == "value") {
      if (auto* d = v.if_double())
        out.value = *d;
      else if (auto* i = v.if_int64())
        out.value = static_cast<double>(*i);
      else if (auto* u = v.if_uint64())
        out.value = static_cast<double>(*u);
      else
        return false;
      seen |= 2;
    } else if (key == "name") {
      auto* str = v.if_string();
      if (str == nullptr)
        return false;
      out.name = {str->data(), str->size()};
      seen |= 4;
    }
  }
  return seen == 7;
}

int run_raw(const settings& s) {
  delivery_counts counts;
  auto producer =
      make_client(RD_KAFKA_PRODUCER,
                  {{"bootstrap.servers", s.bootstrap},
                   {"acks", "1"},
                   {"partitioner", "murmur2_random"}},
                  [&](rd_kafka_conf_t* conf) {
                    rd_kafka_conf_set_opaque(conf, &counts);
                    rd_kafka_conf_set_dr_msg_cb(conf, on_raw_delivery);
                  });
  rkt_ptr out_topic{
      rd_kafka_topic_new(producer.get(), s.output_topic.c_str(), nullptr)};
  if (!out_topic)
    die("rd_kafka_topic_new " + s.output_topic);
  auto consumer = make_client(RD_KAFKA_CONSUMER,
                              {{"bootstrap.servers", s.bootstrap},
                               {"group.id", s.group},
                               {"auto.offset.reset", "earliest"},
                               {"enable.auto.commit", "false"},
                               {"enable.partition.eof", "false"}},
                              [](rd_kafka_conf_t*) {});
  rd_kafka_poll_set_consumer(consumer.get());
  rkq_ptr queue{rd_kafka_queue_get_consumer(consumer.get())};
  auto* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, input_topic.c_str(),
                                    RD_KAFKA_PARTITION_UA);
  auto rc = rd_kafka_subscribe(consumer.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
    die(std::string{"subscribe: "} + rd_kafka_err2str(rc));

  // Parsing needs no heap: the document of a small message fits the buffer,
  // and release() rewinds to it.
  alignas(16) static unsigned char arena[16 * 1024];
  boost::json::monotonic_resource mr{arena, sizeof arena};
  std::vector<rd_kafka_message_t*> batch(static_cast<size_t>(s.raw_batch));
  std::string payload;
  payload.reserve(256);
  int64_t consumed = 0;
  mark first;
  auto deadline = wall_seconds() + s.timeout_s;
  auto last_commit = wall_seconds();
  while (consumed < s.messages) {
    if (wall_seconds() > deadline)
      die("raw worker: consumed only " + std::to_string(consumed) + " of " +
          std::to_string(s.messages) + " messages in time");
    // Take what is there; if nothing is, wait for one message and take the
    // rest: the batch call alone waits out its timeout on a partial batch.
    auto n = rd_kafka_consume_batch_queue(queue.get(), 0, batch.data(),
                                          batch.size());
    if (n == 0) {
      if (auto* m = rd_kafka_consume_queue(queue.get(), 100)) {
        batch[0] = m;
        auto more = rd_kafka_consume_batch_queue(queue.get(), 0, &batch[1],
                                                 batch.size() - 1);
        n = 1 + (more > 0 ? more : 0);
      }
    }
    for (ssize_t i = 0; i < n; ++i) {
      auto* m = batch[static_cast<size_t>(i)];
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "raw worker: consume error: %s\n",
                     rd_kafka_message_errstr(m));
        rd_kafka_message_destroy(m);
        continue;
      }
      if (consumed++ == 0)
        first = mark::now();
      input_fields in;
      bool ok;
      {
        boost::system::error_code ec;
        auto doc = boost::json::parse(
            std::string_view{static_cast<const char*>(m->payload), m->len}, ec,
            boost::json::storage_ptr{&mr});
        ok = !ec && extract(doc, in);
        if (ok) {
          payload.clear();
          write_input_data(payload, in.id, in.value * 2, in.name);
        }
      }
      mr.release();
      if (!ok)
        die("raw worker: bad input at offset " + std::to_string(m->offset));
      for (;;) {
        if (rd_kafka_produce(out_topic.get(), RD_KAFKA_PARTITION_UA,
                             RD_KAFKA_MSG_F_COPY, payload.data(),
                             payload.size(), m->key, m->key_len, nullptr) == 0)
          break;
        auto err = rd_kafka_last_error();
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
          die(std::string{"raw worker: produce: "} + rd_kafka_err2str(err));
        rd_kafka_poll(producer.get(), 1); // drain reports to make room
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_poll(producer.get(), 0);
    // The framework commits every 5 s while busy; do the same.
    if (auto now = wall_seconds(); now - last_commit >= 5) {
      rd_kafka_commit(consumer.get(), nullptr, 1);
      last_commit = now;
    }
  }
  auto last = mark::now();
  for (int tries = 0; rd_kafka_outq_len(producer.get()) > 0; ++tries) {
    if (tries == 30)
      die("raw worker: outputs not acknowledged within 30 s");
    rd_kafka_flush(producer.get(), 1000);
  }
  if (auto err = rd_kafka_commit(consumer.get(), nullptr, 0))
    std::fprintf(stderr, "raw worker: commit: %s\n", rd_kafka_err2str(err));
  if (auto err = rd_kafka_consumer_close(consumer.get()))
    std::fprintf(stderr, "raw worker: close: %s\n", rd_kafka_err2str(err));
  auto end = mark::now();
  if (counts.failed.load() != 0)
    die("raw worker: " + std::to_string(counts.failed.load()) +
        " deliveries failed");
  print_result("raw", s.messages, first, last, end, consumed, counts.ok.load());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  settings s;
  CLI::App cli{"Framework pipeline versus a raw librdkafka loop, end to end "
               "on the embedded broker"};
  cli.add_option("--messages", s.messages, "Messages per run")
      ->capture_default_str();
  cli.add_option("--rounds", s.rounds,
                 "Rounds (one framework and one raw "
                 "run each)")
      ->capture_default_str();
  cli.add_option("--timeout", s.timeout_s, "Seconds a run may take")
      ->capture_default_str();
  cli.add_option("--raw-batch", s.raw_batch,
                 "Messages per consume batch of the raw loop")
      ->capture_default_str();
  cli.add_option("--max-poll-records", s.max_poll_records,
                 "Framework max_poll_records (default: the framework's)");
  cli.add_option("--linger-ms", s.linger_ms,
                 "linger.ms of both producers (default: each one's own; "
                 "the framework's is 0, librdkafka's 5)");
  cli.add_option("--serve", s.serve_s,
                 "Only start the broker, preload, and serve for this many "
                 "seconds (to profile a worker by hand)");
  cli.add_option("--worker", s.worker, "Internal: run one measurement")
      ->check(CLI::IsMember({"framework", "raw"}));
  cli.add_option("--bootstrap", s.bootstrap, "Worker: bootstrap servers");
  cli.add_option("--group", s.group, "Worker: consumer group");
  cli.add_option("--output-topic", s.output_topic, "Worker: output topic");
  CLI11_PARSE(cli, argc, argv);
  try {
    if (s.worker.empty())
      return run_parent(s);
    if (s.bootstrap.empty() || s.group.empty() || s.output_topic.empty())
      die("--worker needs --bootstrap, --group and --output-topic");
    return s.worker == "framework" ? run_framework(s) : run_raw(s);
  } catch (const std::exception& e) {
    die(e.what());
  }
}
