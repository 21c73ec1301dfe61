#define CAF_SUITE ops_rdkafka_stats

#include "fastkafka/ops/rdkafka_stats.hpp"

#include "caf/test/unit_test.hpp"

#include <fstream>
#include <sstream>

#include "fastkafka/ops/rdkafka_stats_store.hpp"

using namespace fastkafka::ops;

namespace {

// Documents librdkafka 2.0.2 emitted against fastkafka-broker (see
// capture_rdkafka_stats.cpp): a group consumer of topic ops-stats after it
// consumed and committed 200 messages, and the producer that sent them.
std::string sample(const std::string& name) {
  std::ifstream in{std::string{FASTKAFKA_OPS_DATA} + "/" + name};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

const rdkafka_broker_stats* broker(const rdkafka_stats& s,
                                   std::string_view name) {
  for (auto& b : s.brokers)
    if (b.name == name)
      return &b;
  return nullptr;
}

} // namespace

CAF_TEST(a consumer document gives round trips and the fetch queue) {
  auto s = parse_rdkafka_stats(sample("librdkafka-2.0.2-consumer.json"));
  CAF_CHECK_EQUAL(s.type, "consumer");
  CAF_CHECK_EQUAL(s.client_id, "ops-stats-consumer");
  CAF_CHECK_EQUAL(s.name, "ops-stats-consumer#consumer-2");
  CAF_CHECK_EQUAL(s.time_seconds, 1796157385);
  CAF_CHECK_EQUAL(s.rebalances, 1u);
  CAF_CHECK_EQUAL(s.group_join_state, "steady");
  CAF_REQUIRE_EQUAL(s.brokers.size(), 2u);
  auto* b = broker(s, "127.0.0.1:36551/1");
  CAF_REQUIRE(b != nullptr);
  CAF_CHECK_EQUAL(b->node_id, 1);
  CAF_CHECK(b->up);
  CAF_CHECK_EQUAL(b->requests_sent, 69u);
  CAF_CHECK_EQUAL(b->requests_in_flight, 1);
  CAF_CHECK_EQUAL(b->connects, 1u);
  CAF_CHECK_EQUAL(b->rtt_samples, 9u);
  // librdkafka reports microseconds.
  CAF_CHECK_EQUAL(b->rtt_avg_seconds, 0.0506);
  CAF_CHECK_EQUAL(b->rtt_p50_seconds, 0.050431);
  CAF_CHECK_EQUAL(b->rtt_p99_seconds, 0.053759);
  CAF_CHECK(broker(s, "GroupCoordinator") != nullptr);
  // Four partitions; librdkafka's internal -1 is left out.
  CAF_REQUIRE_EQUAL(s.partitions.size(), 4u);
  for (auto& p : s.partitions) {
    CAF_CHECK_EQUAL(p.topic, "ops-stats");
    CAF_CHECK(p.partition >= 0 && p.partition < 4);
    CAF_CHECK_EQUAL(p.fetch_queue_messages, 0);
  }
}

CAF_TEST(a producer document gives its queue) {
  auto s = parse_rdkafka_stats(sample("librdkafka-2.0.2-producer.json"));
  CAF_CHECK_EQUAL(s.type, "producer");
  CAF_CHECK_EQUAL(s.producer_queue_messages, 0);
  CAF_CHECK_EQUAL(s.producer_queue_max_messages, 100000);
  CAF_CHECK_EQUAL(s.group_join_state, "");
  CAF_REQUIRE_EQUAL(s.brokers.size(), 1u);
  CAF_CHECK_EQUAL(s.brokers[0].requests_sent, 153u);
  CAF_CHECK_EQUAL(s.brokers[0].rtt_samples, 8u);
  CAF_CHECK_EQUAL(s.brokers[0].rtt_p99_seconds, 0.000149);
}

CAF_TEST(missing fields keep defaults and bad documents are reported) {
  auto s = parse_rdkafka_stats(R"({"type":"producer","msg_cnt":"odd",)"
                               R"("brokers":{"b":{"name":"b"}}})");
  CAF_CHECK_EQUAL(s.producer_queue_messages, 0);
  CAF_REQUIRE_EQUAL(s.brokers.size(), 1u);
  CAF_CHECK_EQUAL(s.brokers[0].node_id, -1);
  CAF_CHECK(!s.brokers[0].up);
  std::string err;
  CAF_CHECK(!parse_rdkafka_stats("{not json", err));
  CAF_CHECK(err.find("not JSON") != std::string::npos);
  CAF_CHECK(!parse_rdkafka_stats("[1,2]", err));
  CAF_CHECK(err.find("not a JSON object") != std::string::npos);
}

CAF_TEST(the store keeps the newest document per registration) {
  rdkafka_stats_store store;
  store.update("to_output", R"({"type":"producer","msg_cnt":3})");
  store.update("to_output", R"({"type":"producer","msg_cnt":7})");
  store.update("on_input", sample("librdkafka-2.0.2-consumer.json"));
  store.update("broken", "{");
  auto all = store.all();
  CAF_REQUIRE_EQUAL(all.size(), 2u);
  CAF_CHECK_EQUAL(all[0].registration, "on_input");
  CAF_CHECK_EQUAL(all[1].registration, "to_output");
  CAF_CHECK_EQUAL(all[1].producer_queue_messages, 7);
  CAF_CHECK_EQUAL(store.parse_errors(), 1u);
  store.remove("on_input");
  CAF_CHECK_EQUAL(store.all().size(), 1u);
}
