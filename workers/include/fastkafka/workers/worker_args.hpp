#pragma once

// What a worker process is told by its parent: the command line it runs
// (the parent's, minus the options only the parent acts on) and its
// identity, passed in environment variables.

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fastkafka/worker_environment.hpp"

namespace fastkafka::workers {

using fastkafka::stats_parent_env;
using fastkafka::worker_count_env;
using fastkafka::worker_index_env;

/// Who this process is, read from the environment.
struct worker_identity {
  /// Whether a parent started this process as one of its workers.
  bool is_worker = false;
  /// 0 for a single process.
  int index = 0;
  /// 1 for a single process.
  int count = 1;
  /// `host:port` to register the stats actor with; empty for none.
  std::string stats_parent;
};

/// Reads `worker_index_env`, `worker_count_env` and `stats_parent_env`;
/// malformed values count as absent.
worker_identity this_worker();

/// `args` without the options named in `options` and their values, in the
/// forms `--name VALUE` and `--name=VALUE`; everything after a `--` stays.
std::vector<std::string>
strip_options(const std::vector<std::string>& args,
              std::span<const std::string_view> options);

/// The options a `run --workers N` parent keeps to itself: the workers get
/// every other argument unchanged.
inline constexpr std::array<std::string_view, 3> parent_only_options = {
    "--workers", "--stats-port", "--stats-bind"};

} // namespace fastkafka::workers
