#pragma once

#include <memory>
#include <string>

#include "fastkafka/kafka/producer_client.hpp"
#include "fastkafka/kafka/transaction_port.hpp"

namespace fastkafka::kafka {

/// A producer with a `transactional.id`, driven one transaction at a
/// time by its exactly-once consumer.
class transactional_producer final : public transaction_port {
public:
  /// Creates the client (`options.transactional_id` must be set); returns
  /// null and fills `err` on failure.
  static std::unique_ptr<transactional_producer>
  create(std::string name, const client_options& options, std::string& err,
         std::shared_ptr<const oauth_token_provider> tokens = nullptr);

  producer_port& sink() noexcept override { return *client_; }
  txn_result init(std::chrono::milliseconds timeout) override;
  txn_result begin() override;
  txn_result send_offsets(std::span<const partition_offset> offsets,
                          const std::string& topic,
                          const consumer_port& consumer,
                          std::chrono::milliseconds timeout) override;
  txn_result commit(std::chrono::milliseconds timeout) override;
  txn_result abort(std::chrono::milliseconds timeout) override;

private:
  explicit transactional_producer(std::unique_ptr<producer_client> client);

  std::unique_ptr<producer_client> client_;
};

} // namespace fastkafka::kafka
