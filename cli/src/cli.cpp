#include "fastkafka/cli.hpp"

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
#include "fastkafka/docs/docs.hpp"
#include "fastkafka/docs_actor.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/runtime.hpp"
#include "fastkafka/runtime_config.hpp"
#include "fastkafka/version.hpp"

#include "arguments.hpp"

namespace fastkafka {

namespace {

struct run_args {
  std::string broker;
  std::string bootstrap;
  std::vector<std::string> sets;
  int partitions = 4;
  int64_t stop_timeout_ms = -1;
};

std::string known_brokers(const app& a) {
  std::string out;
  for (auto& [name, brokers] : a.config().kafka_brokers)
    out += name + ", ";
  return out + embedded_broker_name;
}

// Resolves the broker name and bootstrap servers; throws config_error.
std::pair<std::string, std::string> resolve_broker(const app& a,
                                                   const run_args& args) {
  auto& declared = a.config().kafka_brokers;
  std::string name = args.broker;
  if (name.empty())
    name = declared.empty() ? std::string{embedded_broker_name}
                            : declared.begin()->first;
  std::string bootstrap;
  if (name != embedded_broker_name) {
    auto i = declared.find(name);
    if (i == declared.end())
      throw config_error(
          "unknown broker \"" + name +
          "\" in --kafka-broker; known brokers: " + known_brokers(a));
    bootstrap = bootstrap_servers(i->second);
  }
  if (auto* env = std::getenv("FASTKAFKA_BOOTSTRAP_SERVERS"); env && *env)
    bootstrap = env;
  if (!args.bootstrap.empty())
    bootstrap = args.bootstrap;
  if (!bootstrap.empty() && name == embedded_broker_name)
    name = "embedded-override";
  return {name, bootstrap};
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

int run(app& a, const run_args& args, const cli_options& extras) {
  // Signals are taken by sigwait on this thread only: block them before any
  // other thread (librdkafka, CAF) exists, so that all of them inherit it.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  start_options opts;
  try {
    for (auto& kv : args.sets) {
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0)
        throw config_error("--set expects OPTION=VALUE, got \"" +
                           cli::masked(kv) + "\"");
      set_option(opts.overrides, kv.substr(0, eq), kv.substr(eq + 1));
    }
    std::tie(opts.broker_name, opts.bootstrap_servers) =
        resolve_broker(a, args);
    // An address given at run time replaces every address, also those of
    // registrations that declare brokers of their own.
    auto* env = std::getenv("FASTKAFKA_BOOTSTRAP_SERVERS");
    opts.override_all = !args.bootstrap.empty() || (env != nullptr && *env);
    if (args.stop_timeout_ms >= 0)
      opts.stop_timeout = std::chrono::milliseconds{args.stop_timeout_ms};
  } catch (const config_error& e) {
    log().error("{}", e.what());
    return 2;
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
  opts.services.push_back(docs_service(a));

  runtime_config cfg;
  caf::actor_system sys{cfg};
  runtime rt{a};
  try {
    rt.start(sys, std::move(opts));
  } catch (const config_error& e) {
    log().error("{}", e.what());
    return 2;
  } catch (const std::exception& e) {
    log().error("{}", e.what());
    return 1;
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
  auto ok = rt.stop();
  int code = ok ? 0 : 1;
  exit_within(code, std::chrono::seconds(5));
  return code;
}

} // namespace

int run_cli(app& a, int argc, char** argv, cli_options extras) {
  auto& cfg = a.config();
  CLI::App cli{
      cfg.title + " " + cfg.version +
      (cfg.description.empty() ? std::string{} : " - " + cfg.description)};
  cli.require_subcommand(1);
  cli.footer("Logs go to stderr, one line per event.");
  cli.set_version_flag(
      "--version", cfg.title + " " +
                       (cfg.version.empty() ? "(no version)" : cfg.version) +
                       " (fastkafka " + version() + ")");
  cli::log_args logs;
  cli::add_log_options(cli, logs);
  run_args args;
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
                   "(also: environment variable FASTKAFKA_BOOTSTRAP_SERVERS; "
                   "this option wins)")
      ->type_name("HOST:PORT,..");
  std::string option_names;
  for (auto& row : option_table())
    option_names += std::string{row.name} + " ";
  run_cmd
      ->add_option("--set", args.sets,
                   "Override an app-wide client option by name, e.g. --set "
                   "linger_ms=10; librdkafka.<property>=VALUE passes any "
                   "librdkafka property. Options: " +
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
  if (docs_cmd->parsed())
    return docs::run_cli(a, docs_args);
  return run(a, args, extras);
}

} // namespace fastkafka
