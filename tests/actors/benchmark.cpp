#define CAF_SUITE actors.benchmark

#include "fastkafka/actors/interfaces.hpp"

#include "caf/test/dsl.hpp"

#include <sstream>

#include <spdlog/sinks/ostream_sink.h>

#include "fastkafka/log.hpp"
#include "fastkafka/with_thousands.hpp"

using namespace fastkafka;
using namespace fastkafka::actors;
using namespace std::chrono_literals;

namespace {

struct fixture : test_coordinator_fixture<> {
  std::ostringstream lines;
  std::atomic<uint64_t> calls{0};

  fixture() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_pattern("%v");
    set_logger(logger);
  }

  ~fixture() { set_logger(nullptr); }

  // Lets `interval` pass and runs what became due. (The fixture's run()
  // would also fire every future timeout, and the sampler always has one.)
  void pass(std::chrono::milliseconds interval) {
    sched.advance_time(interval);
    sched.run();
  }

  std::string take_lines() {
    auto text = lines.str();
    lines.str("");
    return text;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(benchmark_tests, fixture)

CAF_TEST(throughput lines follow the FastKafka format and window) {
  auto actor = spawn_benchmark_actor(
      sys, {{"on_input",
             [this] { return calls.load(); },
             {.interval = 1s, .sliding_window_size = 2}}});
  sched.run();
  calls = 93598;
  pass(1s);
  CAF_CHECK_EQUAL(take_lines(), "Throughput = 93,598, Avg throughput = "
                                "93,598 - For on_input(interval=1,"
                                "sliding_window_size=2)\n");
  calls += 100000;
  pass(1s);
  CAF_CHECK_EQUAL(take_lines(), "Throughput = 100,000, Avg throughput = "
                                "96,799 - For on_input(interval=1,"
                                "sliding_window_size=2)\n");
  // The window holds two intervals: 93,598 has dropped out.
  calls += 50000;
  pass(1s);
  CAF_CHECK_EQUAL(take_lines(), "Throughput = 50,000, Avg throughput = "
                                "75,000 - For on_input(interval=1,"
                                "sliding_window_size=2)\n");
  anon_send_exit(actor, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST(nothing is logged while there are no messages) {
  auto actor = spawn_benchmark_actor(
      sys,
      {{"to_output", [this] { return calls.load(); }, {.interval = 500ms}}});
  sched.run();
  pass(500ms);
  pass(500ms);
  CAF_CHECK_EQUAL(take_lines(), "");
  calls = 10;
  pass(500ms);
  // 10 calls in half a second; no window: the average covers all intervals
  // that had messages.
  CAF_CHECK_EQUAL(take_lines(), "Throughput = 20, Avg throughput = 20 - For "
                                "to_output(interval=0.5,sliding_window_size="
                                "None)\n");
  pass(500ms);
  CAF_CHECK_EQUAL(take_lines(), "");
  anon_send_exit(actor, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST(numbers get thousands separators) {
  CAF_CHECK_EQUAL(with_thousands(0), "0");
  CAF_CHECK_EQUAL(with_thousands(999), "999");
  CAF_CHECK_EQUAL(with_thousands(1000), "1,000");
  CAF_CHECK_EQUAL(with_thousands(2400000), "2,400,000");
}

CAF_TEST_FIXTURE_SCOPE_END()
