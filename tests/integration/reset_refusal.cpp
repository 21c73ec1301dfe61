#define CAF_SUITE integration.reset_refusal

// `run --reset-offsets` on the pipeline binary against a fastkafka-broker
// process: refused while the group has live
// members, a bad value, an unreachable broker.

#include "reset_support.hpp"

using namespace fastkafka;
using namespace fastkafka::test::reset;
using namespace std::chrono_literals;
using fastkafka::test::child_process;

CAF_TEST(a live member in the group refuses the reset and changes nothing) {
  auto broker = pipeline_broker();
  auto& bs = broker.bootstrap;
  produce_ids(bs, 1, 20);
  child_process live{run_args(bs)};
  CAF_CHECK_EQUAL(output_ids(bs, 20), range(1, 20));
  CAF_REQUIRE(test::eventually([&] {
    return test::committed_offsets(bs, group, "input") ==
           test::end_offsets(bs, "input");
  }));
  auto before = test::committed_offsets(bs, group, "input");
  child_process reset{run_args(bs, {"--reset-offsets", "earliest"})};
  auto rc = reset.exit_code(45s);
  auto err = reset.read_stderr(500ms);
  CAF_CHECK_EQUAL(rc, 3);
  CAF_CHECK(err.find("group reset.on_input") != std::string::npos);
  CAF_CHECK(err.find("live member") != std::string::npos);
  CAF_CHECK(err.find("no offsets were changed") != std::string::npos);
  CAF_CHECK_EQUAL(test::committed_offsets(bs, group, "input"), before);
  // The live member still handles new records, and nothing committed was
  // replayed. (The refusing member's join and leave made the live one
  // rebalance twice: a record in flight then may be handled twice, as
  // at-least-once allows, so 21..25 are counted as seen, not as once.)
  produce_ids(bs, 21, 25);
  auto seen = output_ids(bs, 25);
  for (int64_t id = 1; id <= 20; ++id)
    CAF_CHECK_EQUAL(seen.count(id), 1u);
  for (int64_t id = 21; id <= 25; ++id)
    CAF_CHECK_GREATER_OR_EQUAL(seen.count(id), 1u);
  stop(live);
  CAF_CHECK_EQUAL(test::committed_offsets(bs, group, "input"),
                  test::end_offsets(bs, "input"));
}

CAF_TEST(a bad value and an unreachable broker are clear errors) {
  child_process bad{{PIPELINE_EXE, "run", "--bootstrap-servers", "127.0.0.1:1",
                     "--reset-offsets", "yesterday"}};
  CAF_CHECK_EQUAL(bad.exit_code(10s), 2);
  auto text = bad.read_stderr(500ms);
  CAF_CHECK(text.find("yesterday") != std::string::npos);
  CAF_CHECK(text.find("earliest, latest, an RFC 3339 time") !=
            std::string::npos);
  // A registration the app does not have is named, with the ones it has,
  // before anything connects.
  child_process unknown{{PIPELINE_EXE, "run", "--bootstrap-servers",
                         "127.0.0.1:1", "--reset-offsets", "audit=earliest"}};
  CAF_CHECK_EQUAL(unknown.exit_code(10s), 2);
  auto named = unknown.read_stderr(500ms);
  CAF_CHECK(named.find("no consumer registration audit; its consumers: "
                       "on_input") != std::string::npos);
  auto started = std::chrono::steady_clock::now();
  child_process gone{{PIPELINE_EXE, "run", "--bootstrap-servers", "127.0.0.1:1",
                      "--reset-offsets", "earliest"}};
  CAF_CHECK_EQUAL(gone.exit_code(25s), 1);
  CAF_CHECK(std::chrono::steady_clock::now() - started < 15s);
  auto err = gone.read_stderr(500ms);
  CAF_CHECK(err.find("cannot reach the brokers at 127.0.0.1:1") !=
            std::string::npos);
  CAF_CHECK(err.find("started") == std::string::npos);
}
