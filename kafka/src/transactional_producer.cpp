#include "fastkafka/kafka/transactional_producer.hpp"

#include "fastkafka/kafka/consumer_client.hpp"

namespace fastkafka::kafka {

namespace {

// Takes ownership of `error` (null means success).
txn_result result_of(rd_kafka_error_t* error) {
  txn_result out;
  if (error == nullptr)
    return out;
  out.error = rd_kafka_error_string(error);
  out.fenced =
      rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__FENCED ||
      rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
      rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH;
  if (rd_kafka_error_is_fatal(error))
    out.outcome = txn_outcome::fatal;
  else if (rd_kafka_error_txn_requires_abort(error))
    out.outcome = txn_outcome::abortable;
  else if (rd_kafka_error_is_retriable(error))
    out.outcome = txn_outcome::retriable;
  else
    // Neither retriable nor abortable (a call out of order): the
    // producer's state is not what the engine believes.
    out.outcome = txn_outcome::fatal;
  rd_kafka_error_destroy(error);
  return out;
}

int ms(std::chrono::milliseconds d) {
  return static_cast<int>(d.count());
}

} // namespace

transactional_producer::transactional_producer(
    std::unique_ptr<producer_client> client)
    : client_(std::move(client)) {
  // nop
}

std::unique_ptr<transactional_producer> transactional_producer::create(
    std::string name, const client_options& options, std::string& err,
    std::shared_ptr<const oauth_token_provider> tokens) {
  if (!options.transactional_id || options.transactional_id->empty()) {
    err = "producer " + name + ": no transactional_id";
    return nullptr;
  }
  auto client = producer_client::create(std::move(name), {}, options, err,
                                        std::move(tokens));
  if (!client)
    return nullptr;
  return std::unique_ptr<transactional_producer>{
      new transactional_producer(std::move(client))};
}

txn_result transactional_producer::init(std::chrono::milliseconds timeout) {
  return result_of(rd_kafka_init_transactions(client_->handle(), ms(timeout)));
}

txn_result transactional_producer::begin() {
  return result_of(rd_kafka_begin_transaction(client_->handle()));
}

txn_result transactional_producer::send_offsets(
    std::span<const partition_offset> offsets, const std::string& topic,
    const consumer_port& consumer, std::chrono::milliseconds timeout) {
  auto* rk = client_->handle();
  // Deliveries first: their reports settle the tickets that say which
  // offsets are done.
  rd_kafka_flush(rk, ms(timeout));
  if (offsets.empty())
    return {};
  auto* base = dynamic_cast<const client_base*>(&consumer);
  if (base == nullptr)
    return {txn_outcome::fatal, "the consumer is not a Kafka consumer", false};
  std::unique_ptr<rd_kafka_consumer_group_metadata_t,
                  decltype(&rd_kafka_consumer_group_metadata_destroy)>
      meta{rd_kafka_consumer_group_metadata(base->handle()),
           rd_kafka_consumer_group_metadata_destroy};
  if (!meta)
    return {txn_outcome::abortable, "the consumer has no group metadata yet",
            false};
  tpl_ptr list{
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()))};
  for (auto& po : offsets)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), po.partition)
        ->offset = po.offset;
  return result_of(rd_kafka_send_offsets_to_transaction(
      rk, list.get(), meta.get(), ms(timeout)));
}

txn_result transactional_producer::commit(std::chrono::milliseconds timeout) {
  return result_of(rd_kafka_commit_transaction(client_->handle(), ms(timeout)));
}

txn_result transactional_producer::abort(std::chrono::milliseconds timeout) {
  return result_of(rd_kafka_abort_transaction(client_->handle(), ms(timeout)));
}

} // namespace fastkafka::kafka
