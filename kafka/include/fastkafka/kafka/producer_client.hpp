#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "fastkafka/detail/producer_slot.hpp"
#include "fastkafka/kafka/client_base.hpp"
#include "fastkafka/kafka/delivery.hpp"
#include "fastkafka/kafka/producer_port.hpp"

namespace fastkafka::kafka {

/// A started Kafka producer; `send` may be called from any thread.
///
/// A message sent inside a `delivery_scope` is attached to the scope's
/// ticket: the input offset waits for its delivery report.
class producer_client final : public client_base, public producer_port {
public:
  /// Creates the client; returns null and fills `err` on failure. An empty
  /// `topic` makes a producer that is always told the topic (dead letters).
  static std::unique_ptr<producer_client>
  create(std::string name, std::string topic, const client_options& options,
         std::string& err,
         std::shared_ptr<const oauth_token_provider> tokens = nullptr);

  ~producer_client() noexcept override;

  /// Hands one message to librdkafka (copied). Waits while librdkafka's
  /// queue is full. Returns false (and fills `err`) on a non-retriable
  /// error.
  bool send(const fastkafka::detail::outbound_message& msg,
            std::string& err) override;

  void poll(int timeout_ms) noexcept override;
  int flush(int timeout_ms) noexcept override;
  std::string fatal_error() const override {
    return client_base::fatal_error();
  }
  bool connected() const noexcept override { return brokers_up() > 0; }
  std::string statistics() const override { return latest_statistics(); }

  /// Messages waiting for their delivery report.
  int outstanding() const noexcept;

  const std::string& topic() const noexcept { return topic_; }
  uint64_t sent() const noexcept override { return sent_.load(); }
  uint64_t delivered() const noexcept override { return delivered_.load(); }
  uint64_t failed() const noexcept override { return failed_.load(); }

private:
  producer_client(std::string name, std::string topic,
                  std::shared_ptr<const oauth_token_provider> tokens);
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                          void* opaque) noexcept;
  void report_failure(const rd_kafka_message_t* msg) noexcept;

  std::string topic_;
  topic_ptr rkt_;
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<int64_t> last_failure_log_ms_{0};
  std::atomic<uint64_t> suppressed_failures_{0};
};

} // namespace fastkafka::kafka
