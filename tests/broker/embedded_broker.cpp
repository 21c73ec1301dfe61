#define CAF_SUITE embedded_broker

#include "fastkafka/embedded_broker.hpp"

#include "caf/test/unit_test.hpp"

#include "support/rdkafka_helpers.hpp"

#include <set>

using namespace fastkafka;
using namespace fastkafka::test;

namespace {

/// A producer whose retries and timeouts are short enough for tests.
handle_ptr make_producer(const embedded_broker& broker, delivery_log& log,
                         std::string message_timeout_ms = "10000") {
  return make_client(RD_KAFKA_PRODUCER, broker.bootstrap_servers(),
                     {{"message.timeout.ms", message_timeout_ms},
                      {"linger.ms", "5"},
                      {"retry.backoff.ms", "50"},
                      {"reconnect.backoff.ms", "50"},
                      {"reconnect.backoff.max.ms", "500"}},
                     &log);
}

/// Produces one message and waits for its delivery report.
rd_kafka_resp_err_t produce_one(rd_kafka_t* rk, delivery_log& log,
                                const std::string& topic,
                                const std::string& value,
                                std::chrono::milliseconds timeout = 20s) {
  auto before = log.errors.size();
  if (auto err = produce(rk, topic, "k", value))
    return err;
  if (!wait_for_reports(rk, log, before + 1, timeout))
    return RD_KAFKA_RESP_ERR__TIMED_OUT;
  return log.errors.back();
}

} // namespace

CAF_TEST(options are validated and clamped) {
  embedded_broker_options opts;
  opts.brokers = 0;
  bool thrown = false;
  try {
    embedded_broker broker{opts};
  } catch (const std::system_error& e) {
    thrown = true;
    CAF_CHECK(std::string{e.what()}.find("brokers") != std::string::npos);
  }
  CAF_CHECK(thrown);
  opts.brokers = 2;
  opts.replication_factor = 5;
  embedded_broker broker{opts};
  CAF_CHECK_EQUAL(broker.options().replication_factor, 2);
  CAF_CHECK_EQUAL(broker.options().partitions, 4);
  // Two brokers: two loopback addresses, comma-separated.
  const auto& servers = broker.bootstrap_servers();
  CAF_CHECK_EQUAL(servers.rfind("127.0.0.1:", 0), 0u);
  CAF_CHECK(servers.find(",127.0.0.1:") != std::string::npos);
  CAF_CHECK(broker.set_down(99));
  CAF_CHECK(broker.set_up(99));
  CAF_CHECK(broker.create_topic(""));
}

CAF_TEST(topics created up front have the requested partitions) {
  embedded_broker_options opts;
  opts.partitions = 5;
  opts.topics = {"first", "second"};
  embedded_broker broker{opts};
  delivery_log log;
  auto rk = make_producer(broker, log);
  CAF_CHECK_EQUAL(partition_count(rk.get(), "first"), 5);
  CAF_CHECK_EQUAL(partition_count(rk.get(), "second"), 5);
  // Creating again is fine and leaves the topic as it was.
  CAF_CHECK(!broker.create_topic("first"));
  CAF_CHECK(!broker.create_topic("first", 9));
  CAF_CHECK_EQUAL(partition_count(rk.get(), "first"), 5);
  CAF_CHECK(!broker.create_topic("third", 2));
  CAF_CHECK_EQUAL(partition_count(rk.get(), "third"), 2);
  CAF_CHECK(!broker.create_topic("fourth"));
  CAF_CHECK_EQUAL(partition_count(rk.get(), "fourth"), 5);
}

CAF_TEST(auto created topics get the mock default of four partitions) {
  // The mock has no setting for this (librdkafka 2.0.2): a documented limit.
  embedded_broker_options opts;
  opts.partitions = 7;
  embedded_broker broker{opts};
  delivery_log log;
  auto rk = make_producer(broker, log);
  CAF_REQUIRE_EQUAL(produce_one(rk.get(), log, "auto", "v"),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
  CAF_CHECK_EQUAL(partition_count(rk.get(), "auto"), 4);
}

CAF_TEST(produce and consume with a group and manual commits) {
  constexpr int partitions = 3;
  constexpr size_t count = 300;
  const std::string topic = "orders";
  embedded_broker_options opts;
  opts.partitions = partitions;
  opts.topics = {topic};
  embedded_broker broker{opts};

  delivery_log log;
  auto producer = make_producer(broker, log);
  for (size_t i = 0; i < count; ++i)
    CAF_REQUIRE_EQUAL(produce(producer.get(), topic, "key-" + std::to_string(i),
                              "value-" + std::to_string(i)),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
  CAF_REQUIRE(wait_for_reports(producer.get(), log, count));
  CAF_CHECK_EQUAL(log.delivered, count);

  auto consumer = make_client(RD_KAFKA_CONSUMER, broker.bootstrap_servers(),
                              {{"group.id", "readers"},
                               {"enable.auto.commit", "false"},
                               {"auto.offset.reset", "earliest"}});
  rd_kafka_poll_set_consumer(consumer.get());
  partition_list_ptr subscription{rd_kafka_topic_partition_list_new(1)};
  rd_kafka_topic_partition_list_add(subscription.get(), topic.c_str(),
                                    RD_KAFKA_PARTITION_UA);
  CAF_REQUIRE_EQUAL(rd_kafka_subscribe(consumer.get(), subscription.get()),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
  std::set<std::string> keys;
  std::set<int32_t> seen_partitions;
  auto deadline = clock_type::now() + 30s;
  while (keys.size() < count && clock_type::now() < deadline) {
    auto* msg = rd_kafka_consumer_poll(consumer.get(), 100);
    if (!msg)
      continue;
    if (!msg->err) {
      keys.emplace(static_cast<const char*>(msg->key), msg->key_len);
      seen_partitions.insert(msg->partition);
    }
    rd_kafka_message_destroy(msg);
  }
  CAF_CHECK_EQUAL(keys.size(), count);
  CAF_CHECK_EQUAL(seen_partitions.size(), static_cast<size_t>(partitions));
  CAF_REQUIRE_EQUAL(rd_kafka_commit(consumer.get(), nullptr, 0),
                    RD_KAFKA_RESP_ERR_NO_ERROR);

  partition_list_ptr committed{rd_kafka_topic_partition_list_new(partitions)};
  for (int32_t p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(committed.get(), topic.c_str(), p);
  CAF_REQUIRE_EQUAL(rd_kafka_committed(consumer.get(), committed.get(), 10000),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
  int64_t total = 0;
  for (int i = 0; i < committed->cnt; ++i) {
    const auto& tp = committed->elems[i];
    int64_t low = -1, high = -1;
    CAF_REQUIRE_EQUAL(
        rd_kafka_query_watermark_offsets(consumer.get(), topic.c_str(),
                                         tp.partition, &low, &high, 10000),
        RD_KAFKA_RESP_ERR_NO_ERROR);
    CAF_CHECK_EQUAL(tp.err, RD_KAFKA_RESP_ERR_NO_ERROR);
    CAF_CHECK_EQUAL(tp.offset, high);
    total += high;
  }
  CAF_CHECK_EQUAL(total, static_cast<int64_t>(count));
  rd_kafka_consumer_close(consumer.get());
}

CAF_TEST(a broker that is down fails deliveries until it is up again) {
  embedded_broker_options opts;
  opts.topics = {"faults"};
  embedded_broker broker{opts};
  delivery_log log;
  auto rk = make_producer(broker, log, "1500");
  CAF_REQUIRE_EQUAL(produce_one(rk.get(), log, "faults", "before"),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
  CAF_REQUIRE(!broker.set_down(1));
  auto err = produce_one(rk.get(), log, "faults", "while down", 10s);
  CAF_CHECK_NOT_EQUAL(err, RD_KAFKA_RESP_ERR_NO_ERROR);
  CAF_CHECK_NOT_EQUAL(err, RD_KAFKA_RESP_ERR__TIMED_OUT); // a report came
  CAF_MESSAGE("delivery while down: " << rd_kafka_err2str(err));
  CAF_REQUIRE(!broker.set_up(1));
  // The producer reconnects within reconnect.backoff.max.ms; a message
  // produced now may still race the reconnect, so allow a few attempts.
  auto deadline = clock_type::now() + 15s;
  do {
    err = produce_one(rk.get(), log, "faults", "after", 5s);
  } while (err && clock_type::now() < deadline);
  CAF_CHECK_EQUAL(err, RD_KAFKA_RESP_ERR_NO_ERROR);
}

CAF_TEST(retriable request errors are retried and others fail delivery) {
  embedded_broker_options opts;
  opts.topics = {"faults"};
  embedded_broker broker{opts};
  delivery_log log;
  auto rk = make_producer(broker, log);
  CAF_REQUIRE_EQUAL(produce_one(rk.get(), log, "faults", "warm-up"),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
  // The injected errors really reach the client: without retries the
  // retriable one is what the delivery report says.
  delivery_log no_retry_log;
  auto no_retry =
      make_client(RD_KAFKA_PRODUCER, broker.bootstrap_servers(),
                  {{"message.send.max.retries", "0"}}, &no_retry_log);
  CAF_REQUIRE_EQUAL(produce_one(no_retry.get(), no_retry_log, "faults", "w"),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
  broker.push_request_errors(0, {RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS});
  CAF_CHECK_EQUAL(produce_one(no_retry.get(), no_retry_log, "faults", "x"),
                  RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  // With retries the same errors are absorbed. (librdkafka retries a
  // leader change without counting it against message.send.max.retries.)
  broker.push_request_errors(0, {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                 RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                 RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS});
  CAF_CHECK_EQUAL(produce_one(rk.get(), log, "faults", "retried"),
                  RD_KAFKA_RESP_ERR_NO_ERROR);
  // A non-retriable error fails the delivery at once.
  broker.push_request_errors(0, {RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE});
  CAF_CHECK_EQUAL(produce_one(rk.get(), log, "faults", "rejected"),
                  RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  // The error stack is used up: the next message goes through again.
  CAF_CHECK_EQUAL(produce_one(rk.get(), log, "faults", "fine"),
                  RD_KAFKA_RESP_ERR_NO_ERROR);
}

CAF_TEST(set_rtt adds latency to responses) {
  embedded_broker_options opts;
  opts.topics = {"slow"};
  embedded_broker broker{opts};
  delivery_log log;
  auto rk = make_producer(broker, log);
  auto timed = [&](const char* value) {
    auto start = clock_type::now();
    auto err = produce_one(rk.get(), log, "slow", value);
    CAF_CHECK_EQUAL(err, RD_KAFKA_RESP_ERR_NO_ERROR);
    return clock_type::now() - start;
  };
  timed("warm-up");
  auto fast = timed("fast");
  CAF_REQUIRE(!broker.set_rtt(1, 400ms));
  auto slow = timed("slow");
  CAF_REQUIRE(!broker.set_rtt(1, 0ms));
  CAF_MESSAGE(
      "produce round trip without rtt: "
      << std::chrono::duration_cast<std::chrono::milliseconds>(fast).count()
      << " ms, with 400 ms rtt: "
      << std::chrono::duration_cast<std::chrono::milliseconds>(slow).count()
      << " ms");
  CAF_CHECK(slow >= 350ms);
  CAF_CHECK(slow > fast + 250ms);
  CAF_CHECK(broker.set_rtt(1, std::chrono::milliseconds{-1}));
}
