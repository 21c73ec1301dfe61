#include "fastkafka/cli.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"

#include "fastkafka/app.hpp"
#include "fastkafka/docs/docs.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/runtime_config.hpp"

namespace fastkafka {

namespace {

struct run_args {
  std::string broker;
  std::string bootstrap;
  std::vector<std::string> sets;
  int partitions = 4;
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

int run(app& a, const run_args& args) {
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
        throw config_error("--set expects OPTION=VALUE, got \"" + kv + "\"");
      set_option(opts.overrides, kv.substr(0, eq), kv.substr(eq + 1));
    }
    std::tie(opts.broker_name, opts.bootstrap_servers) =
        resolve_broker(a, args);
    // An address given at run time replaces every address, also those of
    // registrations that declare brokers of their own.
    auto* env = std::getenv("FASTKAFKA_BOOTSTRAP_SERVERS");
    opts.override_all = !args.bootstrap.empty() || (env != nullptr && *env);
  } catch (const config_error& e) {
    log().error("{}", e.what());
    return 2;
  }

  std::optional<embedded_broker> broker;
  if (opts.bootstrap_servers.empty()) {
    embedded_broker_options bopts;
    bopts.partitions = args.partitions;
    bopts.topics = a.get_topics();
    for (auto& c : a.consumers())
      bopts.topics.push_back(c->dead_letter_topic);
    try {
      broker.emplace(bopts);
    } catch (const std::exception& e) {
      log().error("cannot start the embedded broker: {}", e.what());
      return 1;
    }
    opts.bootstrap_servers = broker->bootstrap_servers();
    opts.override_all = true;
    log().warn("embedded broker (librdkafka mock cluster) at {}: for "
               "development and tests only; it keeps only the newest 5 MiB "
               "per partition and forgets everything on exit",
               opts.bootstrap_servers);
  }

  runtime_config cfg;
  caf::actor_system sys{cfg};
  try {
    a.start(sys, opts);
  } catch (const config_error& e) {
    log().error("{}", e.what());
    return 2;
  } catch (const std::exception& e) {
    log().error("{}", e.what());
    return 1;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  log().info("received {}; stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
  a.stop();
  return 0;
}

} // namespace

int run_cli(app& a, int argc, char** argv) {
  CLI::App cli{a.config().title + " " + a.config().version +
               (a.config().description.empty()
                    ? std::string{}
                    : " - " + a.config().description)};
  cli.require_subcommand(1);
  cli.footer("Logs go to stderr, one line per event.");
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
                   "group_id=replay-7; librdkafka.<property>=VALUE passes any "
                   "librdkafka property. Options: " +
                       option_names)
      ->type_name("OPTION=VALUE");
  run_cmd
      ->add_option("--embedded-partitions", args.partitions,
                   "Partitions of the topics the embedded broker creates")
      ->check(CLI::Range(1, 1000));
  docs::cli_args docs_args;
  auto* docs_cmd = docs::add_cli(cli, a, docs_args);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = cli.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (docs_cmd->parsed())
    return docs::run_cli(a, docs_args);
  return run(a, args);
}

} // namespace fastkafka
