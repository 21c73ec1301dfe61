#pragma once

// The two families of worker, each run in a child process of its own.

#include <csignal>

#include "bench_common.hpp"

namespace bench {

/// Set by SIGTERM: a latency worker stops, reports and exits.
extern volatile std::sig_atomic_t stop_requested;

/// Installs the SIGTERM handler that sets `stop_requested`.
void handle_sigterm();

/// The hand-written librdkafka loops: `raw-poll` (one message per
/// rd_kafka_consumer_poll, the plainest loop), `raw-batch` (the same loop
/// reading with rd_kafka_consume_batch_queue) and `raw-avro` (raw-poll on
/// Avro records).
int run_raw_worker(const settings& s);

/// The framework's shapes: `fw-json` (one message per call), `fw-batch` (a
/// batch handler), `fw-avro` (one Avro message per call) and `fw-conc` (the
/// concurrent executor).
int run_framework_worker(const settings& s);

} // namespace bench
