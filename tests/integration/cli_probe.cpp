// A second app binary for the command-line tests: the pipeline's
// registrations, a second consumer of `input` that copies each record to
// `audited`, and a background task. A registration once logged an info line
// (`background task ... added`) that showed up in `--help` and `docs`; two
// handlers of one topic once split it under `--set group_id=...`.

#include <chrono>
#include <thread>

#include "fastkafka/cli.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "pipeline_app.hpp"

int main(int argc, char** argv) {
  fastkafka::app app{
      {.title = "Probe",
       .description = "Pipeline plus an audit copy",
       .version = "0.2.0",
       .kafka_brokers = {{"localhost", {{.url = "localhost", .port = 9092}}}}}};
  pipeline::install(app);
  auto to_audited = app.produces<pipeline::InputData>("to_audited");
  app.consumes<pipeline::InputData>(
      "audit", [to_audited](const pipeline::InputData& m) { to_audited(m); },
      {.topic = "input"});
  app.run_in_background("idle", [](std::stop_token stop) {
    while (!stop.stop_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  });
  return fastkafka::run_cli(app, argc, argv,
                            {.embedded = fastkafka::embedded_broker_starter()});
}
