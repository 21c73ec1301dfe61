#pragma once

#include "bench_common.hpp"

namespace bench {

/// The parent: hosts the embedded broker, preloads the inputs, runs every
/// worker kind in a child process of its own, alternating kinds, runs the
/// latency probe, and prints one table.
int run_parent(const settings& s);

} // namespace bench
