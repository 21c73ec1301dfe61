// Retry topics: a handler that fails does not hold up its partition.
//
// `on_payments` charges a flaky gateway: odd ids fail on their first try
// and go through `payments.retry.200ms`; id 13 fails everywhere and ends in
// `payments.dlq` after `payments.retry.1s`. Meanwhile every other payment
// is handled at once. A second app watches the dead letters.
//
//   retry-topics-demo
//
// It exits 0 once every payment but 13 was charged exactly once and 13's
// dead letter names where it first came from.

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <boost/describe.hpp>

#include "caf/actor_system.hpp"

#include "fastkafka/app.hpp"
#include "fastkafka/dead_letter.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "fastkafka/runtime.hpp"
#include "fastkafka/runtime_config.hpp"

using namespace std::chrono_literals;

struct Payment {
  int64_t id = 0;
  double amount = 0;
};
BOOST_DESCRIBE_STRUCT(Payment, (), (id, amount))

int main() {
  constexpr int64_t payments = 20;
  // The retry topics exist like any other topic; the app creates none.
  fastkafka::embedded_broker broker{
      {.partitions = 2,
       .topics = {"payments", "payments.retry.200ms", "payments.retry.1s",
                  "payments.dlq"}}};

  fastkafka::app service{{.title = "Payments"}};
  std::mutex mtx;
  std::map<int64_t, int> charged;
  std::map<int64_t, int> tries;
  // [snippet:register]
  // A failed payment moves to payments.retry.200ms, then to
  // payments.retry.1s, then to payments.dlq; its offset on `payments` is
  // committed once the move was acknowledged, and the partition goes on.
  // The handler also runs on the retry consumers' threads: guard its state.
  service.consumes<Payment>(
      "on_payments",
      [&](const Payment& p, const fastkafka::message_meta& meta) {
        std::lock_guard guard{mtx};
        bool first_try = ++tries[p.id] == 1;
        if (p.id == 13 || (p.id % 2 == 1 && first_try))
          throw std::runtime_error("gateway timeout for payment " +
                                   std::to_string(p.id));
        ++charged[p.id];
        std::cout << "charged " << p.id << " from " << meta.topic << "\n";
      },
      {.retry = fastkafka::retry_topics{{200ms, 1s}}});
  // [snippet:register]
  auto to_payments = service.produces<Payment>("to_payments");

  fastkafka::app watcher{{.title = "Dead letter watcher"}};
  std::atomic<bool> dead_ok{false};
  // [snippet:dead_letter]
  // After the last stage: the dead letter names the first topic, partition
  // and offset, the number of tries and the last error.
  watcher.consumes<Payment>(
      "on_payments_dlq",
      [&](const Payment& p, const fastkafka::message_meta& meta) {
        namespace h = fastkafka::dlq_header;
        std::cout << "dead letter " << p.id << " from "
                  << meta.header(h::topic).value_or("?") << " ["
                  << meta.header(h::partition).value_or("?") << "] offset "
                  << meta.header(h::offset).value_or("?") << " after "
                  << meta.header(h::attempts).value_or("?")
                  << " tries: " << meta.header(h::error).value_or("?") << "\n";
        dead_ok = p.id == 13 && meta.header(h::topic) == "payments" &&
                  meta.header(h::attempts) == "3";
      },
      {.topic = "payments.dlq"});
  // [snippet:dead_letter]

  fastkafka::runtime_config cfg;
  caf::actor_system sys{cfg};
  fastkafka::start_options where{
      .broker_name = "embedded",
      .bootstrap_servers = broker.bootstrap_servers(),
      .defaults = fastkafka::embedded_client_defaults()};
  fastkafka::runtime service_rt{service};
  fastkafka::runtime watcher_rt{watcher};
  service_rt.start(sys, where);
  watcher_rt.start(sys, where);
  for (int64_t id = 1; id <= payments; ++id)
    to_payments.send(Payment{id, 10.0 * id}, std::to_string(id));

  auto done = [&] {
    std::lock_guard guard{mtx};
    return charged.size() == payments - 1 && dead_ok;
  };
  auto deadline = std::chrono::steady_clock::now() + 40s;
  while (!done() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  bool stopped = watcher_rt.stop() && service_rt.stop();
  std::lock_guard guard{mtx};
  bool once = true;
  for (auto& [id, n] : charged)
    once = once && n == 1 && id != 13;
  std::cout << "charged " << charged.size() << " of " << payments - 1
            << ", each once: " << (once ? "yes" : "no")
            << ", dead letter of 13: " << (dead_ok ? "yes" : "no") << "\n";
  return charged.size() == payments - 1 && once && dead_ok && stopped ? 0 : 1;
}
