#pragma once

// The environment variables the parent of `run --workers N` sets for each
// worker. They are not settings: the environment layer of the settings
// leaves them alone.

#include <array>
#include <string_view>

namespace fastkafka {

/// The worker's index, 0..N-1.
inline constexpr const char* worker_index_env = "FASTKAFKA_WORKER_INDEX";
/// N, the number of workers the parent runs.
inline constexpr const char* worker_count_env = "FASTKAFKA_WORKER_COUNT";
/// `host:port` of the parent's stats actor; a worker registers its own
/// stats actor there (set only when the parent has `--stats-port`).
inline constexpr const char* stats_parent_env = "FASTKAFKA_STATS_PARENT";

/// Every variable above.
inline constexpr std::array<std::string_view, 3> worker_environment = {
    worker_index_env, worker_count_env, stats_parent_env};

} // namespace fastkafka
