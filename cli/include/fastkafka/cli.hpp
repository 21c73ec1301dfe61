#pragma once

#include "fastkafka/broker.hpp"

namespace fastkafka {

class app;

/// What an app binary adds to the command line beyond the runtime and docs.
struct cli_options {
  /// Starts the broker of `run --kafka-broker embedded`; without one that
  /// choice is refused with how to get it (`fastkafka::testing` provides
  /// `embedded_broker_starter()`), so production binaries need not link
  /// the mock broker.
  local_broker_starter embedded;
};

/// Runs `a` as a command-line program (`<app> run ...`, `<app> docs ...`,
/// `<app> --help`, `<app> --version`).
///
/// `run` connects to the broker chosen with `--kafka-broker` (default: the
/// first declared; `embedded` starts one in-process), applies
/// `--bootstrap-servers` / `FASTKAFKA_BOOTSTRAP_SERVERS` and `--set`, and
/// runs until SIGINT or SIGTERM, then drains, commits, flushes and returns
/// 0 — or 1 when the stop bound ran out first or the app failed (a crash
/// its supervisors could not absorb). Returns 2 for bad arguments or
/// configuration, and 3 when `--reset-offsets` is refused because a group
/// has live members.
int run_cli(app& a, int argc, char** argv, cli_options options = {});

} // namespace fastkafka
