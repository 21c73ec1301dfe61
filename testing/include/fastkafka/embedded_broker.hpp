#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "fastkafka/broker.hpp"
#include "fastkafka/options.hpp"

namespace fastkafka {

/// Settings of an embedded broker; every field has a default that works.
struct embedded_broker_options {
  /// Number of mock brokers in the cluster.
  int brokers = 1;
  /// Partitions of the topics created up front (auto-created topics always
  /// get 4: the 2.0.2 mock has no setting for it).
  int partitions = 4;
  /// Replication factor of created topics (at most `brokers`).
  int replication_factor = 1;
  /// Topics to create before the broker is handed out.
  std::vector<std::string> topics;
};

/// A Kafka-protocol cluster on loopback, backed by librdkafka's mock cluster.
///
/// It is the one place that touches `rdkafka_mock.h` (an experimental API).
/// Real clients (kcat, kafka-python, librdkafka) talk to it; it keeps only the
/// newest 5 MiB per partition. Neither copyable nor movable: librdkafka holds
/// pointers into it. The destructor stops the cluster and never throws.
class embedded_broker {
public:
  /// Starts a cluster; throws `std::system_error` with a hint on failure.
  explicit embedded_broker(embedded_broker_options options = {});

  embedded_broker(const embedded_broker&) = delete;
  embedded_broker& operator=(const embedded_broker&) = delete;
  ~embedded_broker() noexcept;

  /// Comma-separated `127.0.0.1:PORT` list that clients bootstrap from.
  const std::string& bootstrap_servers() const noexcept;

  /// The options this broker was started with.
  const embedded_broker_options& options() const noexcept;

  /// Creates `topic` with `partitions` (the default when <= 0); creating an
  /// existing topic is not an error.
  std::error_code create_topic(const std::string& topic, int partitions = 0,
                               int replication_factor = 0) noexcept;

  // -- fault injection ------------------------------------------------------

  /// Takes broker `broker_id` (1-based) down: its connections close and new
  /// ones are refused until `set_up`.
  std::error_code set_down(int32_t broker_id) noexcept;

  /// Brings broker `broker_id` back up.
  std::error_code set_up(int32_t broker_id) noexcept;

  /// Adds round-trip latency to every response of broker `broker_id`.
  std::error_code set_rtt(int32_t broker_id,
                          std::chrono::milliseconds rtt) noexcept;

  /// Makes broker `broker_id` the leader of `topic` [`partition`]; clients
  /// learn it from their next metadata request.
  std::error_code set_partition_leader(const std::string& topic,
                                       int32_t partition,
                                       int32_t broker_id) noexcept;

  /// Makes broker `broker_id` the coordinator of `key`, a group id
  /// (`key_type` "group") or a transactional id ("transaction").
  std::error_code set_coordinator(const std::string& key_type,
                                  const std::string& key,
                                  int32_t broker_id) noexcept;

  /// Makes the next `errors.size()` requests with Kafka API key `api_key`
  /// (0 = Produce, 1 = Fetch, 8 = OffsetCommit, ...) fail with these codes
  /// (librdkafka `rd_kafka_resp_err_t` values).
  void push_request_errors(int16_t api_key,
                           const std::vector<int>& errors) noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Client options for apps on an embedded broker: its Fetch answers an
/// empty poll only after `fetch.wait.max.ms` (no wake-up when data
/// arrives), so consumers wait 10 ms instead of librdkafka's 500 ms. Apps
/// that set `fetch_max_wait_ms` themselves keep their value.
client_options embedded_client_defaults();

/// Starts embedded brokers for `run_cli` (`run --kafka-broker embedded`).
local_broker_starter embedded_broker_starter();

} // namespace fastkafka
