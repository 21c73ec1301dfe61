#include "fastkafka/workers/cli.hpp"

#include <iostream>
#include <mutex>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/send.hpp"

#include "fastkafka/log.hpp"
#include "fastkafka/workers/aggregator.hpp"
#include "fastkafka/workers/collector.hpp"
#include "fastkafka/workers/middleman.hpp"
#include "fastkafka/workers/table.hpp"
#include "fastkafka/workers/top.hpp"
#include "fastkafka/workers/worker_args.hpp"

namespace fastkafka::workers {

namespace {

// Where a worker reaches a parent listening on `bind`.
std::string reachable_host(const std::string& bind) {
  return bind.empty() || bind == "0.0.0.0" ? std::string{"127.0.0.1"} : bind;
}

} // namespace

void add_run_options(CLI::App& run, run_args& args) {
  run.add_option("--workers", args.workers,
                 "Run N worker processes of the app, each a member of the "
                 "consumer groups; this process supervises them (prefixed "
                 "output, forwarded signals, restarts after crashes)")
      ->type_name("N")
      ->check(CLI::Range(1, 1024));
  run.add_option("--stats-port", args.stats_port,
                 "Publish the stats actor on this port for `status` and "
                 "`top` (0: any free port; off by default); with --workers, "
                 "the stats of every worker")
      ->type_name("PORT")
      ->check(CLI::Range(0, 65535));
  run.add_option("--stats-bind", args.stats_bind,
                 "Address the stats actor listens on (0.0.0.0: every "
                 "interface)")
      ->type_name("ADDRESS")
      ->capture_default_str();
}

int run_parent(const run_args& args, int argc, char** argv,
               const parent_options& options) {
  block_stop_signals();
  supervisor_options so;
  so.workers = args.workers;
  so.argv0 = argv[0];
  so.args = strip_options(std::vector<std::string>(argv + 1, argv + argc),
                          parent_only_options);
  so.stop_timeout = options.stop_timeout;
  so.kill_margin = options.kill_margin;
  so.restarts = options.restarts;
  // The aggregator asks the supervisor for its slots from a CAF thread; the
  // mutex keeps it from doing so while the supervisor goes away.
  std::mutex slots_mtx;
  worker_supervisor* running = nullptr;
  std::optional<caf::actor_system_config> cfg;
  std::optional<caf::actor_system> sys;
  aggregator_actor aggregator;
  if (args.stats_port >= 0) {
    cfg.emplace();
    load_middleman(*cfg);
    sys.emplace(*cfg);
    aggregator = spawn_aggregator(*sys, [&] {
      std::lock_guard<std::mutex> guard{slots_mtx};
      return running ? running->status() : std::vector<worker_status>{};
    });
    try {
      auto port = publish_stats(*sys, aggregator,
                                static_cast<uint16_t>(args.stats_port),
                                args.stats_bind);
      log().info("stats of all {} workers on {}:{}", args.workers,
                 args.stats_bind.empty() ? "0.0.0.0" : args.stats_bind, port);
      so.env.push_back(std::string{stats_parent_env} + "=" +
                       endpoint{reachable_host(args.stats_bind), port}.text());
    } catch (const std::exception& e) {
      log().error("{}", e.what());
      caf::anon_send_exit(aggregator, caf::exit_reason::user_shutdown);
      return 1;
    }
  }
  int rc = 1;
  {
    worker_supervisor supervisor{so};
    {
      std::lock_guard<std::mutex> guard{slots_mtx};
      running = &supervisor;
    }
    rc = supervisor.run();
    std::lock_guard<std::mutex> guard{slots_mtx};
    running = nullptr;
  }
  if (aggregator)
    caf::anon_send_exit(aggregator, caf::exit_reason::user_shutdown);
  return rc;
}

std::optional<stats_options> stats_for_this_process(const run_args& args) {
  auto me = this_worker();
  stats_options out;
  out.worker = me.index;
  if (me.is_worker && !me.stats_parent.empty()) {
    out.parent = me.stats_parent;
    return out;
  }
  if (args.stats_port < 0)
    return std::nullopt;
  out.port = static_cast<uint16_t>(args.stats_port);
  out.bind = args.stats_bind;
  return out;
}

void add_view_cli(CLI::App& cli, view_args& args) {
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--connect", args.connect,
                    "Stats endpoints of workers, single processes or "
                    "parents of workers (their --stats-port)")
        ->type_name("HOST:PORT[,HOST:PORT...]")
        ->required();
    cmd->add_option("--timeout-ms", args.timeout_ms,
                    "Limit for connecting and for each request")
        ->check(CLI::Range(100, 600000))
        ->capture_default_str();
  };
  args.status = cli.add_subcommand(
      "status", "Print one table of the whole deployment: per worker and "
                "registration its partitions, counts, rates, lag and "
                "restarts; exits 1 when a member did not answer");
  add_common(args.status);
  args.status->add_flag("--no-partitions", args.no_partitions,
                        "Leave out the table of partitions");
  args.top = cli.add_subcommand(
      "top", "The same table, refreshed in the terminal until q or Ctrl-C; "
             "plain blocks of lines when stdout is not a terminal");
  add_common(args.top);
  args.top->add_option("--interval", args.interval, "Seconds between refreshes")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  args.top
      ->add_option("--iterations", args.iterations,
                   "Stop after this many refreshes (0: until q)")
      ->capture_default_str();
}

bool view_parsed(const view_args& args) {
  return (args.status && args.status->parsed()) ||
         (args.top && args.top->parsed());
}

int run_view_cli(const view_args& args) {
  std::vector<endpoint> where;
  try {
    where = parse_endpoints(args.connect);
  } catch (const std::invalid_argument& e) {
    std::cerr << "--connect: " << e.what() << '\n';
    return 2;
  }
  // `top` reads SIGINT/SIGTERM from a signalfd: block them before CAF
  // starts its threads. `status` leaves them alone (Ctrl-C ends it).
  bool top = args.top && args.top->parsed();
  if (top)
    block_stop_signals();
  caf::actor_system_config cfg;
  load_middleman(cfg);
  caf::actor_system sys{cfg};
  collect_options copts;
  copts.connect_timeout = std::chrono::milliseconds{args.timeout_ms};
  copts.request_timeout = std::chrono::milliseconds{args.timeout_ms};
  if (top) {
    top_options topts;
    topts.interval =
        std::chrono::milliseconds{static_cast<int64_t>(args.interval * 1000.0)};
    topts.iterations = args.iterations;
    topts.collect = copts;
    return run_top(sys, where, topts);
  }
  auto members = collect(sys, where, copts);
  std::cout << render_summary(members)
            << render_table(members, {.partitions = !args.no_partitions})
            << std::flush;
  for (auto& m : members)
    if (m.status != member_status::ok)
      return 1;
  return 0;
}

} // namespace fastkafka::workers
