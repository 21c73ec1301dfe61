// The raw references: what a librdkafka user writes without a framework.
//
// raw-poll is the plainest loop: subscribe, rd_kafka_consumer_poll one
// message at a time, boost::json::parse, double `value`, serialize,
// rd_kafka_producev (+ rd_kafka_poll(0) as librdkafka's examples do), with
// librdkafka's defaults for everything else (so offsets are stored as they
// are consumed and auto-committed every 5 s; linger.ms is 5), and a flush at
// the end. The only setting that is not a default is auto.offset.reset:
// a new group must read the backlog. raw-batch is the same loop reading
// with rd_kafka_consume_batch_queue (the framework's call); raw-avro is
// raw-poll on Avro records, decoded and encoded by the framework's codec
// functions (the same bytes as fw-avro, without the framework's runtime).

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "fastkafka/codecs/avro.hpp"
#include "workers.hpp"

namespace bench {

volatile std::sig_atomic_t stop_requested = 0;

void handle_sigterm() {
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
}

namespace {

/// The pipeline's work on one JSON message, as a Boost.JSON user writes it.
std::string transform_json(const rd_kafka_message_t* m) {
  auto doc = boost::json::parse(
      std::string_view{static_cast<const char*>(m->payload), m->len});
  auto& obj = doc.as_object();
  obj["value"] = obj.at("value").to_number<double>() * 2;
  return boost::json::serialize(doc);
}

/// The same on one Avro message, into reused buffers.
void transform_avro(const rd_kafka_message_t* m, record& r, std::string& out) {
  fastkafka::decode_error err;
  if (!fastkafka::avro_decode(
          std::string_view{static_cast<const char*>(m->payload), m->len}, r,
          err))
    die("raw worker: bad Avro input: " + err.to_string());
  r.value *= 2;
  out.clear();
  fastkafka::avro_encode(r, out);
}

} // namespace

int run_raw_worker(const settings& s) {
  handle_sigterm();
  delivery_counts counts;
  auto producer =
      make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", s.bootstrap}},
                  count_deliveries, &counts);
  properties props{{"bootstrap.servers", s.bootstrap},
                   {"group.id", s.group},
                   {"auto.offset.reset", "earliest"}};
  if (s.fetch_wait_ms >= 0)
    props.emplace_back("fetch.wait.max.ms", std::to_string(s.fetch_wait_ms));
  for (auto& kv : parse_assignments(s.raw_set))
    props.push_back(kv);
  auto consumer = make_client(RD_KAFKA_CONSUMER, props);
  rd_kafka_poll_set_consumer(consumer.get());
  auto* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, s.input_topic.c_str(),
                                    RD_KAFKA_PARTITION_UA);
  auto rc = rd_kafka_subscribe(consumer.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
    die(std::string{"subscribe: "} + rd_kafka_err2str(rc));

  // Experiment (--raw-wake-ms): a ListOffsets request every N ms wakes the
  // broker thread that fetches, so that it looks at its queue thresholds
  // again sooner than its 1 s loop timeout.
  std::atomic<bool> waking{s.raw_wake_ms > 0};
  std::thread waker;
  if (waking.load())
    waker = std::thread{[&] {
      while (waking.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(s.raw_wake_ms));
        int64_t lo = 0, hi = 0;
        rd_kafka_query_watermark_offsets(consumer.get(), s.input_topic.c_str(),
                                         0, &lo, &hi, 1000);
      }
    }};
  bool batch_mode = s.worker == "raw-batch";
  bool avro = is_avro(s.worker);
  rkq_ptr queue;
  if (batch_mode)
    queue.reset(rd_kafka_queue_get_consumer(consumer.get()));
  std::vector<rd_kafka_message_t*> batch(static_cast<size_t>(s.raw_batch));
  record rec;
  std::string avro_out;
  int64_t consumed = 0;
  mark first = mark::now();
  auto deadline = wall_seconds() + s.timeout_s;
  auto handle = [&](rd_kafka_message_t* m) {
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "raw worker: consume error: %s\n",
                   rd_kafka_message_errstr(m));
      return;
    }
    if (consumed++ == 0 && !s.latency)
      first = mark::now();
    std::string json;
    std::string_view out;
    if (avro) {
      transform_avro(m, rec, avro_out);
      out = avro_out;
    } else {
      json = transform_json(m);
      out = json;
    }
    std::string_view key{static_cast<const char*>(m->key), m->key_len};
    produce_or_die(producer.get(), s.output_topic.c_str(),
                   RD_KAFKA_PARTITION_UA, key, out);
    rd_kafka_poll(producer.get(), 0);
  };
  while (s.latency ? stop_requested == 0 : consumed < s.messages) {
    if (!s.latency && wall_seconds() > deadline)
      die("raw worker: consumed only " + std::to_string(consumed) + " of " +
          std::to_string(s.messages) + " messages in time");
    if (!batch_mode) {
      if (auto* m = rd_kafka_consumer_poll(consumer.get(), 100)) {
        handle(m);
        rd_kafka_message_destroy(m);
      }
      continue;
    }
    // As the framework does: take what is there; if nothing is, wait for
    // one message and take the rest (the batch call alone would wait out its
    // timeout on a partial batch).
    auto n = rd_kafka_consume_batch_queue(queue.get(), 0, batch.data(),
                                          batch.size());
    if (n == 0) {
      if (auto* m = rd_kafka_consume_queue(queue.get(), 100)) {
        batch[0] = m;
        auto more = rd_kafka_consume_batch_queue(queue.get(), 0, &batch[1],
                                                 batch.size() - 1);
        n = 1 + (more > 0 ? more : 0);
      }
    }
    for (ssize_t i = 0; i < n; ++i) {
      handle(batch[static_cast<size_t>(i)]);
      rd_kafka_message_destroy(batch[static_cast<size_t>(i)]);
    }
  }
  auto last = mark::now();
  waking.store(false);
  if (waker.joinable())
    waker.join();
  for (int tries = 0; rd_kafka_outq_len(producer.get()) > 0; ++tries) {
    if (tries == 30)
      die("raw worker: outputs not acknowledged within 30 s");
    rd_kafka_flush(producer.get(), 1000);
  }
  // Closing commits the stored offsets (auto-commit's last round).
  queue.reset();
  if (auto err = rd_kafka_consumer_close(consumer.get()))
    std::fprintf(stderr, "raw worker: close: %s\n", rd_kafka_err2str(err));
  auto end = mark::now();
  if (counts.failed.load() != 0)
    die("raw worker: " + std::to_string(counts.failed.load()) +
        " deliveries failed");
  print_result(s.worker, first, last, end, consumed, counts.ok.load());
  return 0;
}

} // namespace bench
