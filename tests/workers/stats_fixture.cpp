// stats_fixture: a small app command line over synthetic snapshots.
//
//   stats_fixture serve --port P --worker I --rate R [--version V]
//       publishes a stats actor (printing "listening PORT"), until SIGTERM
//   stats_fixture status|top --connect ...
//       exactly the subcommands an app's CLI gets (workers::add_view_cli)

#include <csignal>
#include <iostream>
#include <pthread.h>

#include <CLI/CLI.hpp>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"

#include "fastkafka/workers/cli.hpp"
#include "fastkafka/workers/middleman.hpp"
#include "fastkafka/workers/stats_endpoint.hpp"
#include "fastkafka/workers/supervisor.hpp"

#include "synthetic.hpp"

using namespace fastkafka::workers;

int main(int argc, char** argv) {
  CLI::App cli{"stats fixture"};
  cli.require_subcommand(1);
  int port = 0;
  int worker = 0;
  double rate = 100;
  uint32_t version = fastkafka::stats_protocol_version;
  int sample_ms = 200;
  std::string bind = "127.0.0.1";
  auto* serve = cli.add_subcommand("serve", "publish synthetic snapshots");
  serve->add_option("--port", port);
  serve->add_option("--bind", bind);
  serve->add_option("--worker", worker);
  serve->add_option("--rate", rate);
  serve->add_option("--version", version);
  serve->add_option("--sample-ms", sample_ms);
  view_args view;
  add_view_cli(cli, view);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  if (view_parsed(view))
    return run_view_cli(view);
  block_stop_signals();
  caf::actor_system_config cfg;
  load_middleman(cfg);
  caf::actor_system sys{cfg};
  stats_options opts;
  opts.port = static_cast<uint16_t>(port);
  opts.bind = bind;
  opts.actor.version = version;
  opts.actor.sample_interval = std::chrono::milliseconds{sample_ms};
  stats_endpoint stats{sys, fastkafka::test::synthetic_provider(worker, rate),
                       opts};
  std::cout << "listening " << stats.port() << std::endl;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return 0;
}
