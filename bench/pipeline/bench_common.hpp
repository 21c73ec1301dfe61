#pragma once

// What the parent and the workers of pipeline_bench share: settings, clocks,
// librdkafka helpers, the payloads and the one `result` line a worker prints.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/describe/class.hpp>
#include <librdkafka/rdkafka.h>

#include "fastkafka/kafka/handles.hpp"

namespace bench {

/// Partitions of every topic the benchmark creates.
constexpr int partitions = 8;

/// Command-line settings of the parent and of the workers.
struct settings {
  // parent
  int64_t messages = 400000;
  int rounds = 5;
  int timeout_s = 180;
  std::vector<std::string> kinds;
  std::vector<int> rates{1000, 5000};
  int latency_rounds = 3;
  double latency_seconds = 4;
  std::vector<int> fetch_wait_sweep;
  std::string preload = "librdkafka";
  int serve_s = 0;
  // worker
  std::string worker;
  std::string bootstrap;
  std::string group;
  std::string input_topic;
  std::string output_topic;
  bool latency = false;
  int fetch_wait_ms = -1;
  int raw_batch = 1000;
  int concurrency = 0;
  int raw_wake_ms = 0;
  int scrape_ms = 1000;
  std::vector<std::string> raw_set; // librdkafka key=value, raw consumers
  std::vector<std::string> fw_set;  // framework option=value
};

[[noreturn]] void die(const std::string& what);

// -- clocks ------------------------------------------------------------------

/// CLOCK_MONOTONIC in seconds.
double wall_seconds();

/// CLOCK_MONOTONIC in nanoseconds.
int64_t wall_ns();

/// Wall and process CPU (all threads, user + system) at one instant.
struct mark {
  double wall = 0;
  double user = 0;
  double sys = 0;

  static mark now();
};

/// Peak resident set of this process, in MiB.
double peak_rss_mib();

/// Prints the worker's one `result` line: `from` is its first consumed
/// message, `last` when the last input was handled, `to` when every output
/// was acknowledged (throughput) or when it was told to stop (latency).
void print_result(const std::string& worker, const mark& from, const mark& last,
                  const mark& to, int64_t handled, int64_t acked);

// -- librdkafka helpers ------------------------------------------------------

// The adapter's holders: one owner per librdkafka object, in one place.
using rk_ptr = fastkafka::kafka::kafka_ptr;
using rkq_ptr = fastkafka::kafka::queue_ptr;

using properties = std::vector<std::pair<std::string, std::string>>;

/// Builds a client; `setup` may add callbacks and an opaque to the conf.
rk_ptr make_client(rd_kafka_type_t type, const properties& props,
                   void (*setup)(rd_kafka_conf_t*, void*) = nullptr,
                   void* opaque = nullptr);

/// `key=value` words as properties; dies on a word without `=`.
properties parse_assignments(const std::vector<std::string>& words);

/// Low and high watermark of each partition of `topic`.
struct partition_count {
  int64_t low = 0;
  int64_t high = 0;
};
std::vector<partition_count> watermarks(rd_kafka_t* rk,
                                        const std::string& topic);

/// Delivery-report tallies, for the raw producers and the preload.
struct delivery_counts {
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> failed{0};
};

/// Installs a delivery-report callback that counts into `counts`.
void count_deliveries(rd_kafka_conf_t* conf, void* counts);

/// Produces with back-pressure: on a full queue, serves reports and retries.
void produce_or_die(rd_kafka_t* rk, const char* topic, int32_t partition,
                    std::string_view key, std::string_view value);

// -- payloads ----------------------------------------------------------------

/// One record, as the pipeline example defines it.
struct record {
  int64_t id = 0;
  double value = 0;
  std::string name;
};
BOOST_DESCRIBE_STRUCT(record, (), (id, value, name))

/// The value of input record `id`: varied lengths, exact in binary.
double input_value(int64_t id);

/// Appends `{"id":..,"value":..,"name":".."}` (shortest round-trip numbers).
void write_json(std::string& out, int64_t id, double value,
                std::string_view name);

/// Appends the schemaless Avro encoding of `r` (the codec's own encoder).
void write_avro(std::string& out, const record& r);

/// Whether `kind` reads Avro (its input topic and decoding differ).
bool is_avro(std::string_view kind);

} // namespace bench
