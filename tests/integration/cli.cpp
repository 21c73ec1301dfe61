#define CAF_SUITE integration.cli

#include "fastkafka/cli.hpp"

#include "caf/test/unit_test.hpp"

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include <boost/json.hpp>

#include "support/broker_process.hpp"
#include "support/kafka_checks.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;
using test::child_process;

namespace {

// A broker process with the pipeline's (and the probe's) topics; stopped by
// pid at scope exit.
struct broker_process : fastkafka::test::broker_process {
  broker_process()
      : fastkafka::test::broker_process(
            BROKER_EXE,
            {"--partitions", "4", "--topic", "input", "--topic", "output",
             "--topic", "input.dlq", "--topic", "audited"}) {
    // nop
  }
};

// Runs `pipeline ARGS...` to completion and returns (exit code, stderr).
std::pair<int, std::string> run_pipeline(std::vector<std::string> args) {
  args.insert(args.begin(), PIPELINE_EXE);
  child_process proc{args};
  auto out = proc.read_all(10s);
  auto err = proc.read_stderr(1s);
  return {proc.exit_code(10s), out + err};
}

// What a finished command printed.
struct outcome {
  int rc = -1;
  std::string out;
  std::string err;
};

// Runs `exe ARGS...` to completion, stdout and stderr apart.
outcome run_exe(const char* exe, std::vector<std::string> args) {
  args.insert(args.begin(), exe);
  child_process proc{args};
  outcome o;
  o.out = proc.read_all(20s);
  o.err = proc.read_stderr(1s);
  o.rc = proc.exit_code(10s);
  return o;
}

// Lines of `text` (without the newlines, empty ones dropped).
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos)
      nl = text.size();
    if (nl > pos)
      out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

std::string kcat_lines(int first, int last) {
  std::string lines;
  for (int id = first; id <= last; ++id)
    lines += std::to_string(id) + ":{\"id\":" + std::to_string(id) +
             ",\"value\":" + std::to_string(id) + ".5,\"name\":\"kcat-" +
             std::to_string(id) + "\"}\n";
  return lines;
}

// Writes lines with kcat (a client nobody here wrote) as `key:value`.
void kcat_produce(const std::string& bootstrap, const std::string& lines) {
  child_process kcat{{"/usr/bin/timeout", "30", "/usr/bin/kcat", "-b",
                      bootstrap, "-P", "-t", "input", "-K:"},
                     true};
  CAF_REQUIRE(kcat.write_stdin(lines));
  kcat.close_stdin();
  CAF_REQUIRE_EQUAL(kcat.exit_code(35s), 0);
}

// Reads `count` records of `topic` with kcat, retrying until they are there.
std::vector<std::string> kcat_consume(const std::string& bootstrap,
                                      size_t count,
                                      const std::string& topic = "output") {
  std::vector<std::string> values;
  test::eventually(
      [&] {
        child_process kcat{{"/usr/bin/timeout", "10", "/usr/bin/kcat", "-b",
                            bootstrap, "-C", "-t", topic, "-o", "beginning",
                            "-e", "-q", "-f", "%s\\n"}};
        auto text = kcat.read_all(12s);
        kcat.exit_code(2s);
        values = lines_of(text);
        return values.size() >= count;
      },
      45s);
  return values;
}

bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

} // namespace

CAF_TEST(help explains the commands and options) {
  auto [rc, text] = run_pipeline({"--help"});
  CAF_CHECK_EQUAL(rc, 0);
  CAF_CHECK(contains(text, "run"));
  auto [rc2, run_help] = run_pipeline({"run", "--help"});
  CAF_CHECK_EQUAL(rc2, 0);
  for (auto word : {"--kafka-broker", "--bootstrap-servers", "--set",
                    "FASTKAFKA_BOOTSTRAP_SERVERS", "embedded", "group_id"})
    CAF_CHECK(contains(run_help, word));
}

CAF_TEST(an unknown broker name lists the known ones) {
  auto [rc, text] = run_pipeline({"run", "--kafka-broker", "production"});
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(contains(text, "unknown broker \"production\""));
  CAF_CHECK(contains(text, "localhost, embedded"));
}

CAF_TEST(bad options are rejected by name before anything starts) {
  auto [rc, text] = run_pipeline({"run", "--set", "acks=2"});
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(contains(text, "acks") && contains(text, "\"2\""));
  std::tie(rc, text) = run_pipeline({"run", "--set", "lingerms=5"});
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(contains(text, "unknown option \"lingerms\""));
  std::tie(rc, text) = run_pipeline({"run", "--set", "group_id"});
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(contains(text, "NAME=VALUE"));
  std::tie(rc, text) = run_pipeline({"run", "--no-such-flag"});
  CAF_CHECK_EQUAL(rc, 2);
}

CAF_TEST(
    kcat writes input and reads output and a stop signal commits to the end) {
  broker_process broker;
  child_process app{
      {PIPELINE_EXE, "run", "--bootstrap-servers", broker.bootstrap}};
  kcat_produce(broker.bootstrap, kcat_lines(1, 100));
  auto values = kcat_consume(broker.bootstrap, 100);
  CAF_REQUIRE_EQUAL(values.size(), 100u);
  std::set<int64_t> ids;
  for (auto& v : values) {
    auto obj = boost::json::parse(v).as_object();
    auto id = obj.at("id").as_int64();
    CAF_CHECK_EQUAL(obj.at("value").to_number<double>(),
                    (static_cast<double>(id) + 0.5) * 2);
    CAF_CHECK_EQUAL(obj.at("name").as_string(), "kcat-" + std::to_string(id));
    ids.insert(id);
  }
  CAF_CHECK_EQUAL(ids.size(), 100u);
  CAF_REQUIRE_EQUAL(::kill(app.pid(), SIGTERM), 0);
  CAF_CHECK_EQUAL(app.exit_code(30s), 0);
  auto log = app.read_stderr(1s);
  CAF_CHECK(contains(log, "received SIGTERM"));
  CAF_CHECK(contains(log, "Pipeline stopped"));
  auto committed = test::committed_offsets(
      broker.bootstrap, "fastkafka.pipeline.on_input", "input");
  auto ends = test::end_offsets(broker.bootstrap, "input");
  CAF_CHECK_EQUAL(committed, ends);
}

CAF_TEST(the environment and set override the declared broker and group) {
  broker_process broker;
  ::setenv("FASTKAFKA_BOOTSTRAP_SERVERS", broker.bootstrap.c_str(), 1);
  child_process app{{PIPELINE_EXE, "run", "--set", "group_id=replay-7"}};
  ::unsetenv("FASTKAFKA_BOOTSTRAP_SERVERS");
  kcat_produce(broker.bootstrap, kcat_lines(1, 5));
  CAF_CHECK_EQUAL(kcat_consume(broker.bootstrap, 5).size(), 5u);
  CAF_REQUIRE_EQUAL(::kill(app.pid(), SIGINT), 0);
  CAF_CHECK_EQUAL(app.exit_code(30s), 0);
  // An app-wide group id names a family: each registration joins
  // `<group>.<registration>`, so that handlers of one topic never split it.
  auto committed =
      test::committed_offsets(broker.bootstrap, "replay-7.on_input", "input");
  CAF_CHECK_EQUAL(committed, test::end_offsets(broker.bootstrap, "input"));
  auto plain = test::committed_offsets(broker.bootstrap, "replay-7", "input");
  for (auto& [partition, offset] : plain)
    CAF_CHECK_LESS(offset, 0); // nothing was committed under the bare id
}

CAF_TEST(the embedded broker runs the app in one process) {
  child_process app{{PIPELINE_EXE, "run", "--kafka-broker", "embedded"}};
  // The embedded broker announces itself on stderr; wait for the start.
  std::string log;
  CAF_CHECK(test::eventually(
      [&] {
        log += app.read_stderr(100ms);
        return contains(log, "Pipeline started");
      },
      20s));
  CAF_CHECK(contains(log, "embedded broker"));
  CAF_CHECK(contains(log, "5 MiB"));
  CAF_REQUIRE_EQUAL(::kill(app.pid(), SIGTERM), 0);
  CAF_CHECK_EQUAL(app.exit_code(30s), 0);
}

// Collects the stderr of `app` until `line` shows up (or `timeout`).
std::string stderr_until(child_process& app, const std::string& line,
                         std::chrono::milliseconds timeout = 30s) {
  std::string log;
  test::eventually(
      [&] {
        log += app.read_stderr(100ms);
        return contains(log, line);
      },
      timeout);
  return log;
}

// The ids of the JSON records `values`.
std::multiset<int64_t> ids_of(const std::vector<std::string>& values) {
  std::multiset<int64_t> ids;
  for (auto& v : values)
    ids.insert(boost::json::parse(v).as_object().at("id").as_int64());
  return ids;
}

CAF_TEST(an app wide group id lets two handlers of one topic see every record) {
  // The README's own example: `run --set group_id=replay-7`. The probe has
  // two consumers of input (on_input -> output, audit -> audited); in one
  // group they would split input's partitions and each miss about half.
  broker_process broker;
  child_process app{{PROBE_EXE, "run", "--bootstrap-servers", broker.bootstrap,
                     "--set", "group_id=replay-7"}};
  kcat_produce(broker.bootstrap, kcat_lines(1, 60));
  auto doubled = ids_of(kcat_consume(broker.bootstrap, 60, "output"));
  auto copied = ids_of(kcat_consume(broker.bootstrap, 60, "audited"));
  std::multiset<int64_t> all;
  for (int64_t id = 1; id <= 60; ++id)
    all.insert(id);
  // Every id exactly once on each (nothing was restarted).
  CAF_CHECK_EQUAL(doubled, all);
  CAF_CHECK_EQUAL(copied, all);
  CAF_REQUIRE_EQUAL(::kill(app.pid(), SIGTERM), 0);
  CAF_CHECK_EQUAL(app.exit_code(30s), 0);
  auto ends = test::end_offsets(broker.bootstrap, "input");
  CAF_CHECK_EQUAL(
      test::committed_offsets(broker.bootstrap, "replay-7.on_input", "input"),
      ends);
  CAF_CHECK_EQUAL(
      test::committed_offsets(broker.bootstrap, "replay-7.audit", "input"),
      ends);
}

CAF_TEST(a default start logs no warning and no sasl property) {
  // librdkafka said CONFWARN (sasl.mechanism set to PLAIN without SASL) for
  // every client at every start.
  broker_process broker;
  child_process app{{PROBE_EXE, "run", "--bootstrap-servers", broker.bootstrap,
                     "--log-level", "debug"}};
  auto log = stderr_until(app, "Probe started");
  CAF_REQUIRE(contains(log, "Probe started"));
  kcat_produce(broker.bootstrap, kcat_lines(1, 5));
  CAF_CHECK_EQUAL(kcat_consume(broker.bootstrap, 5).size(), 5u);
  CAF_REQUIRE_EQUAL(::kill(app.pid(), SIGTERM), 0);
  CAF_CHECK_EQUAL(app.exit_code(30s), 0);
  log += app.read_stderr(1s);
  CAF_CHECK(contains(log, "Probe stopped"));
  for (auto& line : lines_of(log)) {
    auto bad = contains(line, "CONFWARN") || contains(line, " warning ") ||
               contains(line, " error ") || contains(line, "sasl");
    if (bad)
      CAF_MESSAGE("unexpected: " << line);
    CAF_CHECK(!bad);
  }
}

CAF_TEST(log level flag and environment variable choose what is logged) {
  broker_process broker;
  auto started_lines = [&](std::vector<std::string> args,
                           const char* env_level) {
    if (env_level != nullptr)
      ::setenv("FASTKAFKA_LOG_LEVEL", env_level, 1);
    args.insert(args.begin(), PIPELINE_EXE);
    child_process app{args};
    ::unsetenv("FASTKAFKA_LOG_LEVEL");
    // Quiet levels never say "started": give those 4 s (the start takes
    // about one), then stop the app.
    auto log = stderr_until(app, "Pipeline started", 4s);
    std::this_thread::sleep_for(300ms);
    ::kill(app.pid(), SIGTERM);
    CAF_CHECK_EQUAL(app.exit_code(30s), 0);
    return log + app.read_stderr(1s);
  };
  auto info =
      started_lines({"run", "--bootstrap-servers", broker.bootstrap}, nullptr);
  CAF_CHECK(contains(info, " info "));
  CAF_CHECK(!contains(info, " debug "));
  // Connection failures are debug lines (the supervisor says once, at
  // warning, that the broker is unreachable): a closed port shows them.
  auto closed =
      std::vector<std::string>{"run", "--bootstrap-servers", "127.0.0.1:1"};
  auto unreachable_info = started_lines(closed, nullptr);
  CAF_CHECK(!contains(unreachable_info, " debug "));
  closed.insert(closed.begin(), {"--log-level", "debug"});
  auto debug = started_lines(closed, nullptr);
  CAF_CHECK(contains(debug, " debug "));
  // The names --help documents, and spdlog's own spelling.
  for (auto* level : {"warn", "error", "warning"}) {
    auto quiet = started_lines(
        {"--log-level", level, "run", "--bootstrap-servers", broker.bootstrap},
        nullptr);
    CAF_CHECK(!contains(quiet, " info "));
    CAF_CHECK(!contains(quiet, "Pipeline started"));
  }
  // After the command too, where users write it.
  auto after = started_lines(
      {"run", "--bootstrap-servers", broker.bootstrap, "--log-level", "warn"},
      nullptr);
  CAF_CHECK(!contains(after, " info "));
  CAF_CHECK(!contains(after, "not expected"));
  auto env =
      started_lines({"run", "--bootstrap-servers", broker.bootstrap}, "warn");
  CAF_CHECK(!contains(env, " info "));
  // The flag wins over the environment.
  auto both = started_lines(
      {"--log-level", "info", "run", "--bootstrap-servers", broker.bootstrap},
      "error");
  CAF_CHECK(contains(both, "Pipeline started"));
  auto bad = run_exe(PIPELINE_EXE, {"--log-level", "loud", "run"});
  CAF_CHECK_EQUAL(bad.rc, 2);
  CAF_CHECK(contains(bad.err, "unknown log level \"loud\""));
}

CAF_TEST(json log format writes one object per line with the text fields) {
  broker_process broker;
  child_process app{{PIPELINE_EXE, "--log-format", "json", "run",
                     "--bootstrap-servers", broker.bootstrap}};
  auto log = stderr_until(app, "Pipeline started");
  ::kill(app.pid(), SIGTERM);
  CAF_CHECK_EQUAL(app.exit_code(30s), 0);
  log += app.read_stderr(1s);
  auto lines = lines_of(log);
  CAF_REQUIRE_GREATER(lines.size(), 2u);
  bool started = false;
  for (auto& line : lines) {
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    if (ec || !v.is_object())
      CAF_MESSAGE("not a JSON object: " << line);
    CAF_CHECK(!ec && v.is_object());
    if (ec || !v.is_object())
      continue;
    auto& obj = v.as_object();
    // The text form's fields: time, level, logger, message.
    for (auto* key : {"time", "level", "logger", "message"})
      CAF_CHECK(obj.contains(key) && obj.at(key).is_string());
    CAF_CHECK(std::regex_match(
        std::string{obj.at("time").as_string()},
        std::regex{
            R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{2}:?\d{2})"}));
    if (obj.at("message").as_string() == "Pipeline started")
      started = obj.at("level").as_string() == "info";
  }
  CAF_CHECK(started);
  auto bad = run_exe(PIPELINE_EXE, {"--log-format", "xml", "run"});
  CAF_CHECK_EQUAL(bad.rc, 2);
  CAF_CHECK(contains(bad.err, "unknown log format \"xml\""));
}

CAF_TEST(help and docs print no log lines of the registrations) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--help"}, {"run", "--help"}, {"docs", "--help"}, {"--version"}}) {
    auto o = run_exe(PROBE_EXE, args);
    CAF_CHECK_EQUAL(o.rc, 0);
    CAF_CHECK(!o.out.empty());
    if (!o.err.empty())
      CAF_MESSAGE("stderr of " << args[0] << ": " << o.err);
    CAF_CHECK(o.err.empty());
    CAF_CHECK(!contains(o.out + o.err, "background task"));
    CAF_CHECK(!contains(o.out + o.err, "[fastkafka]"));
  }
  // docs generate writes files and says so, but nothing of the app's
  // registration.
  char dir[] = "/tmp/fastkafka-cli-docs-XXXXXX";
  CAF_REQUIRE(::mkdtemp(dir) != nullptr);
  auto o = run_exe(PROBE_EXE, {"docs", "generate", "--root-path", dir});
  CAF_MESSAGE("docs generate: " << o.out << o.err);
  CAF_CHECK(!contains(o.out + o.err, "background task"));
  CAF_CHECK(!contains(o.out + o.err, " info "));
  std::filesystem::remove_all(dir);
}

CAF_TEST(version names the app and fastkafka) {
  auto o = run_exe(PIPELINE_EXE, {"--version"});
  CAF_CHECK_EQUAL(o.rc, 0);
  CAF_CHECK(std::regex_search(
      o.out, std::regex{R"(^Pipeline 0\.1\.0 \(fastkafka \d+\.\d+\.\d+)"}));
  auto probe = run_exe(PROBE_EXE, {"--version"});
  CAF_CHECK(contains(probe.out, "Probe 0.2.0"));
}

CAF_TEST(an unknown command is named and the known ones listed) {
  auto o = run_exe(PIPELINE_EXE, {"testing"});
  CAF_CHECK_EQUAL(o.rc, 2);
  CAF_CHECK(contains(o.err, "unknown command \"testing\""));
  for (auto* cmd : {"run", "docs"})
    CAF_CHECK(contains(o.err, cmd));
  CAF_CHECK(!contains(o.err, "A subcommand is required"));
  o = run_exe(PIPELINE_EXE, {"docs", "bogus"});
  CAF_CHECK_EQUAL(o.rc, 2);
  CAF_CHECK(contains(o.err, "unknown command \"bogus\" of docs"));
  for (auto* cmd : {"generate", "serve"})
    CAF_CHECK(contains(o.err, cmd));
}

CAF_TEST(a cut short option name gets a did you mean) {
  auto [rc, text] = run_pipeline({"run", "--set", "linger=5"});
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(contains(text, "unknown option \"linger\""));
  CAF_CHECK(contains(text, "did you mean linger_ms?"));
  std::tie(rc, text) = run_pipeline({"run", "--set", "on_input.max_poll=5"});
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(contains(text, "did you mean max_poll_records?"));
}

CAF_TEST(a property librdkafka rejects is a sentence not an error dump) {
  broker_process broker;
  for (auto* set : {"librdkafka.no.such.property=1",
                    "librdkafka.queue.buffering.max.ms=soon"}) {
    auto [rc, text] = run_pipeline(
        {"run", "--bootstrap-servers", broker.bootstrap, "--set", set});
    CAF_MESSAGE(text);
    CAF_CHECK_NOT_EQUAL(rc, 0);
    std::string key{set};
    key = key.substr(11, key.find('=') - 11);
    CAF_CHECK(contains(text, key));
    CAF_CHECK(!contains(text, "error("));
    CAF_CHECK(!contains(text, "'fastkafka'"));
  }
}

CAF_TEST(options that cannot be honoured stop the start with the reason) {
  broker_process broker;
  auto [rc, text] =
      run_pipeline({"run", "--bootstrap-servers", broker.bootstrap, "--set",
                    "transactional_id=orders-tx"});
  CAF_CHECK_EQUAL(rc, 2);
  // Transactions are opened by exactly-once consumers only: an app-wide
  // id would make the app's producer transactional and name an
  // at-least-once consumer's.
  CAF_CHECK(contains(text, "produces to_output: transactional_id=orders-tx "
                           "cannot be set on a producer"));
  CAF_CHECK(contains(text, "consumes on_input: transactional_id=orders-tx is "
                           "used only with delivery=exactly_once"));
  std::tie(rc, text) = run_pipeline({"run", "--set", "send_backoff_ms=10"});
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(contains(text, "retry_backoff_ms"));
  std::tie(rc, text) =
      run_pipeline({"run", "--set", "exclude_internal_topics=false"});
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(contains(text, "exact name"));
  std::tie(rc, text) =
      run_pipeline({"run", "--set", "sasl_oauth_token_provider=x"});
  CAF_CHECK_EQUAL(rc, 2);
  CAF_CHECK(contains(text, "oauth_tokens"));
}
