// Runs a librdkafka producer and a group consumer with
// `statistics.interval.ms` against a broker and writes the last statistics
// document each emitted after traffic flowed:
//
//   capture_rdkafka_stats BOOTSTRAP OUT_DIR   #
//   OUT_DIR/{producer,consumer}.json
//
// tests/ops/data/ holds what it wrote against `fastkafka-broker` with
// Debian's librdkafka 2.0.2; the live suite runs it again and parses the
// fresh documents, so that the parser follows the library actually linked.
#include <librdkafka/rdkafka.h>

#include "fastkafka/kafka/config.hpp"
#include "fastkafka/kafka/handles.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// The newest statistics document of one client.
struct stats_box {
  std::mutex mtx;
  std::string json;
  int count = 0;
};

int on_stats(rd_kafka_t*, char* json, size_t len, void* opaque) {
  auto* box = static_cast<stats_box*>(opaque);
  std::lock_guard<std::mutex> guard{box->mtx};
  box->json.assign(json, len);
  ++box->count;
  return 0; // librdkafka frees `json`
}

void quiet(const rd_kafka_t*, int, const char*, const char*) {}

using rk_ptr = fastkafka::kafka::kafka_ptr;

rk_ptr make(rd_kafka_type_t type, const std::string& bootstrap,
            stats_box& box) {
  char err[512];
  fastkafka::kafka::conf_ptr owned{rd_kafka_conf_new()};
  auto* conf = owned.get();
  auto set = [&](const char* k, const char* v) {
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK)
      throw std::runtime_error(std::string{k} + ": " + err);
  };
  set("bootstrap.servers", bootstrap.c_str());
  set("statistics.interval.ms", "500");
  if (type == RD_KAFKA_CONSUMER) {
    set("group.id", "ops-stats-capture");
    set("client.id", "ops-stats-consumer");
    set("auto.offset.reset", "earliest");
    set("fetch.wait.max.ms", "50");
  } else {
    set("client.id", "ops-stats-producer");
    set("linger.ms", "5");
  }
  rd_kafka_conf_set_stats_cb(conf, on_stats);
  rd_kafka_conf_set_log_cb(conf, quiet);
  rd_kafka_conf_set_opaque(conf, &box);
  std::string why;
  auto rk = fastkafka::kafka::make_client(type, std::move(owned), why);
  if (!rk)
    throw std::runtime_error(why);
  return rk;
}

void write(const std::string& path, stats_box& box) {
  std::lock_guard<std::mutex> guard{box.mtx};
  std::ofstream out{path};
  out << box.json << '\n';
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP OUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    std::string bootstrap = argv[1];
    std::string dir = argv[2];
    const std::string topic = "ops-stats";
    stats_box pstats;
    stats_box cstats;
    auto producer = make(RD_KAFKA_PRODUCER, bootstrap, pstats);
    auto consumer = make(RD_KAFKA_CONSUMER, bootstrap, cstats);
    rd_kafka_poll_set_consumer(consumer.get());
    auto* subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, topic.c_str(),
                                      RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(consumer.get(), subs);
    rd_kafka_topic_partition_list_destroy(subs);

    // Keep producing and consuming until both clients reported statistics
    // with traffic in them: a few intervals after the group's first join
    // (about 3 s on the mock).
    const int total = 200;
    int sent = 0;
    int received = 0;
    int stats_at_done = -1;
    auto deadline = clock_type::now() + 40s;
    while (clock_type::now() < deadline) {
      if (sent < total) {
        std::string value = "message " + std::to_string(sent);
        if (rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                              RD_KAFKA_V_VALUE(value.data(), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR)
          ++sent;
      }
      rd_kafka_poll(producer.get(), 0);
      if (auto* msg = rd_kafka_consumer_poll(consumer.get(), 20)) {
        if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
          ++received;
        rd_kafka_message_destroy(msg);
      }
      if (received >= total && stats_at_done < 0) {
        rd_kafka_commit(consumer.get(), nullptr, 0);
        std::lock_guard<std::mutex> guard{cstats.mtx};
        stats_at_done = cstats.count;
      }
      // Two more documents after the commit: they show the committed
      // offsets and a lag of zero.
      if (stats_at_done >= 0) {
        std::lock_guard<std::mutex> guard{cstats.mtx};
        if (cstats.count >= stats_at_done + 2)
          break;
      }
    }
    if (received < total) {
      std::fprintf(stderr, "received %d of %d messages within 40 s\n", received,
                   total);
      return 1;
    }
    write(dir + "/producer.json", pstats);
    write(dir + "/consumer.json", cstats);
    rd_kafka_consumer_close(consumer.get());
    rd_kafka_flush(producer.get(), 5000);
    std::printf("sent %d, received %d\n", sent, received);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
