// The pipeline service as a command-line program:
//   pipeline run                         # Kafka on localhost:9092
//   pipeline run --kafka-broker embedded # an in-process embedded broker
//   pipeline run --bootstrap-servers 127.0.0.1:39092 --set group_id=replay-7

#include "fastkafka/cli.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "pipeline_app.hpp"

// [snippet:main]
int main(int argc, char** argv) {
  fastkafka::app app{pipeline::config()};
  pipeline::install(app);
  // `run --kafka-broker embedded` starts a broker inside the process; it
  // comes from fastkafka::testing, which production binaries need not link.
  return fastkafka::run_cli(app, argc, argv,
                            {.embedded = fastkafka::embedded_broker_starter()});
}
// [snippet:main]
