#include "fastkafka/cli.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"

#include "fastkafka/app.hpp"
#include "fastkafka/consumer_groups.hpp"
#include "fastkafka/docs/docs.hpp"
#include "fastkafka/docs_actor.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/ops/command_line.hpp"
#include "fastkafka/ops/config_file.hpp"
#include "fastkafka/ops/environment.hpp"
#include "fastkafka/ops/http_server.hpp"
#include "fastkafka/ops/monitor.hpp"
#include "fastkafka/ops/rdkafka_stats_store.hpp"
#include "fastkafka/ops/settings.hpp"
#include "fastkafka/ops/systemd_service.hpp"
#include "fastkafka/reset_offsets.hpp"
#include "fastkafka/runtime.hpp"
#include "fastkafka/runtime_config.hpp"
#include "fastkafka/version.hpp"
#include "fastkafka/workers/cli.hpp"
#include "fastkafka/workers/middleman.hpp"
#include "fastkafka/workers/stats_endpoint.hpp"
#include "fastkafka/workers/worker_args.hpp"

#include "arguments.hpp"

namespace fastkafka {

namespace {

struct run_args {
  std::string broker;
  std::string bootstrap;
  std::vector<std::string> sets;
  std::string config_file;
  int partitions = 4;
  int64_t stop_timeout_ms = -1;
  int metrics_port = -1;
  std::string metrics_bind;
  std::vector<std::string> reset_offsets;
};

std::string known_brokers(const app& a) {
  std::string out;
  for (auto& [name, brokers] : a.config().kafka_brokers)
    out += name + ", ";
  return out + embedded_broker_name;
}

// Resolves the broker name and bootstrap servers from the settings;
// throws config_error.
std::pair<std::string, std::string>
resolve_broker(const app& a, const ops::resolved_settings& settings) {
  auto& declared = a.config().kafka_brokers;
  std::string name = settings.kafka_broker;
  if (name.empty())
    name = declared.empty() ? std::string{embedded_broker_name}
                            : declared.begin()->first;
  std::string bootstrap;
  if (name != embedded_broker_name) {
    auto i = declared.find(name);
    if (i == declared.end())
      throw config_error("unknown broker \"" + name +
                         "\" (--kafka-broker, kafka_broker or "
                         "FASTKAFKA_KAFKA_BROKER); known brokers: " +
                         known_brokers(a));
    bootstrap = bootstrap_servers(i->second);
  }
  if (!settings.bootstrap_servers.empty())
    bootstrap = settings.bootstrap_servers;
  if (!bootstrap.empty() && name == embedded_broker_name)
    name = "embedded-override";
  return {name, bootstrap};
}

// What the code declares, as the lowest layer of the settings.
ops::settings_layer code_layer(const app& a) {
  ops::settings_layer code;
  code.options = a.config().options;
  code.service.stop_timeout_ms = a.config().stop_timeout.count();
  for (auto& c : a.consumers())
    code.registrations[c->name] = c->options;
  for (auto& p : a.producers())
    code.registrations[p->name] = p->options;
  return code;
}

// The settings from every layer: command line > environment > file > code.
ops::resolved_settings resolve(const app& a, const run_args& args,
                               const cli::log_args& logs,
                               const workers::run_args& wargs) {
  std::vector<std::string> names;
  for (auto& c : a.consumers())
    names.push_back(c->name);
  for (auto& p : a.producers())
    names.push_back(p->name);
  ops::settings_layer file;
  if (!args.config_file.empty())
    file = ops::load_config_file(args.config_file,
                                 std::span<const std::string>{names});
  std::vector<std::string> warnings;
  auto env = ops::environment_layer(warnings);
  for (auto& w : warnings)
    log().warn("{}", w);
  ops::service_settings flags;
  if (!args.broker.empty())
    flags.kafka_broker = args.broker;
  if (!args.bootstrap.empty())
    flags.bootstrap_servers = args.bootstrap;
  if (args.stop_timeout_ms >= 0)
    flags.stop_timeout_ms = args.stop_timeout_ms;
  if (args.metrics_port >= 0)
    flags.metrics_port = args.metrics_port;
  if (!args.metrics_bind.empty())
    flags.metrics_bind = args.metrics_bind;
  if (wargs.stats_port >= 0)
    flags.stats_port = wargs.stats_port;
  if (wargs.workers > 0)
    flags.workers = wargs.workers;
  if (!logs.level.empty())
    flags.log_level = logs.level;
  auto cli = ops::command_line_layer(args.sets, flags,
                                     std::span<const std::string>{names});
  return ops::resolve_settings(code_layer(a), file, env, cli);
}

// Ends the process when the actor system cannot be torn down (an actor
// stuck in user code): the exit code must not wait for it.
void exit_within(int code, std::chrono::seconds grace) {
  std::thread{[code, grace] {
    std::this_thread::sleep_for(grace);
    log().error("the runtime did not shut down within {} s after the stop; "
                "exiting with code {}",
                grace.count(), code);
    log().flush();
    std::_Exit(code);
  }}.detach();
}

// The exit code of a reset refused because its group has live members.
constexpr int exit_live_members = 3;

// Bound of one group's reset: the mock cluster's first join alone takes 3 s.
constexpr std::chrono::milliseconds reset_timeout{30000};

// Moves the committed offsets `requests` ask for, one registration after
// another; returns 0 or the exit code of the first failure.
int reset_offsets(const app& a, const start_options& opts,
                  const std::vector<reset_request>& requests) {
  std::vector<consumer_group_target> targets;
  try {
    targets = consumer_groups(a, opts);
  } catch (const config_error& e) {
    log().error("{}", e.what());
    return 2;
  }
  for (auto& r : requests) {
    if (r.registration.empty())
      continue;
    bool known = false;
    std::string names;
    for (auto& t : targets) {
      known = known || t.registration == r.registration;
      names += (names.empty() ? "" : ", ") + t.registration;
    }
    if (!known) {
      log().error("--reset-offsets {}=...: the app has no consumer "
                  "registration {}; its consumers: {}",
                  r.registration, r.registration,
                  names.empty() ? std::string{"none"} : names);
      return 2;
    }
  }
  for (auto& t : targets) {
    // The value for this registration wins over the one for all; the last
    // one given wins among equals.
    const kafka::reset_position* where = nullptr;
    for (auto& r : requests)
      if (r.registration.empty())
        where = &r.position;
    for (auto& r : requests)
      if (r.registration == t.registration)
        where = &r.position;
    if (!where)
      continue;
    try {
      kafka::reset_group_offsets(t.options, t.group, t.topic, *where,
                                 reset_timeout);
    } catch (const kafka::reset_error& e) {
      log().error("--reset-offsets for {}: {}", t.registration, e.what());
      return e.why() == kafka::reset_error::reason::live_members
                 ? exit_live_members
                 : 1;
    }
  }
  return 0;
}

int run(app& a, const run_args& args, const cli::log_args& logs,
        workers::run_args wargs, const cli_options& extras, int argc,
        char** argv) {
  // Signals are taken by sigwait on this thread only: block them before any
  // other thread (librdkafka, CAF) exists, so that all of them inherit it.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ops::resolved_settings settings;
  start_options opts;
  std::vector<reset_request> resets;
  try {
    for (auto& value : args.reset_offsets)
      resets.push_back(parse_reset_offsets(value));
    settings = resolve(a, args, logs, wargs);
    if (auto level = parse_log_level(settings.log_level))
      set_log_level(*level);
    if (settings.log_format == ops::log_encoding::json)
      set_log_format(log_format::json);
    std::tie(opts.broker_name, opts.bootstrap_servers) =
        resolve_broker(a, settings);
    opts.overrides = settings.options;
    opts.registrations = settings.registrations;
    // An address given at run time replaces every address, also those of
    // registrations that declare brokers of their own.
    opts.override_all = !settings.bootstrap_servers.empty();
    opts.stop_timeout = settings.stop_timeout;
    opts.timed = settings.metrics.has_value();
  } catch (const config_error& e) {
    log().error("{}", e.what());
    return 2;
  }

  auto identity = workers::this_worker();
  // One worker too (`--workers 1`, `workers: 1`, FASTKAFKA_WORKERS=1): one
  // worker under a supervisor that restarts it.
  if (!identity.is_worker && (wargs.workers > 0 || settings.workers > 0)) {
    if (opts.bootstrap_servers.empty()) {
      log().error("--workers needs a broker outside this process: the "
                  "embedded broker lives in one process; pass "
                  "--bootstrap-servers or --kafka-broker NAME");
      return 2;
    }
    // The parent resets once, before any worker joins the groups.
    if (!resets.empty())
      if (auto code = reset_offsets(a, opts, resets))
        return code;
    wargs.workers = static_cast<uint32_t>(settings.workers);
    if (settings.stats)
      wargs.stats_port = settings.stats->port;
    if (settings.metrics && settings.metrics->port > 0)
      log().info("metrics and health of worker i on port {} + i (every "
                 "worker serves its own)",
                 settings.metrics->port);
    return workers::run_parent(wargs, argc, argv,
                               {.stop_timeout = settings.stop_timeout});
  }

  // Workers cannot share one metrics port: worker i serves on port + i
  // (0 stays "any free port").
  if (identity.is_worker && settings.metrics && settings.metrics->port > 0) {
    auto port = settings.metrics->port + identity.index;
    if (port > 65535) {
      log().error("metrics port {} of worker {} is past 65535; choose a "
                  "lower --metrics-port",
                  port, identity.index);
      return 2;
    }
    settings.metrics->port = static_cast<uint16_t>(port);
  }

  local_broker broker;
  if (opts.bootstrap_servers.empty()) {
    if (!extras.embedded) {
      log().error("this program was built without the embedded broker: "
                  "link fastkafka::testing and pass "
                  "{{.embedded = fastkafka::embedded_broker_starter()}} to "
                  "run_cli, or choose another broker with --kafka-broker "
                  "(known: {})",
                  known_brokers(a));
      return 2;
    }
    auto topics = a.get_topics();
    for (auto& t : a.dead_letter_topics())
      topics.push_back(t);
    try {
      broker = extras.embedded(args.partitions, topics);
    } catch (const std::exception& e) {
      log().error("cannot start the embedded broker: {}", e.what());
      return 1;
    }
    opts.bootstrap_servers = broker.bootstrap_servers;
    opts.defaults = broker.client_defaults;
    opts.override_all = true;
    log().warn("embedded broker (librdkafka mock cluster) at {}: for "
               "development and tests only; it keeps only the newest 5 MiB "
               "per partition and forgets everything on exit",
               opts.bootstrap_servers);
  }
  // Workers leave the reset to their parent.
  if (!resets.empty() && !identity.is_worker)
    if (auto code = reset_offsets(a, opts, resets))
      return code;
  opts.services.push_back(docs_service(a));

  if (settings.stats)
    wargs.stats_port = settings.stats->port;
  if (settings.stats && !settings.stats->bind.empty())
    wargs.stats_bind = settings.stats->bind;
  auto stats = workers::stats_for_this_process(wargs);
  runtime_config cfg;
  if (stats)
    workers::load_middleman(cfg);
  caf::actor_system sys{cfg};
  runtime rt{a};

  // Operations answer "starting" before the runtime starts, and "stopping"
  // while it drains.
  ops::rdkafka_stats_store rdkafka_stats;
  ops::ops_monitor monitor{
      [&rt, &rdkafka_stats]() -> std::optional<runtime_snapshot> {
        for (auto& [name, json] : rt.statistics())
          rdkafka_stats.update(name, json);
        return rt.snapshot();
      },
      {.stall_timeout = settings.stall_timeout},
      &rdkafka_stats};
  std::unique_ptr<ops::ops_http_server> server;
  if (settings.metrics) {
    try {
      server = std::make_unique<ops::ops_http_server>(
          ops::http_server_options{settings.metrics->bind,
                                   settings.metrics->port},
          monitor.routes());
    } catch (const std::exception& e) {
      log().error("{}", e.what());
      return 1;
    }
    log().info("metrics and health on http://{}:{}/metrics, /health/live, "
               "/health/ready",
               server->bind(), server->port());
  }
  ops::systemd_service notify{ops::systemd_notifier::from_environment(),
                              [&monitor] { return monitor.health(); }};

  try {
    rt.start(sys, std::move(opts));
  } catch (const config_error& e) {
    log().error("{}", e.what());
    return 2;
  } catch (const std::exception& e) {
    log().error("{}", e.what());
    return 1;
  }
  std::optional<workers::stats_endpoint> endpoint;
  if (stats) {
    try {
      endpoint.emplace(
          sys,
          [&rt, identity] {
            auto s = rt.snapshot();
            s.worker = identity.index;
            return s;
          },
          *stats);
    } catch (const std::runtime_error& e) {
      log().error("{}", e.what());
      rt.stop();
      return 1;
    }
  }
  // Wait for a signal, or for the app to fail on its own.
  timespec tick{0, 200'000'000};
  int sig = 0;
  while (sig <= 0) {
    sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig <= 0 && rt.state() == runtime_state::failed)
      break;
  }
  if (sig > 0)
    log().info("received {}; stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
  notify.stopping();
  auto stop_started = std::chrono::steady_clock::now();
  auto ok = rt.stop();
  endpoint.reset();
  if (server)
    server->stop();
  notify.stop();
  int code = ok ? 0 : 1;
  // Tearing the actor system down gets what is left of the stop bound (at
  // least 1 s): a stop that used all of it (a client stuck on an unreachable
  // broker) must not overrun the bound systemd and Kubernetes plan for.
  auto left = std::chrono::duration_cast<std::chrono::seconds>(
      settings.stop_timeout -
      (std::chrono::steady_clock::now() - stop_started));
  exit_within(
      code, std::clamp(left, std::chrono::seconds(1), std::chrono::seconds(5)));
  return code;
}

} // namespace

int run_cli(app& a, int argc, char** argv, cli_options extras) {
  auto& cfg = a.config();
  CLI::App cli{
      cfg.title + " " + cfg.version +
      (cfg.description.empty() ? std::string{} : " - " + cfg.description)};
  cli.require_subcommand(1);
  // Options of the program (--log-level, --log-format) also work after the
  // command (`pipeline run --log-level debug`), as users write them;
  // subcommands inherit this when they are added.
  cli.fallthrough();
  cli.footer("Logs go to stderr, one line per event.");
  cli.set_version_flag(
      "--version", cfg.title + " " +
                       (cfg.version.empty() ? "(no version)" : cfg.version) +
                       " (fastkafka " + version() + ")");
  cli::log_args logs;
  cli::add_log_options(cli, logs);
  run_args args;
  workers::run_args wargs;
  workers::view_args vargs;
  auto* run_cmd = cli.add_subcommand(
      "run", "Run the app's consumers and producers until SIGINT or SIGTERM, "
             "then drain in-flight work, commit offsets and flush producers");
  run_cmd
      ->add_option(
          "--kafka-broker", args.broker,
          "Which declared broker to use (default: the first declared); "
          "'embedded' starts an in-process broker. Known: " +
              known_brokers(a))
      ->type_name("NAME");
  run_cmd
      ->add_option("--bootstrap-servers", args.bootstrap,
                   "Connect here instead of the named broker's address "
                   "(also: FASTKAFKA_BOOTSTRAP_SERVERS or bootstrap_servers "
                   "in --config; this option wins)")
      ->type_name("HOST:PORT,..");
  std::string option_names;
  for (auto& row : option_table())
    option_names += std::string{row.name} + " ";
  run_cmd
      ->add_option("--set", args.sets,
                   "Override a client option by name, app-wide (--set "
                   "linger_ms=10) or for one registration (--set "
                   "on_input.max_poll_records=50), or a setting "
                   "(metrics.port=9464); librdkafka.<property>=VALUE passes "
                   "any librdkafka property. Precedence: --set > "
                   "environment (FASTKAFKA_<OPTION>) > --config > code. "
                   "Options: " +
                       option_names)
      ->type_name("OPTION=VALUE");
  run_cmd
      ->add_option("--embedded-partitions", args.partitions,
                   "Partitions of the topics the embedded broker creates")
      ->check(CLI::Range(1, 1000));
  run_cmd
      ->add_option("--stop-timeout-ms", args.stop_timeout_ms,
                   "Longest a stop may take (drain, commit, close, flush) "
                   "before the app exits with code 1 (default: the app's "
                   "stop_timeout, 30000)")
      ->check(CLI::Range(int64_t{0}, int64_t{86'400'000}));
  run_cmd
      ->add_option("--config", args.config_file,
                   "A YAML file of settings and client options (see "
                   "ops/README.md); unknown keys are errors")
      ->type_name("FILE");
  run_cmd
      ->add_option("--metrics-port", args.metrics_port,
                   "Serve /metrics (Prometheus), /health/live and "
                   "/health/ready on this port (0: any free one; off by "
                   "default)")
      ->check(CLI::Range(0, 65535));
  run_cmd
      ->add_option(
          "--reset-offsets", args.reset_offsets,
          "Before starting, set the committed offsets of every partition of "
          "each consumer's group (or of one: NAME=POSITION) to the earliest, "
          "the latest, or the first record at or after a time, then consume "
          "from there; refused (exit code 3) while the group has live "
          "members. Accepted: " +
              std::string{reset_offsets_forms})
      ->type_name("POSITION");
  run_cmd
      ->add_option("--metrics-bind", args.metrics_bind,
                   "Address of the metrics server (default 0.0.0.0)")
      ->type_name("ADDRESS");
  workers::add_run_options(*run_cmd, wargs);
  workers::add_view_cli(cli, vargs);
  docs::cli_args docs_args;
  auto* docs_cmd = docs::add_cli(cli, a, docs_args);
  if (auto unknown = cli::unknown_subcommand(cli, argc, argv)) {
    std::cerr << *unknown << "\n";
    return 2;
  }
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli::report_parse_error(cli, e, argc, argv);
  }
  if (!cli::apply_log_options(logs))
    return 2;
  if (workers::view_parsed(vargs))
    return workers::run_view_cli(vargs);
  if (docs_cmd->parsed())
    return docs::run_cli(a, docs_args);
  return run(a, args, logs, wargs, extras, argc, argv);
}

} // namespace fastkafka
