#include "probe.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <time.h>

#include "bench_common.hpp"

namespace bench {

namespace {

/// Ids of warm-up records start here; measured records count from 0.
constexpr int64_t warm_up_base = 1000000000;

/// The `id` of an output record, or -1.
int64_t id_of(const rd_kafka_message_t* m) {
  std::string_view text{static_cast<const char*>(m->payload), m->len};
  auto pos = text.find(R"("id":)");
  if (pos == std::string_view::npos)
    return -1;
  int64_t id = -1;
  std::from_chars(text.data() + pos + 5, text.data() + text.size(), id);
  return id;
}

void sleep_until_ns(int64_t t) {
  timespec ts{static_cast<time_t>(t / 1000000000),
              static_cast<long>(t % 1000000000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty())
    return 0;
  auto i =
      static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

} // namespace

latency_stats run_probe(const probe_options& opts) {
  auto n = static_cast<int64_t>(opts.rate * opts.seconds);
  std::vector<int64_t> sent_ns(static_cast<size_t>(n), 0);
  std::vector<int64_t> recv_ns(static_cast<size_t>(n), 0);
  std::atomic<bool> answered{false};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> received{0};

  // linger.ms=0: the probe's own batching must not be part of the figure.
  auto producer =
      make_client(RD_KAFKA_PRODUCER,
                  {{"bootstrap.servers", opts.bootstrap}, {"linger.ms", "0"}});
  // Assigned, not subscribed: no group join, reading from the start.
  auto consumer =
      make_client(RD_KAFKA_CONSUMER,
                  {{"bootstrap.servers", opts.bootstrap},
                   {"group.id", "probe-" + opts.output_topic},
                   {"enable.auto.commit", "false"},
                   {"fetch.wait.max.ms", std::to_string(opts.fetch_wait_ms)}});
  rd_kafka_poll_set_consumer(consumer.get());
  auto* parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(parts, opts.output_topic.c_str(), p)
        ->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(consumer.get(), parts);
  rd_kafka_topic_partition_list_destroy(parts);

  std::thread reader{[&] {
    while (!stop.load()) {
      auto* m = rd_kafka_consumer_poll(consumer.get(), 20);
      if (m == nullptr)
        continue;
      auto now = wall_ns();
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        auto id = id_of(m);
        if (id >= warm_up_base) {
          answered.store(true);
        } else if (id >= 0 && id < n && recv_ns[static_cast<size_t>(id)] == 0) {
          recv_ns[static_cast<size_t>(id)] = now;
          received.fetch_add(1);
        }
      }
      rd_kafka_message_destroy(m);
    }
  }};

  std::string payload;
  char key[24];
  auto send = [&](int64_t id) {
    payload.clear();
    write_json(payload, id, input_value(id), "probe-" + std::to_string(id));
    auto key_len = std::to_chars(key, key + sizeof key, id).ptr - key;
    produce_or_die(producer.get(), opts.input_topic.c_str(),
                   RD_KAFKA_PARTITION_UA, {key, static_cast<size_t>(key_len)},
                   payload);
    rd_kafka_poll(producer.get(), 0);
  };
  auto fail = [&](const std::string& what) {
    stop.store(true);
    reader.join();
    die("latency probe: " + what);
  };
  auto warm_deadline = wall_seconds() + opts.timeout_s;
  for (int64_t w = warm_up_base; !answered.load(); ++w) {
    if (wall_seconds() > warm_deadline)
      fail("the worker never answered");
    send(w);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Let the warm-up records drain before the measured ones start.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto period_ns = 1000000000 / opts.rate;
  auto t0 = wall_ns();
  for (int64_t i = 0; i < n; ++i) {
    sleep_until_ns(t0 + i * period_ns);
    sent_ns[static_cast<size_t>(i)] = wall_ns();
    send(i);
  }
  auto deadline = wall_seconds() + 5;
  while (received.load() < n && wall_seconds() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  stop.store(true);
  reader.join();
  rd_kafka_consumer_close(consumer.get());
  rd_kafka_flush(producer.get(), 5000);

  std::vector<double> lat;
  for (int64_t i = 0; i < n; ++i)
    if (recv_ns[static_cast<size_t>(i)] != 0)
      lat.push_back(static_cast<double>(recv_ns[static_cast<size_t>(i)] -
                                        sent_ns[static_cast<size_t>(i)]) *
                    1e-6);
  if (std::getenv("PIPELINE_BENCH_SPIKES") != nullptr) {
    // Stalls as episodes: the first record slower than 40 ms, how long the
    // episode lasted in send time, and its worst latency.
    int64_t start = -1;
    double worst = 0;
    for (int64_t i = 0; i <= n; ++i) {
      bool slow =
          i < n && recv_ns[static_cast<size_t>(i)] != 0 &&
          recv_ns[static_cast<size_t>(i)] - sent_ns[static_cast<size_t>(i)] >
              40000000;
      if (slow) {
        if (start < 0)
          start = i, worst = 0;
        worst = std::max(worst,
                         static_cast<double>(recv_ns[static_cast<size_t>(i)] -
                                             sent_ns[static_cast<size_t>(i)]) *
                             1e-6);
      } else if (start >= 0) {
        std::fprintf(
            stderr,
            "probe stall at %.0f ms for %.0f ms of sends, worst "
            "%.1f ms\n",
            static_cast<double>(sent_ns[static_cast<size_t>(start)] - t0) *
                1e-6,
            static_cast<double>(sent_ns[static_cast<size_t>(i - 1)] -
                                sent_ns[static_cast<size_t>(start)]) *
                1e-6,
            worst);
        start = -1;
      }
    }
  }
  std::sort(lat.begin(), lat.end());
  latency_stats out;
  out.sent = n;
  out.received = static_cast<int64_t>(lat.size());
  out.p50_ms = percentile(lat, 0.50);
  out.p99_ms = percentile(lat, 0.99);
  out.max_ms = lat.empty() ? 0 : lat.back();
  return out;
}

} // namespace bench
