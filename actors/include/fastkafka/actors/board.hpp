#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fastkafka/actors/consumer_status.hpp"
#include "fastkafka/kafka/producer_port.hpp"
#include "fastkafka/stats.hpp"

namespace fastkafka::actors {

/// Where the actors of a running app report, and where the runtime reads
/// them: its state, every consumer's status, every producer's client and
/// whether the brokers are reachable. Thread-safe; nothing here blocks an
/// actor for longer than a copy.
class runtime_board {
public:
  /// Adds a consumer's status (once per registration).
  void add_consumer(std::shared_ptr<consumer_status> status);

  /// Points producer `name` at its current client (replaced on restart).
  void set_producer(const std::string& name, const std::string& topic,
                    std::shared_ptr<kafka::producer_port> client);

  /// Records whether cluster `address` is reachable.
  void set_reachable(const std::string& address, bool reachable);

  /// Moves the runtime to `state`; `failure` says why for `failed`.
  void set_state(runtime_state state, std::string failure = {});

  runtime_state state() const;

  /// Why the runtime failed; empty unless it did.
  std::string failure() const;

  /// Waits until the runtime failed (true) or `timeout` passed (false).
  bool wait_failed(std::chrono::milliseconds timeout) const;

  /// Copies everything out.
  runtime_snapshot snapshot(const std::string& app) const;

  /// Each client's last librdkafka statistics, by registration name.
  std::vector<std::pair<std::string, std::string>> statistics() const;

private:
  mutable std::mutex mtx_;
  mutable std::condition_variable cv_;
  runtime_state state_ = runtime_state::idle;
  std::string failure_;
  std::vector<std::shared_ptr<consumer_status>> consumers_;
  struct producer_entry {
    std::string topic;
    std::shared_ptr<kafka::producer_port> client;
  };
  std::map<std::string, producer_entry> producers_;
  std::map<std::string, bool> reachable_;
};

} // namespace fastkafka::actors
