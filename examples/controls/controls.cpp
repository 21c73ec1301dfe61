// Handler controls on an embedded broker: a handler hands each message to a
// slow "store" thread and acknowledges it only once stored (manual acks),
// pauses its partition while the store is behind and lets the store resume
// it, nacks a message the store refused once, and logs its rebalances.
//
//   controls-demo
//
// It exits 0 once every input was stored and its offset committed.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "caf/actor_system.hpp"

#include "fastkafka/app.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "fastkafka/runtime.hpp"
#include "fastkafka/runtime_config.hpp"
#include "pipeline_app.hpp"

using pipeline::InputData;
using namespace std::chrono_literals;

namespace {

// The slow external store: takes (id, acknowledgement) pairs and stores
// them in batches on its own thread.
struct store {
  std::mutex mtx;
  std::condition_variable cv;
  std::deque<std::pair<int64_t, fastkafka::ack_handle>> queue;
  std::set<int64_t> stored;
  std::map<int32_t, fastkafka::partition_handle> paused;
  bool refused_once = false;
  bool done = false;

  void run() {
    std::unique_lock lock{mtx};
    while (!done) {
      cv.wait_for(lock, 20ms);
      // [snippet:store]
      for (int n = 0; n < 10 && !queue.empty(); ++n) {
        auto [id, ack] = std::move(queue.front());
        queue.pop_front();
        if (id == 7 && !refused_once) {
          refused_once = true;
          ack.nack(100ms); // consumed again in 100 ms
          continue;
        }
        stored.insert(id);
        ack.ack(); // now its offset may be committed
      }
      // The store caught up: the paused partitions flow again.
      if (queue.size() < 5) {
        for (auto& [p, handle] : paused)
          handle.resume();
        paused.clear();
      }
      // [snippet:store]
    }
  }
};

} // namespace

int main() {
  fastkafka::embedded_broker broker{
      {.partitions = 2, .topics = {"input", "input.dlq"}}};
  fastkafka::app service{{.title = "Controls demo"}};
  store db;

  // [snippet:hooks]
  fastkafka::consumes_options<InputData> opts;
  opts.ack = fastkafka::ack_mode::manual;
  opts.on_assigned = [](const fastkafka::partitions_event& e) {
    std::cout << "assigned " << e.topic << ":";
    for (auto p : e.partitions)
      std::cout << " " << p;
    std::cout << "\n";
  };
  // Runs after what was handled on these partitions was committed.
  opts.on_revoked = [](const fastkafka::partitions_event& e) {
    std::cout << "revoked " << e.partitions.size() << " partitions of "
              << e.topic << "\n";
  };
  // [snippet:hooks]

  // [snippet:manual_ack]
  service.consumes<InputData>(
      "on_input",
      [&](const InputData& m, const fastkafka::message_meta& meta) {
        auto& control = meta.control();
        std::lock_guard lock{db.mtx};
        // The store acknowledges later, from its own thread.
        db.queue.emplace_back(m.id, control.acknowledgement());
        // Too far behind: stop fetching this partition until the store
        // resumes it (other partitions keep flowing).
        if (db.queue.size() > 20 && !db.paused.contains(meta.partition))
          db.paused.emplace(meta.partition, control.pause());
        db.cv.notify_one();
      },
      opts);
  // [snippet:manual_ack]

  fastkafka::app world{{.title = "Controls world"}};
  auto to_input = world.produces<InputData>("to_input");

  fastkafka::runtime_config cfg;
  caf::actor_system sys{cfg};
  fastkafka::start_options where{
      .broker_name = "embedded",
      .bootstrap_servers = broker.bootstrap_servers(),
      .defaults = fastkafka::embedded_client_defaults()};
  std::thread store_thread{[&] { db.run(); }};
  fastkafka::runtime service_rt{service};
  fastkafka::runtime world_rt{world};
  service_rt.start(sys, where);
  world_rt.start(sys, where);
  const int messages = 100;
  for (int i = 1; i <= messages; ++i)
    to_input.send(InputData{i, i * 1.5, "sensor-" + std::to_string(i)},
                  std::to_string(i));

  auto deadline = std::chrono::steady_clock::now() + 30s;
  auto stored = [&] {
    std::lock_guard lock{db.mtx};
    return db.stored.size();
  };
  while (stored() < messages && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  world_rt.stop();
  service_rt.stop();
  {
    std::lock_guard lock{db.mtx};
    db.done = true;
  }
  store_thread.join();
  std::cout << "sent " << messages << ", stored " << db.stored.size()
            << ", refused once: " << (db.refused_once ? "yes" : "no") << "\n";
  return db.stored.size() == messages && db.refused_once ? 0 : 1;
}
