// pipeline_bench: the framework's pipeline in several shapes against the
// librdkafka loops a user would write instead, end to end on the embedded
// broker, in throughput and in latency. See bench/README.md.
//
//   pipeline_bench                        # the whole table (~8 minutes)
//   pipeline_bench --rounds 3 --kinds raw-poll,fw-json --latency-rounds 0
//   pipeline_bench --fetch-wait-sweep 1,2,5,10,20,50,100,500 --rounds 0
//     --latency-rounds 0
//
// The parent hosts the broker, preloads the inputs and runs each
// measurement in a child process (this program with --worker KIND), kinds
// alternating, so that the broker's CPU is never counted against a worker.

#include <CLI/CLI.hpp>

#include "bench_common.hpp"
#include "parent.hpp"
#include "workers.hpp"

int main(int argc, char** argv) {
  bench::settings s;
  s.kinds = {"raw-poll",    "fw-json",   "fw-json-metrics",
             "fw-json-eos", "raw-batch", "fw-batch",
             "raw-avro",    "fw-avro",   "fw-conc"};
  const std::vector<std::string> all_kinds = s.kinds;
  CLI::App cli{"The framework's pipeline against plain librdkafka loops, end "
               "to end on the embedded broker"};
  cli.add_option("--messages", s.messages, "Records per throughput run")
      ->capture_default_str();
  cli.add_option("--rounds", s.rounds,
                 "Throughput rounds (one run of every kind each)")
      ->capture_default_str();
  cli.add_option("--kinds", s.kinds, "Worker kinds of the throughput rounds")
      ->delimiter(',')
      ->check(CLI::IsMember(all_kinds))
      ->capture_default_str();
  cli.add_option("--latency-rounds", s.latency_rounds,
                 "Latency rounds (raw-poll and fw-json at every rate)")
      ->capture_default_str();
  cli.add_option("--rates", s.rates, "Latency probe rates, msg/s")
      ->delimiter(',')
      ->capture_default_str();
  cli.add_option("--latency-seconds", s.latency_seconds,
                 "Seconds the probe sends per latency run")
      ->capture_default_str();
  cli.add_option("--fetch-wait-sweep", s.fetch_wait_sweep,
                 "fetch.wait.max.ms values to measure latency and idle CPU "
                 "at, 1000 msg/s")
      ->delimiter(',');
  cli.add_option("--preload", s.preload, "Who writes the input")
      ->check(CLI::IsMember({"librdkafka", "kcat"}))
      ->capture_default_str();
  cli.add_option("--timeout", s.timeout_s, "Seconds a run may take")
      ->capture_default_str();
  cli.add_option("--raw-batch", s.raw_batch,
                 "Messages per consume call of raw-batch")
      ->capture_default_str();
  cli.add_option("--concurrency", s.concurrency,
                 "max_in_flight of fw-conc (default: the framework's)");
  cli.add_option("--scrape-ms", s.scrape_ms,
                 "fw-json-metrics renders /metrics every N ms (0: never)")
      ->capture_default_str();
  cli.add_option("--raw-wake-ms", s.raw_wake_ms,
                 "Experiment: raw workers send a ListOffsets request every N "
                 "ms, which wakes librdkafka's fetching broker thread");
  cli.add_option("--raw-set", s.raw_set,
                 "librdkafka key=value for the raw consumers (repeatable)");
  cli.add_option("--fw-set", s.fw_set,
                 "Framework option=value for the framework workers, e.g. "
                 "max_poll_records=500 or librdkafka.queued.min.messages=1000 "
                 "(repeatable)");
  cli.add_option("--serve", s.serve_s,
                 "Only start the broker, preload, and serve for this many "
                 "seconds (to profile a worker by hand)");
  cli.add_option("--worker", s.worker, "Internal: run one measurement")
      ->check(CLI::IsMember(all_kinds));
  cli.add_option("--bootstrap", s.bootstrap, "Worker: bootstrap servers");
  cli.add_option("--group", s.group, "Worker: consumer group");
  cli.add_option("--input-topic", s.input_topic, "Worker: input topic");
  cli.add_option("--output-topic", s.output_topic, "Worker: output topic");
  cli.add_flag("--latency", s.latency,
               "Worker: run until SIGTERM instead of --messages");
  cli.add_option("--fetch-wait-ms", s.fetch_wait_ms,
                 "Worker: fetch.wait.max.ms (default: each side's own)");
  CLI11_PARSE(cli, argc, argv);
  try {
    if (s.worker.empty())
      return bench::run_parent(s);
    if (s.bootstrap.empty() || s.group.empty() || s.input_topic.empty() ||
        s.output_topic.empty())
      bench::die("--worker needs --bootstrap, --group, --input-topic and "
                 "--output-topic");
    return s.worker.starts_with("raw") ? bench::run_raw_worker(s)
                                       : bench::run_framework_worker(s);
  } catch (const std::exception& e) {
    bench::die(e.what());
  }
}
