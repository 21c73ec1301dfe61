#define CAF_SUITE integration.cli

#include "fastkafka/cli.hpp"

#include "caf/test/unit_test.hpp"

#include <cstdlib>
#include <regex>

#include <boost/json.hpp>

#include "support/kafka_checks.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;
using test::child_process;

namespace {

// A broker process with the pipeline's topics; stopped by pid at scope exit.
struct broker_process {
  child_process proc{{BROKER_EXE, "--partitions", "4", "--topic", "input",
                      "--topic", "output", "--topic", "input.dlq"}};
  std::string bootstrap;

  broker_process() {
    auto line = proc.read_line(10s);
    CAF_REQUIRE(line.has_value());
    bootstrap = *line;
    CAF_REQUIRE(std::regex_match(bootstrap, std::regex{R"(127\.0\.0\.1:\d+)"}));
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

// Reads `count` records of `output` with kcat, retrying until they are there.
std::vector<std::string> kcat_consume(const std::string& bootstrap,
                                      size_t count) {
  std::vector<std::string> values;
  test::eventually(
      [&] {
        child_process kcat{{"/usr/bin/timeout", "10", "/usr/bin/kcat", "-b",
                            bootstrap, "-C", "-t", "output", "-o", "beginning",
                            "-e", "-q", "-f", "%s\\n"}};
        auto text = kcat.read_all(12s);
        kcat.exit_code(2s);
        values.clear();
        size_t pos = 0;
        while (pos < text.size()) {
          auto nl = text.find('\n', pos);
          if (nl == std::string::npos)
            nl = text.size();
          if (nl > pos)
            values.push_back(text.substr(pos, nl - pos));
          pos = nl + 1;
        }
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
