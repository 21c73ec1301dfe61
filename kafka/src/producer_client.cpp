#include "fastkafka/kafka/producer_client.hpp"

#include <chrono>
#include <thread>

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/kafka/config.hpp"
#include "fastkafka/kafka/consumer_port.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka::kafka {

using fastkafka::detail::monotonic_ms;

producer_client::producer_client(
    std::string name, std::string topic,
    std::shared_ptr<const oauth_token_provider> tokens)
    : client_base(std::move(name), std::move(tokens))
    , topic_(std::move(topic)) {
  // nop
}

producer_client::~producer_client() noexcept {
  // librdkafka wants topic handles gone before their client, and the
  // client gone while the counters its callbacks touch still exist.
  rkt_.reset();
  rk_.reset();
}

std::unique_ptr<producer_client>
producer_client::create(std::string name, std::string topic,
                        const client_options& options, std::string& err,
                        std::shared_ptr<const oauth_token_provider> tokens) {
  std::unique_ptr<producer_client> self{new producer_client(
      std::move(name), std::move(topic), std::move(tokens))};
  auto props = rdkafka_properties(options, client_role::producer);
  // Keyed messages land where the Java client and kafka-python put them,
  // unless the user picked another partitioner explicitly.
  if (!options.librdkafka.contains("partitioner"))
    props.insert(props.begin(), {"partitioner", "murmur2_random"});
  auto conf = make_conf(props, err);
  if (!conf) {
    err = "producer " + self->name() + ": " + err;
    return nullptr;
  }
  self->install_callbacks(conf.get(), wants_debug(props));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
  self->rk_ = make_client(RD_KAFKA_PRODUCER, std::move(conf), err);
  if (!self->rk_) {
    err = "producer " + self->name() + ": " + err;
    return nullptr;
  }
  if (!self->topic_.empty()) {
    self->rkt_.reset(
        rd_kafka_topic_new(self->rk_.get(), self->topic_.c_str(), nullptr));
    if (!self->rkt_) {
      err = "producer " + self->name() + ": cannot open topic " + self->topic_ +
            ": " + rd_kafka_err2str(rd_kafka_last_error());
      return nullptr;
    }
  }
  return self;
}

bool producer_client::send(const fastkafka::detail::outbound_message& msg,
                           std::string& err) {
  // Inside an exactly-once batch the transaction's producer sends it, so
  // that the output commits (or aborts) with the consumed offsets.
  if (auto* tx = transaction_scope::current(); tx != nullptr && tx != this) {
    if (!msg.topic.empty())
      return tx->send(msg, err);
    auto own = msg;
    own.topic = topic_;
    return tx->send(own, err);
  }
  ticket* t = nullptr;
  std::string_view trace;
  if (auto* scope = delivery_scope::current()) {
    trace = scope->traceparent();
    t = scope->owner();
    if (t != nullptr)
      t->pending.fetch_add(1, std::memory_order_relaxed);
    if (auto* batch = scope->batch())
      batch->note(this);
  }
  // An empty key is a key: librdkafka writes a null key only for a null
  // pointer, so an empty view must still point somewhere.
  const char* key = nullptr;
  size_t key_len = 0;
  if (msg.key) {
    key = msg.key->data() != nullptr ? msg.key->data() : "";
    key_len = msg.key->size();
  }
  auto* value = const_cast<char*>(msg.value.data());
  // The input's trace goes on, unless the message names its own.
  if (!trace.empty())
    for (auto& [name, v] : msg.headers)
      if (name == traceparent_header)
        trace = {};
  headers_ptr hdrs;
  if (!msg.headers.empty() || !trace.empty()) {
    hdrs.reset(rd_kafka_headers_new(msg.headers.size() + 1));
    for (auto& [name, v] : msg.headers)
      rd_kafka_header_add(hdrs.get(), name.data(),
                          static_cast<ssize_t>(name.size()), v.data(),
                          static_cast<ssize_t>(v.size()));
    if (!trace.empty())
      rd_kafka_header_add(hdrs.get(), traceparent_header.data(),
                          static_cast<ssize_t>(traceparent_header.size()),
                          trace.data(), static_cast<ssize_t>(trace.size()));
  }
  std::string topic{msg.topic};
  bool waited = false;
  for (;;) {
    rd_kafka_resp_err_t rc;
    if (!topic.empty())
      rc = rd_kafka_producev(rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE(value, msg.value.size()),
                             RD_KAFKA_V_HEADERS(hdrs.get()),
                             RD_KAFKA_V_OPAQUE(t), RD_KAFKA_V_END);
    else if (hdrs)
      rc = rd_kafka_producev(rk_.get(), RD_KAFKA_V_RKT(rkt_.get()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE(value, msg.value.size()),
                             RD_KAFKA_V_HEADERS(hdrs.get()),
                             RD_KAFKA_V_OPAQUE(t), RD_KAFKA_V_END);
    else
      rc = rd_kafka_produce(rkt_.get(), RD_KAFKA_PARTITION_UA,
                            RD_KAFKA_MSG_F_COPY, value, msg.value.size(), key,
                            key_len, t) == 0
               ? RD_KAFKA_RESP_ERR_NO_ERROR
               : rd_kafka_last_error();
    if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) {
      // librdkafka owns the headers now.
      (void)hdrs.release();
      sent_.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    if (rc != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      if (t != nullptr)
        t->pending.fetch_sub(1, std::memory_order_acq_rel);
      err = "cannot enqueue a message for " + (topic.empty() ? topic_ : topic) +
            ": " + rd_kafka_err2str(rc);
      return false;
    }
    // Back-pressure: delivery reports are served here while this thread
    // (usually a consumer's) waits, which slows consumption down.
    if (!waited) {
      waited = true;
      log().debug("producer {}: local queue full, waiting", name());
    }
    rd_kafka_poll(rk_.get(), 1);
  }
}

void producer_client::poll(int timeout_ms) noexcept {
  rd_kafka_poll(rk_.get(), timeout_ms);
}

int producer_client::flush(int timeout_ms) noexcept {
  rd_kafka_flush(rk_.get(), timeout_ms);
  return rd_kafka_outq_len(rk_.get());
}

int producer_client::outstanding() const noexcept {
  return rd_kafka_outq_len(rk_.get());
}

void producer_client::on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                                  void* opaque) noexcept {
  auto* self = static_cast<producer_client*>(static_cast<client_base*>(opaque));
  auto* t = static_cast<ticket*>(msg->_private);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->delivered_.fetch_add(1, std::memory_order_relaxed);
  } else {
    self->failed_.fetch_add(1, std::memory_order_relaxed);
    self->report_failure(msg);
    if (t != nullptr)
      t->failed.store(true, std::memory_order_relaxed);
  }
  if (t != nullptr)
    t->pending.fetch_sub(1, std::memory_order_acq_rel);
}

void producer_client::report_failure(const rd_kafka_message_t* msg) noexcept {
  try {
    // At most one line per second: a broker outage fails thousands of
    // messages at once, and the count says more than the repetition.
    auto now = monotonic_ms();
    auto last = last_failure_log_ms_.load(std::memory_order_relaxed);
    if (now - last < 1000) {
      suppressed_failures_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    last_failure_log_ms_.store(now, std::memory_order_relaxed);
    auto suppressed = suppressed_failures_.exchange(0);
    auto* t = static_cast<const ticket*>(msg->_private);
    std::string input;
    if (t != nullptr)
      input = fmt::format(" (input partition {} offset {} will be consumed "
                          "again)",
                          t->partition, t->offset);
    log().error(
        "producer {}: delivery to {} [{}] failed: {}{}; {} failed in all{}",
        name(), rd_kafka_topic_name(msg->rkt), msg->partition,
        rd_kafka_err2str(msg->err), input,
        failed_.load(std::memory_order_relaxed),
        suppressed ? fmt::format(", {} similar lines suppressed", suppressed)
                   : std::string{});
  } catch (...) {
  }
}

} // namespace fastkafka::kafka
