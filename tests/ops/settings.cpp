#define CAF_SUITE ops_settings

#include "fastkafka/ops/settings.hpp"

#include "caf/test/unit_test.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fastkafka/errors.hpp"
#include "fastkafka/ops/command_line.hpp"
#include "fastkafka/ops/config_file.hpp"
#include "fastkafka/ops/environment.hpp"

using namespace fastkafka;
using namespace fastkafka::ops;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> regs{"on_input", "to_output"};

/// A folder for secret files, removed at the end.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    char tmpl[] = "/tmp/fastkafka-ops-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) {
    auto p = path / name;
    std::ofstream{p} << text;
    return p.string();
  }
};

/// The message of the config_error `f` throws; empty when it throws none.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

settings_layer file_layer(const std::string& yaml) {
  return parse_config(yaml, "app.yaml", regs);
}

settings_layer env_layer(std::vector<std::string> entries) {
  std::vector<std::string> warnings;
  return environment_layer(entries, warnings);
}

settings_layer cli_layer(std::vector<std::string> sets) {
  return command_line_layer(sets, {}, regs);
}

settings_layer code_layer(int64_t linger, int64_t port) {
  settings_layer code;
  code.options.linger_ms = linger;
  code.service.metrics_port = port;
  code.origins["options.linger_ms"] = "code";
  return code;
}

const settings_layer none;

} // namespace

CAF_TEST(a full file sets every service setting and options) {
  auto layer = file_layer(R"(
kafka_broker: production
bootstrap_servers: [kafka-0:9092, kafka-1:9092]
stop_timeout_ms: 45000
delivery: exactly_once
workers: 3
metrics: {bind: 0.0.0.0, port: 9464}
stats:
  bind: 127.0.0.1
  port: 9465
log: {level: debug, format: json}
health: {stall_timeout_ms: 120000}
options:
  linger_ms: 10
  partition_assignment_strategy: [cooperative-sticky]
  librdkafka:
    statistics.interval.ms: 10000
registrations:
  on_input:
    max_poll_records: 50
    group_id: replay-7
)");
  auto r = resolve_settings(none, layer, none, none);
  CAF_CHECK_EQUAL(r.kafka_broker, "production");
  CAF_CHECK_EQUAL(r.bootstrap_servers, "kafka-0:9092,kafka-1:9092");
  CAF_CHECK(r.stop_timeout == 45000ms);
  CAF_CHECK(r.delivery == delivery_guarantee::exactly_once);
  CAF_CHECK_EQUAL(r.workers, 3);
  CAF_REQUIRE(r.metrics);
  CAF_CHECK_EQUAL(r.metrics->bind, "0.0.0.0");
  CAF_CHECK_EQUAL(r.metrics->port, 9464);
  CAF_REQUIRE(r.stats);
  CAF_CHECK_EQUAL(r.stats->port, 9465);
  CAF_CHECK_EQUAL(r.log_level, "debug");
  CAF_CHECK(r.log_format == log_encoding::json);
  CAF_CHECK(r.stall_timeout == 120000ms);
  CAF_CHECK_EQUAL(r.options.linger_ms.value_or(-1), 10);
  CAF_CHECK_EQUAL(r.options.partition_assignment_strategy.value_or(""),
                  "cooperative-sticky");
  CAF_CHECK_EQUAL(r.options.librdkafka["statistics.interval.ms"], "10000");
  CAF_CHECK_EQUAL(r.registrations["on_input"].max_poll_records.value_or(-1),
                  50);
  CAF_CHECK_EQUAL(r.registrations["on_input"].group_id.value_or(""),
                  "replay-7");
  CAF_CHECK_EQUAL(r.origins["metrics.port"], "app.yaml:7");
  CAF_CHECK_EQUAL(r.origins["options.linger_ms"], "app.yaml:14");
  CAF_CHECK_EQUAL(r.origins["registrations.on_input.group_id"], "app.yaml:21");
}

CAF_TEST(defaults when no layer sets anything) {
  auto r = resolve_settings(none, none, none, none);
  CAF_CHECK(r.stop_timeout == default_stop_timeout);
  CAF_CHECK(!r.metrics);
  CAF_CHECK(!r.stats);
  CAF_CHECK_EQUAL(r.log_level, "info");
  CAF_CHECK(r.delivery == delivery_guarantee::at_least_once);
  CAF_CHECK_EQUAL(r.workers, 0); // in this process
  CAF_CHECK(r.stall_timeout == 60s);
  CAF_CHECK(!r.options.linger_ms);
}

CAF_TEST(unknown keys name the file the line and the key) {
  auto err = error_of([] { file_layer("workers: 1\nmetrcs:\n  port: 1\n"); });
  CAF_CHECK_EQUAL(err, "app.yaml:2: unknown key \"metrcs\"; did you mean "
                       "metrics?");
  err = error_of([] { file_layer("metrics:\n  port: 1\n  prot: 2\n"); });
  CAF_CHECK_EQUAL(err, "app.yaml:3: unknown key \"prot\" in metrics; did you "
                       "mean port?");
  err = error_of([] { file_layer("options:\n  linger_mss: 5\n"); });
  CAF_CHECK(contains(err, "app.yaml:2: unknown option \"linger_mss\""));
  CAF_CHECK(contains(err, "did you mean linger_ms?"));
  err = error_of(
      [] { file_layer("registrations:\n  on_input:\n    batch.size: 5\n"); });
  CAF_CHECK(contains(err, "app.yaml:3: unknown option \"batch.size\""));
  CAF_CHECK(contains(err, "did you mean max_batch_size?"));
  err = error_of([] { file_layer("registrations:\n  on_inptu: {}\n"); });
  CAF_CHECK(contains(err, "app.yaml:2: unknown registration \"on_inptu\"; "
                          "did you mean on_input?"));
  err = error_of([] { file_layer("linger_ms: 5\n"); });
  CAF_CHECK(contains(err, "app.yaml:1: \"linger_ms\" is a client option"));
  err = error_of([] { file_layer("zzz_unrelated: 5\n"); });
  CAF_CHECK_EQUAL(err, "app.yaml:1: unknown key \"zzz_unrelated\"");
}

CAF_TEST(bad values and bad YAML are errors with a line) {
  auto err =
      error_of([] { file_layer("workers: 1\nmetrics: {port: 70000}\n"); });
  CAF_CHECK(contains(err, "app.yaml:2: metrics.port expects an integer from "
                          "0 to 65535"));
  err = error_of([] { file_layer("options:\n\n  linger_ms: soon\n"); });
  CAF_CHECK(contains(err, "app.yaml:3: "));
  CAF_CHECK(contains(err, "linger_ms"));
  err = error_of([] { file_layer("log: {level: loud}\n"); });
  CAF_CHECK(contains(err, "app.yaml:1: log.level expects one of"));
  err = error_of([] { file_layer("options: [1, 2]\n"); });
  CAF_CHECK(contains(err, "app.yaml:1: options must be a mapping"));
  err = error_of([] { file_layer("workers: 1\nworkers: 2\n"); });
  CAF_CHECK(contains(err, "app.yaml:2: key \"workers\" appears twice"));
  err = error_of([] { file_layer("options:\n  linger_ms:\n"); });
  CAF_CHECK(contains(err, "app.yaml:2: linger_ms has no value"));
  err = error_of([] { file_layer("metrics: {port: 1\n"); });
  CAF_CHECK(contains(err, "app.yaml:"));
  CAF_CHECK(contains(err, "not valid YAML"));
  err = error_of([] { load_config_file("/nonexistent/app.yaml"); });
  CAF_CHECK(contains(err, "cannot read the config file /nonexistent/app.yaml"));
}

CAF_TEST(secrets come from files and never show in errors) {
  temp_dir dir;
  auto path = dir.write("kafka-password", "s3cr3t-value\n");
  auto layer =
      file_layer("options:\n  sasl_plain_password_file: " + path +
                 "\n  librdkafka:\n    ssl.key.password_file: " + path + "\n");
  CAF_CHECK_EQUAL(layer.options.sasl_plain_password.value_or(""),
                  "s3cr3t-value");
  CAF_CHECK_EQUAL(layer.options.librdkafka["ssl.key.password"], "s3cr3t-value");
  CAF_CHECK_EQUAL(layer.origins["options.sasl_plain_password"], "app.yaml:2");
  // Every secret option of the table has a _file form.
  for (auto& row : option_table())
    if (is_secret_option(row.name) && row.kind == option_kind::string) {
      auto l = file_layer("options:\n  " + std::string{row.name} +
                          "_file: " + path + "\n");
      auto values = effective_values(l.options, client_role::both);
      CAF_CHECK_EQUAL(values[std::string{row.name}], "s3cr3t-value");
    }
  auto err = error_of([&] {
    file_layer("options:\n  sasl_plain_password_file: /nonexistent/pw\n");
  });
  CAF_CHECK(contains(err, "app.yaml:2: cannot read the secret file "
                          "/nonexistent/pw for sasl_plain_password"));
  err = error_of([&] {
    file_layer("options:\n  sasl_plain_password: inline\n"
               "  sasl_plain_password_file: " +
               path + "\n");
  });
  CAF_CHECK(contains(err, "app.yaml:3: sasl_plain_password is set twice"));
  CAF_CHECK(!contains(err, "s3cr3t"));
  CAF_CHECK(!contains(err, "inline"));
  err = error_of([&] { file_layer("options:\n  linger_ms_file: " + path); });
  CAF_CHECK(contains(err, "linger_ms is not a secret"));
  CAF_CHECK(!contains(err, "s3cr3t"));
  auto empty = dir.write("empty", "\n");
  err = error_of(
      [&] { file_layer("options:\n  ssl_password_file: " + empty + "\n"); });
  CAF_CHECK(contains(err, "is empty"));
}

CAF_TEST(delivery from any layer becomes the app wide delivery option) {
  std::vector<std::string> warnings;
  auto env = environment_layer(
      std::vector<std::string>{"FASTKAFKA_DELIVERY=exactly_once"}, warnings);
  CAF_CHECK(warnings.empty());
  auto r = resolve_settings(none, none, env, none);
  CAF_CHECK(r.delivery == delivery_guarantee::exactly_once);
  CAF_CHECK_EQUAL(r.options.delivery.value_or(""), "exactly_once");
  // --set beats the environment, as for every setting.
  r = resolve_settings(none, none, env, cli_layer({"delivery=at_least_once"}));
  CAF_CHECK_EQUAL(r.options.delivery.value_or(""), "at_least_once");
  // Per registration it is a client option of that registration.
  r = resolve_settings(none, none, none,
                       cli_layer({"on_input.delivery=exactly_once"}));
  CAF_CHECK(!r.options.delivery);
  CAF_CHECK_EQUAL(r.registrations["on_input"].delivery.value_or(""),
                  "exactly_once");
  auto err = error_of([] { env_layer({"FASTKAFKA_DELIVERY=twice"}); });
  CAF_CHECK(contains(err, "FASTKAFKA_DELIVERY"));
}

CAF_TEST(environment variables set options secrets and service settings) {
  temp_dir dir;
  auto path = dir.write("pw", "from-file");
  std::vector<std::string> warnings;
  auto layer = environment_layer(
      std::vector<std::string>{
          "FASTKAFKA_LINGER_MS=7", "FASTKAFKA_METRICS_PORT=9100",
          "FASTKAFKA_LIBRDKAFKA_STATISTICS_INTERVAL_MS=5000",
          "FASTKAFKA_SASL_PLAIN_PASSWORD_FILE=" + path,
          "FASTKAFKA_LOG_FORMAT=json", "FASTKAFKA_LINGER_M=1",
          "FASTKAFKA_PORT=tcp://10.0.0.1:9464", "FASTKAFKA_UPDATE_GOLDEN=1",
          // What the parent of --workers tells a worker: no warning.
          "FASTKAFKA_STATS_PARENT=127.0.0.1:7000", "FASTKAFKA_WORKER_INDEX=1",
          "FASTKAFKA_WORKER_COUNT=2", "PATH=/usr/bin"},
      warnings);
  CAF_CHECK_EQUAL(layer.options.linger_ms.value_or(-1), 7);
  CAF_CHECK_EQUAL(layer.service.metrics_port.value_or(-1), 9100);
  CAF_CHECK_EQUAL(layer.options.librdkafka["statistics.interval.ms"], "5000");
  CAF_CHECK_EQUAL(layer.options.sasl_plain_password.value_or(""), "from-file");
  CAF_CHECK(layer.service.log_format == log_encoding::json);
  CAF_CHECK_EQUAL(layer.origins["options.linger_ms"], "FASTKAFKA_LINGER_MS");
  // Typos warn; other tools' variables pass silently.
  CAF_REQUIRE_EQUAL(warnings.size(), 1u);
  CAF_CHECK(contains(warnings[0], "FASTKAFKA_LINGER_M is not a fastkafka "
                                  "setting"));
  CAF_CHECK(contains(warnings[0], "did you mean FASTKAFKA_LINGER_MS?"));
  auto err = error_of([] { env_layer({"FASTKAFKA_LINGER_MS=later"}); });
  CAF_CHECK(contains(err, "environment variable FASTKAFKA_LINGER_MS: "));
  err = error_of([&] {
    env_layer({"FASTKAFKA_SASL_PLAIN_PASSWORD=a",
               "FASTKAFKA_SASL_PLAIN_PASSWORD_FILE=" + path});
  });
  CAF_CHECK(contains(err, "is also set by FASTKAFKA_SASL_PLAIN_PASSWORD"));
  CAF_CHECK(!contains(err, "from-file"));
  CAF_CHECK_EQUAL(environment_name("linger_ms"), "FASTKAFKA_LINGER_MS");
}

CAF_TEST(set arguments reach options registrations and service settings) {
  auto layer = cli_layer({"linger_ms=3", "on_input.group_id=replay",
                          "on_input.librdkafka.fetch.wait.max.ms=20",
                          "librdkafka.fetch.wait.max.ms=100", "metrics.port=0",
                          "stop_timeout_ms=5000"});
  CAF_CHECK_EQUAL(layer.options.linger_ms.value_or(-1), 3);
  CAF_CHECK_EQUAL(layer.options.librdkafka["fetch.wait.max.ms"], "100");
  CAF_CHECK_EQUAL(layer.registrations["on_input"].group_id.value_or(""),
                  "replay");
  CAF_CHECK_EQUAL(
      layer.registrations["on_input"].librdkafka["fetch.wait.max.ms"], "20");
  CAF_CHECK_EQUAL(layer.service.metrics_port.value_or(-1), 0);
  CAF_CHECK_EQUAL(layer.service.stop_timeout_ms.value_or(-1), 5000);
  auto err = error_of([] { cli_layer({"linger_mss=3"}); });
  CAF_CHECK(contains(err, "--set linger_mss: unknown option"));
  CAF_CHECK(contains(err, "did you mean linger_ms?"));
  err = error_of([] { cli_layer({"novalue"}); });
  CAF_CHECK(contains(err, "--set expects NAME=VALUE"));
  service_settings flags;
  flags.kafka_broker = "staging";
  auto with_flags = command_line_layer({}, flags, regs);
  CAF_CHECK_EQUAL(with_flags.origins["kafka_broker"], "command line");
}

// Precedence, one test per pair of layers: the higher one wins, for a
// client option and for a service setting; the lower one shows through
// where the higher one is silent.
CAF_TEST(file beats code) {
  auto r = resolve_settings(code_layer(1, 1001),
                            file_layer("options: {linger_ms: 2}\n"
                                       "metrics: {port: 1002}\n"),
                            none, none);
  CAF_CHECK_EQUAL(r.options.linger_ms.value_or(-1), 2);
  CAF_CHECK_EQUAL(r.metrics->port, 1002);
  CAF_CHECK_EQUAL(r.origins["options.linger_ms"], "app.yaml:1");
}

CAF_TEST(environment beats code) {
  auto r = resolve_settings(
      code_layer(1, 1001), none,
      env_layer({"FASTKAFKA_LINGER_MS=3", "FASTKAFKA_METRICS_PORT=1003"}),
      none);
  CAF_CHECK_EQUAL(r.options.linger_ms.value_or(-1), 3);
  CAF_CHECK_EQUAL(r.metrics->port, 1003);
}

CAF_TEST(command line beats code) {
  auto r = resolve_settings(code_layer(1, 1001), none, none,
                            cli_layer({"linger_ms=4", "metrics.port=1004"}));
  CAF_CHECK_EQUAL(r.options.linger_ms.value_or(-1), 4);
  CAF_CHECK_EQUAL(r.metrics->port, 1004);
}

CAF_TEST(environment beats file) {
  auto r = resolve_settings(
      none,
      file_layer("options: {linger_ms: 2, acks: all}\n"
                 "metrics: {port: 1002, bind: 10.1.1.1}\n"),
      env_layer({"FASTKAFKA_LINGER_MS=3", "FASTKAFKA_METRICS_PORT=1003"}),
      none);
  CAF_CHECK_EQUAL(r.options.linger_ms.value_or(-1), 3);
  CAF_CHECK_EQUAL(r.options.acks.value_or(""), "all");
  CAF_CHECK_EQUAL(r.metrics->port, 1003);
  CAF_CHECK_EQUAL(r.metrics->bind, "10.1.1.1");
  CAF_CHECK_EQUAL(r.origins["options.linger_ms"], "FASTKAFKA_LINGER_MS");
  CAF_CHECK_EQUAL(r.origins["options.acks"], "app.yaml:1");
}

CAF_TEST(command line beats file) {
  auto r = resolve_settings(
      none,
      file_layer("options: {linger_ms: 2}\nmetrics: {port: 1002}\n"
                 "registrations: {on_input: {group_id: from-file}}\n"),
      none,
      cli_layer(
          {"linger_ms=4", "metrics.port=1004", "on_input.group_id=from-set"}));
  CAF_CHECK_EQUAL(r.options.linger_ms.value_or(-1), 4);
  CAF_CHECK_EQUAL(r.metrics->port, 1004);
  CAF_CHECK_EQUAL(r.registrations["on_input"].group_id.value_or(""),
                  "from-set");
}

CAF_TEST(command line beats environment) {
  auto r = resolve_settings(
      none, none,
      env_layer({"FASTKAFKA_LINGER_MS=3", "FASTKAFKA_METRICS_PORT=1003",
                 "FASTKAFKA_ACKS=0"}),
      cli_layer({"linger_ms=4", "metrics.port=1004"}));
  CAF_CHECK_EQUAL(r.options.linger_ms.value_or(-1), 4);
  CAF_CHECK_EQUAL(r.options.acks.value_or(""), "0");
  CAF_CHECK_EQUAL(r.metrics->port, 1004);
  CAF_CHECK_EQUAL(r.origins["metrics.port"], "--set");
}

CAF_TEST(per registration values stack over code and merge pass through) {
  settings_layer code;
  code.registrations["on_input"].max_poll_records = 10;
  code.registrations["on_input"].librdkafka["a.b"] = "code";
  auto r = resolve_settings(
      code,
      file_layer("registrations:\n  on_input:\n    librdkafka: {c.d: file}\n"),
      none, cli_layer({"on_input.librdkafka.a.b=set"}));
  auto& in = r.registrations["on_input"];
  CAF_CHECK_EQUAL(in.max_poll_records.value_or(-1), 10);
  CAF_CHECK_EQUAL(in.librdkafka["a.b"], "set");
  CAF_CHECK_EQUAL(in.librdkafka["c.d"], "file");
}

CAF_TEST(the schema lists every key the loader accepts) {
  auto keys = config_file_keys();
  auto has = [&](const std::string& k) {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
  };
  CAF_CHECK(has("metrics.port"));
  CAF_CHECK(has("stop_timeout_ms"));
  CAF_CHECK(has("options.linger_ms"));
  CAF_CHECK(has("options.sasl_plain_password_file"));
  CAF_CHECK(!has("options.linger_ms_file"));
  CAF_CHECK(has("registrations.*.group_id"));
  CAF_CHECK(has("options.librdkafka.*"));
  for (auto& row : service_setting_table())
    CAF_CHECK(has(std::string{row.key}));
}
