#pragma once

// The latency probe: produces inputs at a fixed rate and reads the outputs.

#include <cstdint>
#include <string>

namespace bench {

/// Where and how fast the probe sends.
struct probe_options {
  std::string bootstrap;
  std::string input_topic;
  std::string output_topic;
  int rate = 1000;
  double seconds = 4;
  int fetch_wait_ms = 5;
  int timeout_s = 60;
};

/// End-to-end latencies of one probe run, from the probe's produce call to
/// the probe reading the output, in milliseconds.
struct latency_stats {
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  int64_t sent = 0;
  int64_t received = 0;
};

/// Sends one warm-up record every 20 ms until the worker answers (so the
/// group join is not measured), then `rate * seconds` records, record `i`
/// at `i / rate` seconds after the start, each with its sequence number as
/// `id`, and matches outputs by `id`. Records still missing 5 s after the
/// last send count as lost.
latency_stats run_probe(const probe_options& opts);

} // namespace bench
