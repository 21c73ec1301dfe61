#define CAF_SUITE integration.faults

// Faults fired on the embedded broker while work is in flight: the pipeline
// binary runs against `fastkafka-broker --control`, whose stdin takes
// `down`, `up`, `rtt` and `error` commands; what the app claims in its log is
// checked against what the broker holds (committed offsets read by a client
// of our own, records read by kafka-python).

#include "fastkafka/app.hpp"
#include "fastkafka/runtime.hpp"

#include "caf/test/unit_test.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <regex>
#include <thread>

#include "caf/actor_system.hpp"

#include "fastkafka/embedded_broker.hpp"
#include "fastkafka/runtime_config.hpp"
#include "pipeline_app.hpp"
#include "support/broker_process.hpp"
#include "support/kafka_checks.hpp"
#include "support/pipeline_inputs.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;
using test::child_process;
using test::clock_type;
using offsets = std::map<int32_t, int64_t>;

namespace {

const std::string group = "fastkafka.pipeline.on_input";

/// The pipeline binary under test: this tree's, or another build's from
/// FASTKAFKA_FAULTS_PIPELINE (to show that a test fails without a fix).
std::string pipeline_exe() {
  if (auto* other = std::getenv("FASTKAFKA_FAULTS_PIPELINE"))
    return other;
  return PIPELINE_EXE;
}

/// Kafka API key of OffsetCommit and two retriable errors.
constexpr int offset_commit = 8;
constexpr int not_coordinator = 16;
constexpr int coordinator_load_in_progress = 14;

bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size()))
    ++n;
  return n;
}

/// The first line of `log` that contains `marker`, or nothing.
std::optional<std::string> line_with(const std::string& log,
                                     const std::string& marker) {
  auto at = log.find(marker);
  if (at == std::string::npos)
    return std::nullopt;
  auto begin = log.rfind('\n', at);
  begin = begin == std::string::npos ? 0 : begin + 1;
  auto end = log.find('\n', at);
  return log.substr(begin, end == std::string::npos ? end : end - begin);
}

/// The ` [P]=O` pairs after `marker` on its line.
std::optional<offsets> offsets_after(const std::string& log,
                                     const std::string& marker) {
  auto line = line_with(log, marker);
  if (!line)
    return std::nullopt;
  offsets out;
  static const std::regex pair{R"(\[(\d+)\]=(-?\d+))"};
  auto rest = line->substr(line->find(marker) + marker.size());
  for (std::sregex_iterator it{rest.begin(), rest.end(), pair}, end; it != end;
       ++it)
    out[std::stoi((*it)[1])] = std::stoll((*it)[2]);
  return out;
}

// The two lines a stopping consumer writes (engine/consumer_engine.cpp).
const std::string confirmed_marker =
    "offsets of input confirmed by the broker:";
const std::string unconfirmed_marker =
    "offsets of input processed but not confirmed by the broker:";

/// The wall clock as the app's log prints it (UTC, to the millisecond).
std::string wall_time() {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                now.time_since_epoch())
                .count() %
            1000;
  char buf[32];
  std::strftime(buf, sizeof(buf), "%H:%M:%S", std::gmtime(&t));
  return std::string{buf} + "." + std::to_string(1000 + ms).substr(1);
}

/// A `fastkafka-broker --control` with the pipeline's topics.
struct broker_process : test::broker_process {
  broker_process()
      : test::broker_process(BROKER_EXE,
                             {"--control", "--partitions", "4", "--topic",
                              "input", "--topic", "output", "--topic",
                              "input.dlq"},
                             true) {
    // nop
  }

  /// Runs one control command; true when the broker answered "ok".
  bool control(const std::string& command) {
    if (!proc.write_stdin(command + "\n"))
      return false;
    auto answer = proc.read_line(5s);
    CAF_MESSAGE("broker: " << answer.value_or("(no answer)"));
    return answer && *answer == "ok";
  }
};

/// The pipeline example as a process; its log (stderr) is collected.
struct app_process {
  child_process proc;
  std::string log;

  explicit app_process(std::vector<std::string> args)
      : proc(with_exe(std::move(args))) {
    // nop
  }

  static std::vector<std::string> with_exe(std::vector<std::string> args) {
    args.insert(args.begin(), pipeline_exe());
    return args;
  }

  /// Collects what the app logged so far (also keeps its pipe from filling).
  const std::string& drain(std::chrono::milliseconds wait = 50ms) {
    log += proc.read_stderr(wait);
    return log;
  }

  /// Waits until the log contains `what`.
  bool wait_for(const std::string& what,
                std::chrono::milliseconds timeout = 30s) {
    return test::eventually([&] { return contains(drain(), what); }, timeout);
  }

  /// Sends `sig` and waits for the exit; returns the exit code (-1: none
  /// within `timeout`) and how long it took.
  std::pair<int, std::chrono::milliseconds>
  stop(int sig, std::chrono::milliseconds timeout) {
    auto before = clock_type::now();
    CAF_MESSAGE("signal " << sig << " at " << wall_time());
    CAF_REQUIRE_EQUAL(::kill(proc.pid(), sig), 0);
    std::optional<int> status;
    while (!status && clock_type::now() - before < timeout) {
      drain(10ms);
      status = proc.wait_exit(10ms);
    }
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        clock_type::now() - before);
    drain(200ms);
    if (auto at = log.find("received SIG"); at != std::string::npos) {
      at = log.rfind('\n', at);
      CAF_MESSAGE("app log from the stop on:\n"
                  << log.substr(at == std::string::npos ? 0 : at + 1));
    } else {
      CAF_MESSAGE("the app did not log the signal; its log ends with:\n"
                  << log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
    }
    if (!status || !WIFEXITED(*status))
      return {-1, took};
    return {WEXITSTATUS(*status), took};
  }
};

std::vector<std::string> pipeline_run(const std::string& bootstrap,
                                      const std::string& stop_timeout_ms) {
  return {"run",          "--bootstrap-servers",  bootstrap,
          "--set",        "fetch_max_wait_ms=10", "--stop-timeout-ms",
          stop_timeout_ms};
}

/// Produces ids first..last with one producer, `per_tick` ids every tick
/// (10 ms), until told to stop: input keeps arriving while faults fire.
class streamer {
public:
  streamer(std::string bootstrap, int64_t first, int64_t last,
           int64_t per_tick = 10)
      : thread_([=, this] {
        test::delivery_log log;
        auto rk = test::make_client(RD_KAFKA_PRODUCER, bootstrap,
                                    {{"linger.ms", "2"}}, &log);
        for (auto id = first; id <= last && !stop_; ++id) {
          test::produce(rk.get(), "input", std::to_string(id),
                        test::input_json(id));
          rd_kafka_poll(rk.get(), 0);
          if ((id - first + 1) % per_tick == 0)
            std::this_thread::sleep_for(10ms);
        }
        rd_kafka_flush(rk.get(), 5000);
      }) {
    // nop
  }

  ~streamer() {
    stop_ = true;
    thread_.join();
  }

private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// Whether the group committed every partition of `input` to its end.
bool committed_to_end(const std::string& bootstrap) {
  auto ends = test::end_offsets(bootstrap, "input");
  return !ends.empty() &&
         test::committed_offsets(bootstrap, group, "input") == ends;
}

/// A TCP port on loopback that nothing listens on (it was free just now).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

/// Runs `python3 -c script args...` bounded by `timeout 60`; (code, stdout).
std::pair<int, std::string> python(const std::string& script,
                                   std::vector<std::string> args) {
  args.insert(args.begin(),
              {"/usr/bin/timeout", "60", "/usr/bin/python3", "-c", script});
  child_process proc{std::move(args)};
  auto out = proc.read_all(65s);
  auto err = proc.read_stderr(1s);
  if (!err.empty())
    CAF_MESSAGE("python3 stderr: " << err);
  return {proc.exit_code(5s), out};
}

/// True when Debian's kafka-python is there (the suite's outside reader).
bool have_kafka_python() {
  return python("import kafka", {}).first == 0;
}

/// Reads `topic` with kafka-python and prints `repr(key) value` per record.
const char* read_keys_script = R"py(
import sys
from kafka import KafkaConsumer
servers, topic, count = sys.argv[1].split(","), sys.argv[2], int(sys.argv[3])
consumer = KafkaConsumer(topic, bootstrap_servers=servers,
                         auto_offset_reset="earliest",
                         enable_auto_commit=False,
                         consumer_timeout_ms=20000)
seen = 0
for record in consumer:
    print(repr(record.key), record.value.decode())
    seen += 1
    if seen == count:
        break
consumer.close()
)py";

} // namespace

// -- 1. a stop that always ends ----------------------------------------------

CAF_TEST(a stop signal while the coordinator is gone and a commit is retried
             exits within the stop timeout naming what was not committed) {
  broker_process broker;
  app_process app{pipeline_run(broker.bootstrap, "3000")};
  CAF_REQUIRE(
      test::produce_all(broker.bootstrap, "input", test::inputs(1, 200)));
  CAF_REQUIRE_EQUAL(test::read_topic(broker.bootstrap, "output", 200).size(),
                    200u);
  CAF_REQUIRE(test::eventually([&] {
    app.drain();
    return committed_to_end(broker.bootstrap);
  }));
  auto before = test::committed_offsets(broker.bootstrap, group, "input");
  // Every commit from now on is answered NOT_COORDINATOR, so the app keeps
  // retrying while more input is processed; then the broker goes away.
  CAF_REQUIRE(broker.control("error " + std::to_string(offset_commit) + " " +
                             std::to_string(not_coordinator) + " 1000000"));
  CAF_REQUIRE(
      test::produce_all(broker.bootstrap, "input", test::inputs(201, 400)));
  CAF_REQUIRE_EQUAL(test::read_topic(broker.bootstrap, "output", 400).size(),
                    400u);
  CAF_CHECK(app.wait_for("was not confirmed", 10s));
  CAF_REQUIRE(broker.control("down 1"));
  std::this_thread::sleep_for(500ms);
  auto [code, took] = app.stop(SIGTERM, 20s);
  CAF_MESSAGE("exit code " << code << " after " << took.count() << " ms");
  // The bound is the stop timeout (3 s); the margin covers the runtime's
  // own teardown on a loaded machine.
  CAF_CHECK_LESS(took, 3s + 2s);
  CAF_CHECK_NOT_EQUAL(code, 0);
  CAF_CHECK_NOT_EQUAL(code, -1);
  // The log names the offsets it could not commit: each is past what the
  // broker holds for the group.
  CAF_REQUIRE(broker.control("up 1"));
  auto committed = test::committed_offsets(broker.bootstrap, group, "input");
  CAF_CHECK_EQUAL(committed, before);
  auto unconfirmed = offsets_after(app.log, unconfirmed_marker);
  CAF_REQUIRE(unconfirmed.has_value());
  CAF_CHECK(!unconfirmed->empty());
  for (auto [p, offset] : *unconfirmed) {
    CAF_MESSAGE("not committed: [" << p << "]=" << offset << ", broker has "
                                   << committed[p]);
    CAF_CHECK_GREATER(offset, committed[p]);
  }
  CAF_MESSAGE("unconfirmed line: "
              << line_with(app.log, unconfirmed_marker).value_or("-"));
}

// -- 2. commits that tell the truth ------------------------------------------

namespace {

// Streams input into `app`, makes the broker refuse the next `refusals`
// OffsetCommit requests, waits `before_stop`, then stops the app with
// SIGTERM: its exit code and how long the stop took.
template <class Broker, class App>
std::pair<int, std::chrono::milliseconds>
stop_while_commits_refused(Broker& broker, App& app, const char* refusals,
                           std::chrono::milliseconds before_stop) {
  // Input keeps arriving, so the stop's commit (and any in flight) meets
  // the refusals.
  streamer input{broker.bootstrap, 201, 100000};
  std::this_thread::sleep_for(1500ms);
  app.drain();
  CAF_REQUIRE(broker.control("error " + std::to_string(offset_commit) + " " +
                             std::to_string(coordinator_load_in_progress) +
                             " " + refusals));
  std::this_thread::sleep_for(before_stop);
  return app.stop(SIGTERM, 20s);
}

// What the log calls confirmed is exactly what the broker holds.
template <class Committed, class Confirmed>
void check_confirmed_is_committed(Committed& committed, Confirmed& confirmed) {
  for (auto [p, offset] : committed)
    if (offset > 0)
      CAF_CHECK_EQUAL(confirmed[p], offset);
  for (auto [p, offset] : confirmed)
    CAF_CHECK_EQUAL(committed[p], offset);
}

} // namespace

CAF_TEST(a commit refused during stop is logged as not confirmed and
         the confirmed line equals the offsets the broker committed) {
  broker_process broker;
  app_process app{pipeline_run(broker.bootstrap, "3000")};
  CAF_REQUIRE(
      test::produce_all(broker.bootstrap, "input", test::inputs(1, 200)));
  CAF_REQUIRE_EQUAL(test::read_topic(broker.bootstrap, "output", 200).size(),
                    200u);
  CAF_REQUIRE(test::eventually([&] {
    app.drain();
    return committed_to_end(broker.bootstrap);
  }));
  // Commits start failing just before the stop and never recover.
  auto [code, took] = stop_while_commits_refused(broker, app, "1000000", 300ms);
  CAF_MESSAGE("exit code " << code << " after " << took.count() << " ms");
  CAF_CHECK_NOT_EQUAL(code, 0);
  CAF_CHECK_LESS(took, 3s + 2s);
  auto committed = test::committed_offsets(broker.bootstrap, group, "input");
  auto confirmed = offsets_after(app.log, confirmed_marker);
  auto unconfirmed = offsets_after(app.log, unconfirmed_marker);
  CAF_REQUIRE(confirmed.has_value());
  CAF_REQUIRE(unconfirmed.has_value());
  check_confirmed_is_committed(committed, *confirmed);
  // What it calls not confirmed is past it.
  CAF_CHECK(!unconfirmed->empty());
  for (auto [p, offset] : *unconfirmed)
    CAF_CHECK_GREATER(offset, committed[p]);
  CAF_MESSAGE(
      "confirmed line: " << line_with(app.log, confirmed_marker).value_or("-"));
  CAF_MESSAGE("unconfirmed line: "
              << line_with(app.log, unconfirmed_marker).value_or("-"));
}

CAF_TEST(a commit refused a few times during stop is retried within the stop
             timeout and the log matches the broker) {
  broker_process broker;
  app_process app{pipeline_run(broker.bootstrap, "5000")};
  CAF_REQUIRE(
      test::produce_all(broker.bootstrap, "input", test::inputs(1, 200)));
  CAF_REQUIRE_EQUAL(test::read_topic(broker.bootstrap, "output", 200).size(),
                    200u);
  // Three refusals: the stop sends the commit again until it is confirmed.
  auto [code, took] = stop_while_commits_refused(broker, app, "3", 0ms);
  CAF_MESSAGE("exit code " << code << " after " << took.count() << " ms");
  CAF_CHECK_EQUAL(code, 0);
  CAF_CHECK(!contains(app.log, unconfirmed_marker));
  auto committed = test::committed_offsets(broker.bootstrap, group, "input");
  auto confirmed = offsets_after(app.log, confirmed_marker);
  CAF_REQUIRE(confirmed.has_value());
  check_confirmed_is_committed(committed, *confirmed);
  // Every id the app wrote out is covered by the committed offsets: what
  // it processed was committed before it said so.
  auto outputs = test::read_topic(broker.bootstrap, "output", 200, 10s);
  int64_t committed_total = 0;
  for (auto [p, offset] : committed)
    committed_total += std::max<int64_t>(offset, 0);
  CAF_CHECK_GREATER_OR_EQUAL(committed_total, 200);
  CAF_CHECK_LESS_OR_EQUAL(committed_total,
                          static_cast<int64_t>(outputs.size()));
}

// -- 3. few re-deliveries ----------------------------------------------------

CAF_TEST(after a kill - 9 and
         after a 10 s outage re -
             deliveries stay within two polls per partition) {
  // The counting program streams 30k ids, fires the fault mid-stream, and
  // checks every id came out and at most 2 x max_poll_records per input
  // partition came out twice.
  child_process counter{{REDELIVERY_EXE, "--pipeline", pipeline_exe(),
                         "--check", "--messages", "30000", "--outage-ms",
                         "10000", "--timeout", "90"}};
  auto out = counter.read_all(240s);
  CAF_MESSAGE(out);
  CAF_CHECK_EQUAL(counter.exit_code(10s), 0);
  CAF_CHECK_EQUAL(count_of(out, "within-bound"), 2u);
  CAF_CHECK(contains(out, "scenario=kill9"));
  CAF_CHECK(contains(out, "scenario=outage"));
  CAF_CHECK_EQUAL(count_of(out, "missing=0 "), 2u);
}

// -- 4. says when the broker is not reachable, and when it is -----------------

CAF_TEST(with nothing listening the log says not reachable once) {
  auto port = free_port();
  CAF_REQUIRE_GREATER(port, 0);
  app_process app{pipeline_run("127.0.0.1:" + std::to_string(port), "3000")};
  CAF_CHECK(app.wait_for("not reachable yet", 15s));
  // Clients keep trying; the log does not repeat it.
  std::this_thread::sleep_for(4s);
  app.drain();
  CAF_CHECK_EQUAL(count_of(app.log, "not reachable"), 1u);
  CAF_CHECK(!contains(app.log, "connected to broker"));
  auto [code, took] = app.stop(SIGTERM, 20s);
  CAF_CHECK_NOT_EQUAL(code, -1);
  CAF_MESSAGE("exit code " << code << " after " << took.count() << " ms");
}

CAF_TEST(a broker that comes up later is announced as connected) {
  broker_process broker;
  CAF_REQUIRE(broker.control("down 1"));
  app_process app{pipeline_run(broker.bootstrap, "3000")};
  CAF_CHECK(app.wait_for("not reachable yet", 15s));
  CAF_CHECK(!contains(app.log, "connected to broker"));
  CAF_REQUIRE(broker.control("up 1"));
  CAF_CHECK(app.wait_for("connected to broker", 20s));
  CAF_CHECK_EQUAL(count_of(app.log, "not reachable"), 1u);
  // And it works: input goes through.
  CAF_REQUIRE(
      test::produce_all(broker.bootstrap, "input", test::inputs(1, 20)));
  CAF_CHECK_EQUAL(test::read_topic(broker.bootstrap, "output", 20).size(), 20u);
  auto [code, took] = app.stop(SIGTERM, 20s);
  CAF_CHECK_EQUAL(code, 0);
}

// -- 5. librdkafka's debug output --------------------------------------------

CAF_TEST(librdkafka debug output asked for with set is in the app output) {
  broker_process broker;
  // Facilities only librdkafka's debug contexts write (level 7).
  static const std::regex debug_line{
      R"(librdkafka [^ ]+ (BRKMAIN|CONNECT|STATE|BROADCAST|INIT|WAKEUP):)"};
  {
    app_process plain{pipeline_run(broker.bootstrap, "3000")};
    // "clients of broker ... started", then "Pipeline started".
    CAF_CHECK(plain.wait_for("started", 20s));
    std::this_thread::sleep_for(1s);
    plain.drain();
    CAF_CHECK(!std::regex_search(plain.log, debug_line));
    plain.stop(SIGTERM, 20s);
  }
  auto args = pipeline_run(broker.bootstrap, "3000");
  args.insert(args.end(), {"--set", "librdkafka.debug=broker"});
  app_process debug{args};
  CAF_CHECK(test::eventually(
      [&] { return std::regex_search(debug.drain(), debug_line); }, 20s));
  if (auto line = line_with(debug.log, "librdkafka "))
    CAF_MESSAGE("first librdkafka line: " << *line);
  debug.stop(SIGTERM, 20s);
}

// -- 6. secrets never in command-line errors ---------------------------------

CAF_TEST(command line errors never print a secret value) {
  const std::string secret = "Sup3rS3cretValue";
  std::vector<std::vector<std::string>> cases{
      {"docs", "generate", "--set", "sasl_plain_password=" + secret},
      {"docs", "generate", "--set=sasl_plain_password=" + secret},
      {"run", "--set", "sasl_plain_password=" + secret, "--no-such-flag"},
      {"run", "--set", "sasl_plain_password=" + secret, "--set", "acks=2"},
      {"run", "--set", "librdkafka.sasl.password=" + secret, "--bogus"},
      {"run", "--set", "sasl_plain_password=" + secret, "extra-argument"},
  };
  for (auto& args : cases) {
    child_process proc{app_process::with_exe(args)};
    auto out = proc.read_all(20s);
    auto err = proc.read_stderr(1s);
    auto code = proc.exit_code(10s);
    auto text = out + err;
    CAF_MESSAGE("pipeline " << args[0] << " " << args[1] << " ... -> " << code
                            << ": " << text.substr(0, 200));
    CAF_CHECK_EQUAL(code, 2);
    CAF_CHECK(!text.empty());
    CAF_CHECK(!contains(text, secret));
    CAF_CHECK(!contains(text, secret.substr(0, 8)));
  }
}

// -- 7. an empty key is a key -------------------------------------------------

CAF_TEST(
    an empty key and no key reach a foreign reader apart also in dead letters) {
  if (!have_kafka_python()) {
    CAF_MESSAGE("kafka-python is not installed for /usr/bin/python3: "
                "apt-get install python3-kafka");
    std::exit(77);
  }
  embedded_broker broker{
      {.partitions = 1, .topics = {"input", "output", "input.dlq", "keys"}}};
  runtime_config cfg;
  caf::actor_system sys{cfg};
  app svc{pipeline::config()};
  pipeline::install(svc);
  auto to_keys = svc.produces<pipeline::InputData>("to_keys");
  runtime rt{svc};
  rt.start(sys, {.broker_name = "embedded",
                 .bootstrap_servers = broker.bootstrap_servers(),
                 .defaults = embedded_client_defaults()});
  CAF_REQUIRE(svc.is_started());
  // A producer of the app: an empty key, no key, and a key.
  to_keys(event<pipeline::InputData>{{1, 1, "empty"}, std::string{}, {}});
  to_keys(event<pipeline::InputData>{{2, 2, "none"}, std::nullopt, {}});
  to_keys(event<pipeline::InputData>{{3, 3, "some"}, std::string{"k"}, {}});
  // Input the pipeline cannot decode goes to the dead letter topic with the
  // key it came with: empty, none.
  {
    test::delivery_log log;
    auto rk = test::make_client(RD_KAFKA_PRODUCER, broker.bootstrap_servers(),
                                {}, &log);
    std::string empty_bad = "empty-key: not json";
    std::string null_bad = "no-key: not json";
    CAF_REQUIRE_EQUAL(test::produce(rk.get(), "input", "", empty_bad),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
    CAF_REQUIRE_EQUAL(
        rd_kafka_producev(rk.get(), RD_KAFKA_V_TOPIC("input"),
                          RD_KAFKA_V_VALUE(null_bad.data(), null_bad.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_END),
        RD_KAFKA_RESP_ERR_NO_ERROR);
    CAF_REQUIRE(test::wait_for_reports(rk.get(), log, 2));
  }
  CAF_REQUIRE_EQUAL(
      test::read_topic(broker.bootstrap_servers(), "input.dlq", 2).size(), 2u);
  rt.stop();

  auto [code, keys] =
      python(read_keys_script, {broker.bootstrap_servers(), "keys", "3"});
  CAF_CHECK_EQUAL(code, 0);
  CAF_MESSAGE("keys:\n" << keys);
  CAF_CHECK(contains(keys, "b'' {\"id\":1,"));
  CAF_CHECK(contains(keys, "None {\"id\":2,"));
  CAF_CHECK(contains(keys, "b'k' {\"id\":3,"));
  // The input as kafka-python sees it, and its dead letters.
  auto [code_in, input] =
      python(read_keys_script, {broker.bootstrap_servers(), "input", "2"});
  CAF_CHECK_EQUAL(code_in, 0);
  CAF_CHECK(contains(input, "b'' empty-key: not json"));
  CAF_CHECK(contains(input, "None no-key: not json"));
  auto [code_dlq, dlq] =
      python(read_keys_script, {broker.bootstrap_servers(), "input.dlq", "2"});
  CAF_CHECK_EQUAL(code_dlq, 0);
  CAF_MESSAGE("dead letters:\n" << dlq);
  CAF_CHECK(contains(dlq, "b'' empty-key: not json"));
  CAF_CHECK(contains(dlq, "None no-key: not json"));
}
