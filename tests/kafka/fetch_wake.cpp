#define CAF_SUITE integration.fetch_wake

#include "fastkafka/kafka/consumer_client.hpp"

#include "caf/test/unit_test.hpp"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fastkafka/embedded_broker.hpp"
#include "support/rdkafka_helpers.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

/// Hears the assignment; commits are not used here.
struct quiet_listener final : kafka::consumer_listener {
  void on_assigned(std::span<const int32_t>) override {}
  void on_revoked(std::span<const int32_t>) override {}
  void on_lost(std::span<const int32_t>) override {}
  void on_committed(std::span<const kafka::partition_offset>, int,
                    std::string_view) override {}
};

constexpr int partitions = 4;

struct fixture {
  embedded_broker broker{{.partitions = partitions, .topics = {"input"}}};
  quiet_listener listener;

  /// A consumer of `input` whose fetchers stop at 1,000 queued messages and
  /// bring at most 2 KiB (one message set of 100) per partition and Fetch.
  std::unique_ptr<kafka::consumer_client> consumer(const std::string& group) {
    client_options o;
    o.bootstrap_servers = broker.bootstrap_servers();
    o.fetch_max_wait_ms = 10;
    o.max_partition_fetch_bytes = 2048;
    o.librdkafka["queued.min.messages"] = "1000";
    std::string err;
    auto c = kafka::consumer_client::create("on_input", "input", o, group,
                                            &listener, err);
    if (!c)
      CAF_FAIL("cannot create the consumer: " << err);
    return c;
  }

  /// Writes `n` records over the partitions in message sets of 100, so that
  /// one Fetch round brings ~400 of them and the fetchers need several to
  /// reach the threshold.
  void preload(int n) {
    test::delivery_log log;
    auto rk = test::make_client(RD_KAFKA_PRODUCER, broker.bootstrap_servers(),
                                {{"batch.num.messages", "100"}}, &log);
    for (int i = 0; i < n; ++i) {
      auto v = std::to_string(i);
      if (rd_kafka_producev(rk.get(), RD_KAFKA_V_TOPIC("input"),
                            RD_KAFKA_V_PARTITION(i % partitions),
                            RD_KAFKA_V_VALUE(v.data(), v.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                            RD_KAFKA_V_END) != RD_KAFKA_RESP_ERR_NO_ERROR)
        CAF_FAIL("produce failed");
      if (i % 1000 == 0)
        rd_kafka_poll(rk.get(), 0);
    }
    if (!test::wait_for_reports(rk.get(), log, static_cast<size_t>(n)) ||
        log.failed != 0)
      CAF_FAIL("preload not acknowledged");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(fetch_wake_tests, fixture)

// 24,000 records against a threshold of 1,000, read by an application
// slower than the fetcher: librdkafka 2.0.2 alone stops at the threshold
// and looks again only a second later (measured with the wake-up taken out:
// 15,800 records in 12 s); with it the drain took 0.33 s (29 wake-ups). The
// bound is 12 s, so a loaded machine does not fail the test while a missing
// wake-up does.
CAF_TEST(a backlog past queued.min.messages drains without 1 s waits) {
  constexpr int n = 24000;
  preload(n);
  auto c = consumer("drain");
  std::vector<int> seen(n, 0);
  int distinct = 0;
  std::vector<kafka::record> batch;
  auto join_deadline = clock_type::now() + 30s;
  clock_type::time_point first{};
  while (distinct < n) {
    auto now = clock_type::now();
    if (first == clock_type::time_point{} ? now > join_deadline
                                          : now - first > 12s)
      break;
    c->poll(batch, 100, 100ms);
    // An application slower than the fetcher (~100,000 records/s), as a
    // real handler is: the queue fills to the threshold and the fetchers
    // stop; librdkafka alone looks again only a second later.
    if (!batch.empty())
      std::this_thread::sleep_for(1ms);
    for (auto& r : batch) {
      if (first == clock_type::time_point{})
        first = clock_type::now();
      auto id = std::stoi(std::string{r.value});
      if (r.error == 0 && id >= 0 && id < n && seen[id]++ == 0)
        ++distinct;
      c->release(r);
    }
  }
  auto seconds =
      std::chrono::duration<double>(clock_type::now() - first).count();
  CAF_MESSAGE("drained " << distinct << " of " << n << " in " << seconds
                         << " s with " << c->fetch_wakes() << " wake-ups");
  CAF_CHECK_EQUAL(distinct, n);
  CAF_CHECK_GREATER_OR_EQUAL(c->fetch_wakes(), 1u);
  // At most one wake per half a threshold consumed.
  CAF_CHECK_LESS_OR_EQUAL(c->fetch_wakes(), static_cast<uint64_t>(n / 500));
  CAF_CHECK(c->close(10s));
}

CAF_TEST(an idle consumer never wakes the fetchers) {
  auto c = consumer("idle");
  std::vector<kafka::record> batch;
  auto until = clock_type::now() + 6s; // the group join takes ~3 s
  while (clock_type::now() < until) {
    c->poll(batch, 500, 100ms);
    CAF_CHECK(batch.empty());
    for (auto& r : batch)
      c->release(r);
  }
  CAF_CHECK_EQUAL(c->fetch_wakes(), 0u);
  CAF_CHECK(c->close(10s));
}

CAF_TEST_FIXTURE_SCOPE_END()
