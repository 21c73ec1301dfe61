#include "bench_common.hpp"

#include "fastkafka/kafka/config.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include <fstream>

#include <sys/resource.h>
#include <time.h>

#include "fastkafka/codecs/avro.hpp"

namespace bench {

void die(const std::string& what) {
  std::fprintf(stderr, "pipeline_bench: %s\n", what.c_str());
  std::exit(1);
}

// -- clocks ------------------------------------------------------------------

int64_t wall_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

double wall_seconds() {
  return static_cast<double>(wall_ns()) * 1e-9;
}

mark mark::now() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) +
           static_cast<double>(tv.tv_usec) * 1e-6;
  };
  return {wall_seconds(), secs(ru.ru_utime), secs(ru.ru_stime)};
}

double peak_rss_mib() {
  // VmHWM is this image's own high-water mark; the rusage of a spawned
  // child also counts the parent's pages it shared until exec.
  std::ifstream status{"/proc/self/status"};
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmHWM:"))
      return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

void print_result(const std::string& worker, const mark& from, const mark& last,
                  const mark& to, int64_t handled, int64_t acked) {
  auto cpu = [](const mark& a, const mark& b) {
    return (b.user - a.user) + (b.sys - a.sys);
  };
  std::printf("result worker=%s seconds=%.4f cpu_seconds=%.4f "
              "user_seconds=%.4f sys_seconds=%.4f handle_seconds=%.4f "
              "handle_cpu_seconds=%.4f handled=%lld acked=%lld rss_mib=%.1f\n",
              worker.c_str(), to.wall - from.wall, cpu(from, to),
              to.user - from.user, to.sys - from.sys, last.wall - from.wall,
              cpu(from, last), static_cast<long long>(handled),
              static_cast<long long>(acked), peak_rss_mib());
  std::fflush(stdout);
}

// -- librdkafka helpers ------------------------------------------------------

rk_ptr make_client(rd_kafka_type_t type, const properties& props,
                   void (*setup)(rd_kafka_conf_t*, void*), void* opaque) {
  std::string err;
  auto conf = fastkafka::kafka::make_conf(props, err);
  if (!conf)
    die("config: " + err);
  if (setup != nullptr)
    setup(conf.get(), opaque);
  auto rk = fastkafka::kafka::make_client(type, std::move(conf), err);
  if (!rk)
    die(err);
  return rk;
}

properties parse_assignments(const std::vector<std::string>& words) {
  properties out;
  for (auto& w : words) {
    auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0)
      die("expected key=value, got '" + w + "'");
    out.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return out;
}

std::vector<partition_count> watermarks(rd_kafka_t* rk,
                                        const std::string& topic) {
  std::vector<partition_count> out(partitions);
  for (int p = 0; p < partitions; ++p) {
    auto rc = rd_kafka_query_watermark_offsets(
        rk, topic.c_str(), p, &out[p].low, &out[p].high, 10000);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
      die("watermarks of " + topic + " [" + std::to_string(p) +
          "]: " + rd_kafka_err2str(rc));
  }
  return out;
}

namespace {

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* counts = static_cast<delivery_counts*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
    counts->ok.fetch_add(1, std::memory_order_relaxed);
  else
    counts->failed.fetch_add(1, std::memory_order_relaxed);
}

} // namespace

void count_deliveries(rd_kafka_conf_t* conf, void* counts) {
  rd_kafka_conf_set_opaque(conf, counts);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
}

void produce_or_die(rd_kafka_t* rk, const char* topic, int32_t partition,
                    std::string_view key, std::string_view value) {
  for (;;) {
    auto rc = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_END);
    if (rc == RD_KAFKA_RESP_ERR_NO_ERROR)
      return;
    if (rc != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      die(std::string{"produce to "} + topic + ": " + rd_kafka_err2str(rc));
    rd_kafka_poll(rk, 10); // serve reports to make room
  }
}

// -- payloads ----------------------------------------------------------------

double input_value(int64_t id) {
  return static_cast<double>(id % 100000) * 0.25 + 0.125;
}

void write_json(std::string& out, int64_t id, double value,
                std::string_view name) {
  // Names are ASCII letters, digits and dashes: nothing to escape.
  char num[32];
  out.append(R"({"id":)");
  out.append(num, std::to_chars(num, num + sizeof num, id).ptr);
  out.append(R"(,"value":)");
  out.append(num, std::to_chars(num, num + sizeof num, value).ptr);
  out.append(R"(,"name":")");
  out.append(name);
  out.append(R"("})");
}

void write_avro(std::string& out, const record& r) {
  fastkafka::avro_encode(r, out);
}

bool is_avro(std::string_view kind) {
  return kind.ends_with("avro");
}

} // namespace bench
