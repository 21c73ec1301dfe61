// Tests the pipeline app with fastkafka::tester in GoogleTest.

// [snippet:gtest]
#include <gtest/gtest.h> // first: enables fastkafka::gtest()

#include "fastkafka/tester.hpp"

#include "pipeline_app.hpp"

using namespace std::chrono_literals;
using pipeline::InputData;

TEST(Pipeline, DoublesValue) {
  fastkafka::app app{pipeline::config()};
  pipeline::install(app);
  fastkafka::tester tester{{&app}};
  tester.to("input", InputData{1, 21, "sensor-1"});
  EXPECT_TRUE(fastkafka::gtest(
      tester.called_with("output", InputData{1, 42, "sensor-1"}, 20s)));
  EXPECT_TRUE(fastkafka::gtest(tester.not_called("output", 500ms)));
}
// [snippet:gtest]

TEST(Pipeline, FailureListsWhatArrived) {
  fastkafka::app app{pipeline::config()};
  pipeline::install(app);
  fastkafka::tester tester{{&app}};
  tester.to("input", InputData{1, 21, "sensor-1"});
  ASSERT_TRUE(fastkafka::gtest(tester.called_at_least("output", 1, 20s)));
  auto res = fastkafka::gtest(
      tester.called_with("output", InputData{1, 0, "wrong"}, 300ms));
  EXPECT_FALSE(res);
  EXPECT_NE(std::string{res.message()}.find("sensor-1"), std::string::npos);
}
