#pragma once

// The app both binaries run: doubles the value of every Reading from
// `readings` into `doubled`.

#include <cstdint>

#include <boost/describe/class.hpp>

#include "fastkafka/app.hpp"

namespace readings {

/// One reading, in and out.
struct Reading {
  int64_t id = 0;
  double value = 0;
};

BOOST_DESCRIBE_STRUCT(Reading, (), (id, value))

/// The app's declaration.
inline fastkafka::app_config config() {
  return {
      .title = "Readings",
      .description = "Doubles every reading",
      .version = "1.0.0",
      .kafka_brokers = {{"localhost", {{.url = "localhost", .port = 9092}}}}};
}

/// One producer (`doubled`) and one consumer (`readings`).
inline void install(fastkafka::app& app) {
  auto to_doubled = app.produces<Reading>("to_doubled");
  app.consumes<Reading>("on_readings", [to_doubled](const Reading& r) {
    to_doubled(Reading{r.id, r.value * 2});
  });
}

} // namespace readings
