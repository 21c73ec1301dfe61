#define CAF_SUITE ops_rdkafka_stats_live

// librdkafka as linked today emits statistics against a running
// fastkafka-broker; they parse into what the metrics page shows. Catches a
// librdkafka upgrade that renames the fields the committed samples have.
#include "fastkafka/ops/rdkafka_stats.hpp"

#include "caf/test/unit_test.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fastkafka/ops/metrics_page.hpp"
#include "support/rdkafka_helpers.hpp"

using namespace fastkafka;
using namespace fastkafka::ops;
using fastkafka::test::child_process;
using namespace std::chrono_literals;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in{p};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

} // namespace

CAF_TEST(fresh statistics of a producer and a group consumer parse) {
  child_process broker{{FASTKAFKA_BROKER_EXE, "--topic", "ops-stats"}};
  auto bootstrap = broker.read_line(10s);
  CAF_REQUIRE(bootstrap.has_value());
  char tmpl[] = "/tmp/fastkafka-stats-XXXXXX";
  std::filesystem::path dir = mkdtemp(tmpl);
  child_process capture{{CAPTURE_EXE, *bootstrap, dir.string()}};
  auto out = capture.read_all(60s);
  CAF_REQUIRE_EQUAL(capture.exit_code(5s), 0);
  CAF_MESSAGE(out);

  auto consumer = parse_rdkafka_stats(read(dir / "consumer.json"));
  CAF_CHECK_EQUAL(consumer.type, "consumer");
  CAF_CHECK_EQUAL(consumer.group_join_state, "steady");
  CAF_CHECK(consumer.rebalances >= 1u);
  CAF_CHECK_EQUAL(consumer.partitions.size(), 4u);
  bool rtt = false;
  for (auto& b : consumer.brokers)
    if (b.up && b.node_id == 1 && b.rtt_samples > 0 && b.rtt_avg_seconds > 0 &&
        b.rtt_p99_seconds >= b.rtt_p50_seconds)
      rtt = true;
  CAF_CHECK(rtt);

  auto producer = parse_rdkafka_stats(read(dir / "producer.json"));
  CAF_CHECK_EQUAL(producer.type, "producer");
  CAF_CHECK(producer.producer_queue_max_messages > 0);
  CAF_REQUIRE(!producer.brokers.empty());
  CAF_CHECK(producer.brokers[0].requests_sent > 0u);

  consumer.registration = "on_input";
  producer.registration = "to_output";
  std::vector<rdkafka_stats> clients{consumer, producer};
  auto page = render_metrics(runtime_snapshot{}, clients);
  CAF_CHECK(page.find("fastkafka_rdkafka_broker_rtt_p99_seconds{"
                      "registration=\"on_input\"") != std::string::npos);
  CAF_CHECK(page.find("fastkafka_rdkafka_fetch_queue_messages{registration="
                      "\"on_input\",topic=\"ops-stats\",partition=\"3\"}") !=
            std::string::npos);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
