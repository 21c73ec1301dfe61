// fastkafka-redelivery: how many messages a pipeline processes twice after
// a kill -9 or a broker outage in the middle of a stream.
//
//   fastkafka-redelivery --pipeline build/examples/pipeline/pipeline
//       --scenario kill9 --scenario outage --messages 30000
//
// For each scenario it starts an embedded broker in this process and the
// pipeline binary as a child against it, streams ids 1..N into `input` at
// a fixed rate, fires the fault while the stream is in flight (kill -9 and
// an immediate restart, or every broker down for --outage-ms), then reads
// `output` until every id is there and counts the ids that came out more
// than once, per input partition. The bound the issue sets is 2 x
// max_poll_records re-deliveries per partition. It prints one line per
// scenario; with --check it exits 1 when an id is missing or the bound is
// exceeded. The pipeline binary may be an older build: only
// `run --bootstrap-servers` and `--set` are used.

#include "fastkafka/embedded_broker.hpp"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <boost/json.hpp>

#include <csignal>
#include <iostream>
#include <map>
#include <set>
#include <unordered_map>

#include "support/kafka_checks.hpp"
#include "support/pipeline_inputs.hpp"

extern char** environ;

namespace {

using namespace fastkafka;
using namespace std::chrono_literals;
using test::clock_type;

struct settings {
  std::string pipeline;
  std::vector<std::string> scenarios;
  int64_t messages = 30000;
  int64_t rate = 2000;
  int64_t outage_ms = 10000;
  int64_t max_poll_records = 100;
  int64_t timeout_s = 180;
  std::string log_dir = "/tmp";
  bool check = false;
};

/// A pipeline process whose stdout and stderr go to a log file.
class pipeline_process {
public:
  pipeline_process(const settings& s, const std::string& bootstrap,
                   const std::string& log_path) {
    std::vector<std::string> args{s.pipeline,
                                  "run",
                                  "--bootstrap-servers",
                                  bootstrap,
                                  "--set",
                                  "fetch_max_wait_ms=10",
                                  "--set",
                                  "max_poll_records=" +
                                      std::to_string(s.max_poll_records)};
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) !=
        0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    if (pid_ <= 0)
      throw std::runtime_error("cannot start " + s.pipeline);
  }

  pipeline_process(const pipeline_process&) = delete;
  pipeline_process& operator=(const pipeline_process&) = delete;

  ~pipeline_process() { stop(SIGTERM, 40s); }

  /// Sends `sig` and waits up to `grace` (then SIGKILL); returns the status.
  int stop(int sig, std::chrono::milliseconds grace) {
    if (pid_ <= 0)
      return status_;
    ::kill(pid_, sig);
    auto deadline = clock_type::now() + grace;
    while (waitpid(pid_, &status_, WNOHANG) != pid_) {
      if (clock_type::now() > deadline) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, &status_, 0);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    pid_ = -1;
    return status_;
  }

private:
  pid_t pid_ = -1;
  int status_ = 0;
};

struct outcome {
  int64_t outputs = 0;
  int64_t missing = 0;
  int64_t redelivered = 0;
  std::map<int32_t, int64_t> per_partition;
  double seconds = 0;
  bool timed_out = false;
};

/// Streams ids 1..N at `rate`; calls `fault(id)` before each id and
/// `finish()` after the last, before waiting for the acknowledgements.
template <class Fault, class Finish>
bool stream(const settings& s, const std::string& bootstrap, Fault fault,
            Finish finish) {
  test::delivery_log log;
  auto rk = test::make_client(RD_KAFKA_PRODUCER, bootstrap,
                              {{"partitioner", "murmur2_random"},
                               {"linger.ms", "5"},
                               {"message.timeout.ms", "120000"}},
                              &log);
  auto start = clock_type::now();
  for (int64_t id = 1; id <= s.messages; ++id) {
    fault(id);
    auto key = std::to_string(id);
    while (test::produce(rk.get(), "input", key, test::input_json(id)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(rk.get(), 10);
    rd_kafka_poll(rk.get(), 0);
    // Keep to the rate: sleep whenever ahead of it.
    auto due = start + std::chrono::microseconds(id * 1000000 / s.rate);
    if (due > clock_type::now() + 2ms)
      std::this_thread::sleep_until(due);
  }
  finish();
  return test::wait_for_reports(rk.get(), log, static_cast<size_t>(s.messages),
                                120s) &&
         log.failed == 0;
}

/// Reads `output` until every id arrived (and 2 s more), or the timeout.
std::unordered_map<int64_t, int64_t> read_ids(const settings& s,
                                              const std::string& bootstrap,
                                              int64_t& outputs,
                                              bool& timed_out) {
  auto rk = test::make_client(RD_KAFKA_CONSUMER, bootstrap,
                              {{"group.id", "fastkafka-redelivery-reader"},
                               {"enable.auto.commit", "false"}});
  auto partitions = test::partition_count(rk.get(), "output");
  test::partition_list_ptr assignment{
      rd_kafka_topic_partition_list_new(std::max(partitions, 1))};
  for (int32_t p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(assignment.get(), "output", p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk.get(), assignment.get());
  std::unordered_map<int64_t, int64_t> counts;
  auto deadline = clock_type::now() + std::chrono::seconds(s.timeout_s);
  std::optional<clock_type::time_point> complete_at;
  while (clock_type::now() < deadline) {
    if (complete_at && clock_type::now() - *complete_at > 2s)
      break;
    auto* msg = rd_kafka_consumer_poll(rk.get(), 50);
    if (msg == nullptr)
      continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      auto value = boost::json::parse(
          std::string_view{static_cast<const char*>(msg->payload), msg->len});
      ++counts[value.as_object().at("id").as_int64()];
      ++outputs;
      if (!complete_at && static_cast<int64_t>(counts.size()) >= s.messages)
        complete_at = clock_type::now();
    }
    rd_kafka_message_destroy(msg);
  }
  timed_out = !complete_at;
  rd_kafka_consumer_close(rk.get());
  return counts;
}

outcome run_scenario(const settings& s, const std::string& scenario) {
  embedded_broker broker{
      {.partitions = 4, .topics = {"input", "output", "input.dlq"}}};
  auto bootstrap = broker.bootstrap_servers();
  int runs = 0;
  auto log_path = [&] {
    return s.log_dir + "/redelivery-" + scenario + "-" +
           std::to_string(++runs) + ".log";
  };
  auto first_log = log_path();
  ::unlink(first_log.c_str());
  auto app = std::make_unique<pipeline_process>(s, bootstrap, first_log);
  auto started = clock_type::now();
  bool streamed = false;
  if (scenario == "kill9") {
    streamed = stream(
        s, bootstrap,
        [&](int64_t id) {
          if (id != s.messages / 2)
            return;
          app->stop(SIGKILL, 5s);
          auto next = log_path();
          ::unlink(next.c_str());
          app = std::make_unique<pipeline_process>(s, bootstrap, next);
        },
        [] {});
  } else {
    bool down = false;
    auto up_at = clock_type::now();
    streamed = stream(
        s, bootstrap,
        [&](int64_t id) {
          if (id == s.messages / 3) {
            broker.set_down(1);
            down = true;
            up_at = clock_type::now() + std::chrono::milliseconds(s.outage_ms);
          }
          if (down && clock_type::now() >= up_at) {
            broker.set_up(1);
            down = false;
          }
        },
        [&] {
          if (down) {
            std::this_thread::sleep_until(up_at);
            broker.set_up(1);
          }
        });
  }
  if (!streamed)
    std::cerr << "fastkafka-redelivery: not every input was acknowledged\n";
  outcome out;
  auto counts = read_ids(s, bootstrap, out.outputs, out.timed_out);
  out.seconds =
      std::chrono::duration<double>(clock_type::now() - started).count();
  app->stop(SIGTERM, 40s);
  // Which partition each id came from: re-delivery is bounded per input
  // partition.
  auto inputs = test::read_topic(bootstrap, "input",
                                 static_cast<size_t>(s.messages), 60s, 200ms);
  std::unordered_map<int64_t, int32_t> partition_of;
  for (auto& r : inputs)
    partition_of[std::stoll(r.key)] = r.partition;
  for (int64_t id = 1; id <= s.messages; ++id) {
    auto it = counts.find(id);
    if (it == counts.end()) {
      ++out.missing;
      continue;
    }
    if (it->second > 1) {
      out.redelivered += it->second - 1;
      out.per_partition[partition_of.count(id) ? partition_of[id] : -1] +=
          it->second - 1;
    }
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  settings s;
  CLI::App cli{"Counts re-delivered messages of a pipeline binary after a "
               "kill -9 and after a broker outage",
               "fastkafka-redelivery"};
  cli.add_option("--pipeline", s.pipeline, "The pipeline example binary")
      ->required()
      ->check(CLI::ExistingFile);
  cli.add_option("--scenario", s.scenarios, "kill9 or outage (repeatable)")
      ->check(CLI::IsMember({"kill9", "outage"}));
  cli.add_option("--messages", s.messages, "Ids in the stream")
      ->check(CLI::Range(int64_t{100}, int64_t{400000}))
      ->capture_default_str();
  cli.add_option("--rate", s.rate, "Messages per second")
      ->check(CLI::Range(int64_t{10}, int64_t{1000000}))
      ->capture_default_str();
  cli.add_option("--outage-ms", s.outage_ms, "Length of the outage")
      ->capture_default_str();
  cli.add_option("--max-poll-records", s.max_poll_records,
                 "The pipeline's max_poll_records; the bound is twice it")
      ->capture_default_str();
  cli.add_option("--timeout", s.timeout_s,
                 "Seconds to wait for every id after the stream")
      ->capture_default_str();
  cli.add_option("--log-dir", s.log_dir, "Where the pipelines' logs go")
      ->capture_default_str();
  cli.add_flag("--check", s.check,
               "Exit 1 when an id is missing or the bound is exceeded");
  CLI11_PARSE(cli, argc, argv);
  if (s.scenarios.empty())
    s.scenarios = {"kill9", "outage"};
  std::signal(SIGPIPE, SIG_IGN);
  bool ok = true;
  auto bound = 2 * s.max_poll_records;
  for (auto& scenario : s.scenarios) {
    auto out = run_scenario(s, scenario);
    int64_t worst = 0;
    std::string parts;
    for (auto [p, n] : out.per_partition) {
      worst = std::max(worst, n);
      parts += " [" + std::to_string(p) + "]=" + std::to_string(n);
    }
    bool good = out.missing == 0 && !out.timed_out && worst <= bound;
    ok = ok && good;
    std::cout << "scenario=" << scenario << " messages=" << s.messages
              << " outputs=" << out.outputs << " missing=" << out.missing
              << " redelivered=" << out.redelivered
              << " max_per_partition=" << worst << " bound=" << bound
              << " per_partition:" << (parts.empty() ? " none" : parts)
              << " seconds=" << static_cast<int64_t>(out.seconds)
              << (good ? " within-bound" : " OVER-BOUND-OR-MISSING")
              << std::endl;
  }
  return s.check && !ok ? 1 : 0;
}
