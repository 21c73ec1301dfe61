#include "fastkafka/actors/interfaces.hpp"
#include "fastkafka/kafka/consumer_client.hpp"
#include "fastkafka/kafka/producer_client.hpp"
#include "fastkafka/kafka/transactional_producer.hpp"

namespace fastkafka::actors {

client_factory
kafka_clients(std::shared_ptr<const oauth_token_provider> tokens) {
  client_factory out;
  out.producer =
      [tokens](const std::string& name, const std::string& topic,
               const client_options& options,
               std::string& err) -> std::unique_ptr<kafka::producer_port> {
    return kafka::producer_client::create(name, topic, options, err, tokens);
  };
  out.consumer =
      [tokens](const std::string& name, const std::string& topic,
               const client_options& options, const std::string& group_id,
               kafka::consumer_listener& listener,
               std::string& err) -> std::unique_ptr<kafka::consumer_port> {
    return kafka::consumer_client::create(name, topic, options, group_id,
                                          &listener, err, tokens);
  };
  out.transactional =
      [tokens](const std::string& name, const client_options& options,
               std::string& err) -> std::unique_ptr<kafka::transaction_port> {
    return kafka::transactional_producer::create(name, options, err, tokens);
  };
  return out;
}

} // namespace fastkafka::actors
