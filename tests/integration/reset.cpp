#define CAF_SUITE integration.reset

// `run --reset-offsets` on the pipeline binary against a fastkafka-broker
// process: every replayed id is counted on `output`, and the committed
// offsets are read from the broker after each step.

#include "reset_support.hpp"

using namespace fastkafka;
using namespace fastkafka::test::reset;
using namespace std::chrono_literals;
using fastkafka::test::child_process;

CAF_TEST(earliest latest and a time replay exactly the records after them) {
  auto broker = pipeline_broker();
  auto& bs = broker.bootstrap;
  produce_ids(bs, 1, 40);
  {
    // A first run handles everything and commits the end.
    child_process app{run_args(bs)};
    CAF_CHECK_EQUAL(output_ids(bs, 40), range(1, 40));
    stop(app);
    CAF_CHECK_EQUAL(test::committed_offsets(bs, group, "input"),
                    test::end_offsets(bs, "input"));
  }
  {
    // [snippet:replay]
    // `pipeline run --set group_id=reset --reset-offsets earliest` after a
    // run that handled ids 1..40: every id is handled a second time, and
    // the group ends committed at the end of input again.
    child_process app{run_args(bs, {"--reset-offsets", "earliest"})};
    auto log = stderr_until(app, "started");
    CAF_CHECK(log.find("reset offsets: group reset.on_input topic input "
                       "partition 0: ") != std::string::npos);
    CAF_CHECK_EQUAL(output_ids(bs, 80), range(1, 40, 2));
    stop(app);
    CAF_CHECK_EQUAL(test::committed_offsets(bs, group, "input"),
                    test::end_offsets(bs, "input"));
    // [snippet:replay]
  }
  produce_ids(bs, 41, 50);
  {
    // latest: 41..50 are skipped, 51..60 (written after the reset) handled.
    child_process app{run_args(bs, {"--reset-offsets", "latest"})};
    auto log = stderr_until(app, "started");
    CAF_CHECK(log.find("reset offsets: group reset.on_input") !=
              std::string::npos);
    auto skipped = test::end_offsets(bs, "input");
    produce_ids(bs, 51, 60);
    auto seen = output_ids(bs, 90);
    std::multiset<int64_t> expected = range(1, 40, 2);
    for (int id = 51; id <= 60; ++id)
      expected.insert(id);
    CAF_CHECK_EQUAL(seen, expected);
    stop(app);
    CAF_CHECK_EQUAL(test::committed_offsets(bs, group, "input"),
                    test::end_offsets(bs, "input"));
    CAF_CHECK(skipped != test::end_offsets(bs, "input"));
  }
  {
    // A time between id 45 and 46: exactly 46..60 again. Written as
    // RFC 3339 (id 45 is at 10:00:45Z).
    child_process app{
        run_args(bs, {"--reset-offsets", "2026-12-01T10:00:45.500Z"})};
    auto seen = output_ids(bs, 105);
    auto expected = range(1, 40, 2);
    for (int id = 51; id <= 60; ++id)
      expected.insert(id);
    for (int id = 46; id <= 60; ++id)
      expected.insert(id);
    CAF_CHECK_EQUAL(seen, expected);
    stop(app);
    CAF_CHECK_EQUAL(test::committed_offsets(bs, group, "input"),
                    test::end_offsets(bs, "input"));
  }
  {
    // Milliseconds after the last record: nothing at or after it, every
    // partition goes to its end and nothing is handled again.
    auto ends = test::end_offsets(bs, "input");
    child_process app{
        run_args(bs, {"--reset-offsets", std::to_string(base_ms + 99000)})};
    auto log = stderr_until(app, "started");
    CAF_CHECK(log.find("reset offsets: group reset.on_input") !=
              std::string::npos);
    CAF_CHECK_EQUAL(test::committed_offsets(bs, group, "input"), ends);
    CAF_CHECK_EQUAL(test::read_topic(bs, "output", 106, 3s).size(), 105u);
    stop(app);
  }
}
