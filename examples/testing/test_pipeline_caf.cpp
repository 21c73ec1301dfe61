// Tests the pipeline app with fastkafka::tester in CAF's test framework.
#define CAF_SUITE example_testing

// [snippet:caf-includes]
#include "fastkafka/tester.hpp"

#include "caf/test/unit_test_impl.hpp" // CAF's runner and main()

#include "pipeline_app.hpp"
// [snippet:caf-includes]

using namespace std::chrono_literals;
using pipeline::InputData;

// [snippet:caf-test]
CAF_TEST(the pipeline doubles value) {
  fastkafka::app app{pipeline::config()};
  pipeline::install(app);
  // Starts an embedded broker and the app; stops both at scope exit.
  fastkafka::tester tester{{&app}};
  auto to_input = tester.producer<InputData>("input");
  to_input(InputData{1, 21, "sensor-1"});
  // The first message waits for the app's group join (~3 s on the
  // embedded broker): give it time.
  FASTKAFKA_CHECK(
      tester.called_with("output", InputData{1, 42, "sensor-1"}, 20s));
  FASTKAFKA_CHECK(tester.called_times("output", 1));
  FASTKAFKA_CHECK(tester.not_called("output", 500ms));
}
// [snippet:caf-test]

// [snippet:faults]
CAF_TEST(failed produce requests lose nothing) {
  fastkafka::app app{pipeline::config()};
  pipeline::install(app);
  fastkafka::tester tester{{&app}};
  tester.to("input", InputData{0, 1, "warm-up"});
  FASTKAFKA_REQUIRE(tester.called_at_least("output", 1, 20s));
  // The next 3 Produce requests (api key 0) fail with a retriable error
  // (6, NOT_LEADER_OR_FOLLOWER); the app's producer retries.
  tester.fail_next(0, 3, 6);
  for (int64_t id = 1; id <= 10; ++id)
    tester.to("input", InputData{id, 1, "x"});
  FASTKAFKA_CHECK(tester.called_at_least("output", 11, 30s));
}
// [snippet:faults]

// [snippet:mocks]
CAF_TEST(mocks see what the handler received and what it sent) {
  fastkafka::app app{pipeline::config()};
  pipeline::install(app);
  fastkafka::tester tester{{&app}};
  tester.to("input", InputData{7, 1.5, "sensor-7"});
  // Each handler and producer has a mock, named like its registration,
  // that sees a copy of the value before the real call runs.
  FASTKAFKA_CHECK(
      tester.mock_called_with("on_input", InputData{7, 1.5, "sensor-7"}, 20s));
  FASTKAFKA_CHECK(
      tester.mock_called_with("to_output", InputData{7, 3, "sensor-7"}));
  auto sent = tester.mock_calls<InputData>("to_output");
  CAF_CHECK_EQUAL(sent.size(), 1u);
}
// [snippet:mocks]
