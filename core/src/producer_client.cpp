#include <algorithm>
#include <chrono>
#include <thread>

#include "fastkafka/detail/runtime.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka {

std::chrono::milliseconds retry_policy::backoff(int attempt) const noexcept {
  auto wait = initial_backoff;
  for (int i = 2; i < attempt && wait < max_backoff; ++i)
    wait *= 2;
  return std::min(wait, max_backoff);
}

} // namespace fastkafka

namespace fastkafka::detail {

void producer_slot::detach() noexcept {
  client.store(nullptr);
  while (active.load() != 0)
    std::this_thread::yield();
}

producer_client::producer_client(std::string name, std::string topic)
    : name_(std::move(name))
    , topic_(std::move(topic)) {
  // nop
}

producer_client::~producer_client() noexcept {
  // Members destroy the topic before the client, as librdkafka requires.
}

std::unique_ptr<producer_client> producer_client::create(
    std::string name, std::string topic, const client_options& options,
    std::string& err,
    std::shared_ptr<const oauth_token_provider> token_provider) {
  std::unique_ptr<producer_client> self{
      new producer_client(std::move(name), std::move(topic))};
  self->token_provider_ = std::move(token_provider);
  auto props = rdkafka_properties(options, client_role::producer);
  // Keyed messages land where the Java client and kafka-python put them,
  // unless the user picked another partitioner explicitly.
  if (!options.librdkafka.contains("partitioner"))
    props.insert(props.begin(), {"partitioner", "murmur2_random"});
  auto conf = make_conf(props, err);
  if (!conf) {
    err = "producer " + self->name_ + ": " + err;
    return nullptr;
  }
  route_logs(conf.get());
  rd_kafka_conf_set_opaque(conf.get(), self.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
  if (self->token_provider_)
    rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf.get(),
                                                   on_token_refresh);
  self->rk_ = make_client(RD_KAFKA_PRODUCER, std::move(conf), err);
  if (!self->rk_) {
    err = "producer " + self->name_ + ": " + err;
    return nullptr;
  }
  if (!self->topic_.empty()) {
    self->rkt_.reset(
        rd_kafka_topic_new(self->rk_.get(), self->topic_.c_str(), nullptr));
    if (!self->rkt_) {
      err = "producer " + self->name_ + ": cannot open topic " + self->topic_ +
            ": " + rd_kafka_err2str(rd_kafka_last_error());
      return nullptr;
    }
  }
  return self;
}

namespace {

// Producers that handlers on this thread sent to; usually one or two.
std::vector<producer_client*>& used_by_this_thread() {
  thread_local std::vector<producer_client*> used;
  return used;
}

} // namespace

void producer_client::poll_used_by_this_thread() noexcept {
  auto& used = used_by_this_thread();
  for (auto* client : used)
    client->poll(0);
  used.clear();
}

void producer_client::forget_used_by_this_thread() noexcept {
  used_by_this_thread().clear();
}

bool producer_client::send(std::string_view key, std::string_view value,
                           std::string& err, headers_ptr headers,
                           const std::string* topic) {
  auto* t = current_ticket();
  if (t != nullptr) {
    t->pending.fetch_add(1, std::memory_order_relaxed);
    auto& used = used_by_this_thread();
    if (used.empty() ||
        (used.back() != this &&
         std::find(used.begin(), used.end(), this) == used.end()))
      used.push_back(this);
  }
  bool waited = false;
  for (;;) {
    rd_kafka_resp_err_t rc;
    auto* hdrs = headers.get();
    if (topic != nullptr)
      rc = rd_kafka_producev(
          rk_.get(), RD_KAFKA_V_TOPIC(topic->c_str()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(t), RD_KAFKA_V_END);
    else if (hdrs != nullptr)
      rc = rd_kafka_producev(
          rk_.get(), RD_KAFKA_V_RKT(rkt_.get()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(t), RD_KAFKA_V_END);
    else
      rc = rd_kafka_produce(
               rkt_.get(), RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
               const_cast<char*>(value.data()), value.size(),
               key.empty() ? nullptr : key.data(), key.size(), t) == 0
               ? RD_KAFKA_RESP_ERR_NO_ERROR
               : rd_kafka_last_error();
    if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) {
      // librdkafka owns the headers now.
      if (hdrs != nullptr)
        headers.release();
      return true;
    }
    if (rc != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      if (t != nullptr)
        t->pending.fetch_sub(1, std::memory_order_acq_rel);
      err = std::string{"cannot enqueue a message for "} +
            (topic ? *topic : topic_) + ": " + rd_kafka_err2str(rc);
      return false;
    }
    // Back-pressure: the producer actor drains delivery reports while this
    // thread (usually a consumer's) waits, which slows consumption down.
    if (!waited) {
      waited = true;
      log().debug("producer {}: local queue full, waiting", name_);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void producer_client::poll(int timeout_ms) noexcept {
  rd_kafka_poll(rk_.get(), timeout_ms);
}

int producer_client::flush(int timeout_ms) noexcept {
  rd_kafka_flush(rk_.get(), timeout_ms);
  return rd_kafka_outq_len(rk_.get());
}

void producer_client::on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                                  void* opaque) noexcept {
  auto* self = static_cast<producer_client*>(opaque);
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

void producer_client::on_token_refresh(rd_kafka_t* rk, const char*,
                                       void* opaque) noexcept {
  auto* self = static_cast<producer_client*>(opaque);
  refresh_oauth_token(rk, *self->token_provider_);
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
        "producer {}: delivery to {} failed: {}{}; {} failed in all{}", name_,
        rd_kafka_topic_name(msg->rkt), rd_kafka_err2str(msg->err), input,
        failed_.load(std::memory_order_relaxed),
        suppressed ? fmt::format(", {} similar lines suppressed", suppressed)
                   : std::string{});
  } catch (...) {
  }
}

} // namespace fastkafka::detail
