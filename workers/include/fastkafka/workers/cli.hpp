#pragma once

// Where the command line meets the workers: the options `run` gains
// (`--workers`, `--stats-port`, `--stats-bind`), the parent of `run
// --workers N`, and the `status` and `top` subcommands. The CLI of an app
// (`run_cli`) adds these and calls them; see workers/README.md for the
// wiring.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "fastkafka/workers/stats_endpoint.hpp"
#include "fastkafka/workers/supervisor.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace fastkafka::workers {

/// The options of `run` that scale out, filled by CLI11.
struct run_args {
  /// Worker processes; 0 runs the app in this process.
  uint32_t workers = 0;
  /// Port of the stats actor; -1: none; 0: any free port.
  int stats_port = -1;
  /// Address the stats actor listens on.
  std::string stats_bind = "127.0.0.1";
};

/// Adds `--workers`, `--stats-port` and `--stats-bind` to `run`.
void add_run_options(CLI::App& run, run_args& args);

/// What the parent needs from the app.
struct parent_options {
  /// The app's stop bound: how long each worker may drain.
  std::chrono::milliseconds stop_timeout{30000};
  /// Grace after the stop bound before SIGKILL.
  std::chrono::milliseconds kill_margin{5000};
  restart_policy restarts = default_worker_restarts;
};

/// Runs this program as the parent of `args.workers` workers: each gets the
/// arguments in `argv` minus `--workers`, `--stats-port` and `--stats-bind`,
/// and `FASTKAFKA_WORKER_INDEX`/`FASTKAFKA_WORKER_COUNT`; with a stats port
/// the parent publishes an aggregator there and tells the workers
/// (`FASTKAFKA_STATS_PARENT`) to register with it. Blocks SIGINT and
/// SIGTERM first, so call it before the process creates any thread.
/// Returns the exit code (0, or 1 when a worker failed or the stats port
/// cannot be bound).
int run_parent(const run_args& args, int argc, char** argv,
               const parent_options& options = {});

/// Where this process offers its stats: registered with the parent for a
/// worker, published on `--stats-port` otherwise; nothing when neither
/// applies. Fill `actor` as needed and pass it to a `stats_endpoint` on an
/// actor system that has the middleman (`load_middleman`).
std::optional<stats_options> stats_for_this_process(const run_args& args);

/// The arguments of `status` and `top`, filled by CLI11.
struct view_args {
  /// `HOST:PORT[,HOST:PORT...]`.
  std::string connect;
  /// `top`: seconds between refreshes.
  double interval = 1.0;
  /// `top`: stop after this many refreshes (0: until q).
  uint32_t iterations = 0;
  /// Limit for connecting and for each request, in milliseconds.
  int timeout_ms = 2000;
  /// `status`: leave out the partition table.
  bool no_partitions = false;
  CLI::App* status = nullptr;
  CLI::App* top = nullptr;
};

/// Adds the `status` and `top` subcommands to `cli`.
void add_view_cli(CLI::App& cli, view_args& args);

/// Whether `status` or `top` was parsed.
bool view_parsed(const view_args& args);

/// Runs the parsed `status` or `top`. `status` returns 0 when every member
/// answered, 1 when one did not, 2 for a bad `--connect`; `top` returns 0.
int run_view_cli(const view_args& args);

} // namespace fastkafka::workers
