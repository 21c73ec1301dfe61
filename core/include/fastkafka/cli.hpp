#pragma once

namespace fastkafka {

class app;

/// Runs `a` as a command-line program (`<app> run ...`, `<app> --help`).
///
/// `run` connects to the broker chosen with `--kafka-broker` (default: the
/// first declared; `embedded` starts one in-process), applies
/// `--bootstrap-servers` / `FASTKAFKA_BOOTSTRAP_SERVERS` and `--set`, and
/// runs until SIGINT or SIGTERM, then drains, commits, flushes and returns
/// 0. Returns 2 for bad arguments or configuration, 1 when the app failed.
int run_cli(app& a, int argc, char** argv);

} // namespace fastkafka
