#pragma once

// The pipeline service, shared by the `pipeline` binary and the demo: it
// reads InputData from `input`, doubles `value` and writes it to `output`.

#include <cstdint>
#include <string>

#include <boost/describe/class.hpp>

#include "fastkafka/app.hpp"

namespace pipeline {

// [snippet:model]
/// One measurement as it arrives on `input` and leaves on `output`.
struct InputData {
  int64_t id = 0;
  double value = 0;
  std::string name;
};

// Boost.Describe gives the JSON codec (and later the docs) the field names.
BOOST_DESCRIBE_STRUCT(InputData, (), (id, value, name))
// [snippet:model]

// [snippet:config]
/// The app's declaration; `localhost:9092` is where a developer's Kafka
/// usually is, as in FastKafka apps.
inline fastkafka::app_config config() {
  return {
      .title = "Pipeline",
      .description = "Doubles the value of every InputData",
      .version = "0.1.0",
      .kafka_brokers = {{"localhost", {{.url = "localhost", .port = 9092}}}}};
}
// [snippet:config]

// [snippet:install]
/// Registers the producer and the consumer on `app`.
inline void install(fastkafka::app& app) {
  // Topic "output", inferred from the name minus "to_".
  auto to_output = app.produces<InputData>("to_output");
  // Topic "input", inferred from the name minus "on_". The offset of each
  // input is committed only after its output was acknowledged.
  app.consumes<InputData>(
      "on_input",
      [to_output](const InputData& m) {
        to_output(InputData{m.id, m.value * 2, m.name});
      },
      {.description = "Doubles value and forwards the record to output"});
}
// [snippet:install]

} // namespace pipeline
