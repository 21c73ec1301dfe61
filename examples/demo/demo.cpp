// The pipeline on an embedded broker, fed and watched from the same process:
// a background thread sends demo InputData to `input`, the pipeline doubles
// each value into `output`, and a watcher prints what flows there.
//
//   pipeline-demo [--messages N]
//
// It exits 0 once every output arrived with the doubled value.

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"

#include "fastkafka/app.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/runtime.hpp"
#include "fastkafka/runtime_config.hpp"
#include "pipeline_app.hpp"

using pipeline::InputData;

int main(int argc, char** argv) {
  int messages = 20;
  CLI::App cli{"Runs the pipeline example on an embedded broker with demo "
               "data and prints what flows"};
  cli.add_option("--messages", messages, "How many demo messages to send")
      ->check(CLI::Range(1, 100000));
  CLI11_PARSE(cli, argc, argv);

  // 1. A Kafka-protocol broker on loopback, inside this process.
  fastkafka::embedded_broker broker{
      {.partitions = 4, .topics = {"input", "output", "input.dlq"}}};
  std::cout << "embedded broker at " << broker.bootstrap_servers() << "\n";

  // 2. The service under demonstration, unchanged.
  fastkafka::app service{pipeline::config()};
  pipeline::install(service);

  // 3. A second app plays the outside world: it feeds `input` and watches
  //    `output`.
  fastkafka::app world{{.title = "Demo world"}};
  auto to_input = world.produces<InputData>("to_input");
  std::mutex mtx;
  std::atomic<int> received{0};
  std::atomic<int> wrong{0};
  world.consumes<InputData>(
      "on_output",
      [&](const InputData& m, const fastkafka::message_meta& meta) {
        std::lock_guard<std::mutex> guard{mtx};
        std::cout << "output [" << meta.partition << "@" << meta.offset
                  << "] id=" << m.id << " name=" << m.name
                  << " value=" << m.value << "\n";
        if (m.value != static_cast<double>(m.id) * 1.5 * 2)
          ++wrong;
        ++received;
      });

  fastkafka::runtime_config cfg;
  caf::actor_system sys{cfg};
  // Each app runs as a tree of supervised actors; on the embedded broker
  // its consumers wait 10 ms per empty fetch instead of 500 ms.
  fastkafka::runtime service_rt{service};
  fastkafka::runtime world_rt{world};
  service_rt.start(sys, {.broker_name = "embedded",
                         .bootstrap_servers = broker.bootstrap_servers(),
                         .defaults = fastkafka::embedded_client_defaults()});
  world_rt.start(sys, {.broker_name = "embedded",
                       .bootstrap_servers = broker.bootstrap_servers(),
                       .defaults = fastkafka::embedded_client_defaults()});

  // 4. The background producer.
  std::thread feeder{[&] {
    for (int i = 1; i <= messages; ++i) {
      to_input.send(InputData{i, i * 1.5, "sensor-" + std::to_string(i)},
                    std::to_string(i));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }};
  feeder.join();

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (received < messages && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

  world_rt.stop();
  service_rt.stop();
  std::cout << "sent " << messages << ", received " << received.load()
            << ", wrong values " << wrong.load() << "\n";
  return received == messages && wrong == 0 ? 0 : 1;
}
