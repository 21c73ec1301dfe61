#include "fastkafka/embedded_broker.hpp"

#include "fastkafka/kafka/handles.hpp"

#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <syslog.h>

#include "fastkafka/kafka/config.hpp"

namespace fastkafka {

namespace {

/// Maps librdkafka's `rd_kafka_resp_err_t` values into `std::error_code`.
///
/// Kept private to this file: only fault injection reports librdkafka's
/// codes to users of the embedded broker.
class rdkafka_category_impl : public std::error_category {
public:
  const char* name() const noexcept override { return "librdkafka"; }

  std::string message(int ev) const override {
    return rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(ev));
  }
};

const std::error_category& rdkafka_category() noexcept {
  static const rdkafka_category_impl instance;
  return instance;
}

std::error_code make_rdkafka_error(rd_kafka_resp_err_t err) noexcept {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
    return {};
  return {static_cast<int>(err), rdkafka_category()};
}

/// Keeps errors of the mock's own handle, drops the rest.
///
/// The handle exists only to host the cluster; it has no bootstrap servers,
/// which librdkafka would otherwise announce as a configuration warning on
/// every start, and the mock's debug chatter is of no use to our users.
void log_errors_only(const rd_kafka_t*, int level, const char* fac,
                     const char* buf) {
  if (level <= LOG_ERR)
    std::fprintf(stderr, "fastkafka embedded broker: %s: %s\n", fac, buf);
}

// The mock cluster's one owner: this adapter is the only place that
// touches rdkafka_mock.h.
struct mock_cluster_deleter {
  void operator()(rd_kafka_mock_cluster_t* mcluster) const noexcept {
    rd_kafka_mock_cluster_destroy(mcluster);
  }
};

[[noreturn]] void fail(std::errc code, const std::string& what) {
  throw std::system_error(std::make_error_code(code),
                          "cannot start the embedded Kafka broker: " + what);
}

} // namespace

struct embedded_broker::impl {
  embedded_broker_options options;
  // Declared before the cluster so that it is destroyed after it: the cluster
  // runs on this handle's resources and must go first.
  kafka::kafka_ptr handle;
  std::unique_ptr<rd_kafka_mock_cluster_t, mock_cluster_deleter> cluster;
  std::string bootstrap_servers;
};

embedded_broker::embedded_broker(embedded_broker_options options)
    : impl_(std::make_unique<impl>()) {
  if (options.brokers < 1)
    fail(std::errc::invalid_argument,
         "brokers = " + std::to_string(options.brokers) +
             "; set embedded_broker_options::brokers to at least 1");
  if (options.partitions < 1)
    fail(std::errc::invalid_argument,
         "partitions = " + std::to_string(options.partitions) +
             "; set embedded_broker_options::partitions to at least 1");
  options.replication_factor =
      std::clamp(options.replication_factor, 1, options.brokers);
  impl_->options = std::move(options);

  std::string err;
  // No bootstrap.servers and no test.mock.num.brokers: this handle only hosts
  // the cluster and never talks to a broker itself.
  auto conf =
      kafka::make_conf({{"client.id", "fastkafka-embedded-broker"}}, err);
  if (conf)
    rd_kafka_conf_set_log_cb(conf.get(), log_errors_only);
  if (conf)
    impl_->handle = kafka::make_client(RD_KAFKA_PRODUCER, std::move(conf), err);
  if (!impl_->handle)
    fail(std::errc::resource_unavailable_try_again,
         "librdkafka could not create the handle that hosts the mock "
         "cluster (" +
             err + "); check memory and thread limits (ulimit -u)");

  impl_->cluster.reset(
      rd_kafka_mock_cluster_new(impl_->handle.get(), impl_->options.brokers));
  if (!impl_->cluster)
    fail(std::errc::address_not_available,
         "librdkafka's mock cluster could not listen on 127.0.0.1; check that "
         "the loopback interface is up and that this process may open "
         "sockets and threads (sandbox, ulimit -n), or connect to a real "
         "cluster instead");
  impl_->bootstrap_servers =
      rd_kafka_mock_cluster_bootstraps(impl_->cluster.get());

  for (const auto& topic : impl_->options.topics)
    if (auto ec = create_topic(topic))
      throw std::system_error(ec, "cannot start the embedded Kafka broker: "
                                  "creating topic '" +
                                      topic +
                                      "' failed; check the topic name "
                                      "(embedded_broker_options::topics)");
}

embedded_broker::~embedded_broker() noexcept = default;

const std::string& embedded_broker::bootstrap_servers() const noexcept {
  return impl_->bootstrap_servers;
}

const embedded_broker_options& embedded_broker::options() const noexcept {
  return impl_->options;
}

std::error_code embedded_broker::create_topic(const std::string& topic,
                                              int partitions,
                                              int replication_factor) noexcept {
  if (topic.empty())
    return std::make_error_code(std::errc::invalid_argument);
  if (partitions <= 0)
    partitions = impl_->options.partitions;
  if (replication_factor <= 0)
    replication_factor = impl_->options.replication_factor;
  replication_factor = std::min(replication_factor, impl_->options.brokers);
  auto err = rd_kafka_mock_topic_create(impl_->cluster.get(), topic.c_str(),
                                        partitions, replication_factor);
  // Creating is idempotent for our callers: a second create (or a topic that
  // a client already auto-created) leaves the existing topic as it is.
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    return {};
  return make_rdkafka_error(err);
}

std::error_code embedded_broker::set_down(int32_t broker_id) noexcept {
  return make_rdkafka_error(
      rd_kafka_mock_broker_set_down(impl_->cluster.get(), broker_id));
}

std::error_code embedded_broker::set_up(int32_t broker_id) noexcept {
  return make_rdkafka_error(
      rd_kafka_mock_broker_set_up(impl_->cluster.get(), broker_id));
}

std::error_code
embedded_broker::set_rtt(int32_t broker_id,
                         std::chrono::milliseconds rtt) noexcept {
  if (rtt.count() < 0 || rtt.count() > INT32_MAX)
    return std::make_error_code(std::errc::invalid_argument);
  return make_rdkafka_error(rd_kafka_mock_broker_set_rtt(
      impl_->cluster.get(), broker_id, static_cast<int>(rtt.count())));
}

std::error_code embedded_broker::set_partition_leader(
    const std::string& topic, int32_t partition, int32_t broker_id) noexcept {
  return make_rdkafka_error(rd_kafka_mock_partition_set_leader(
      impl_->cluster.get(), topic.c_str(), partition, broker_id));
}

std::error_code embedded_broker::set_coordinator(const std::string& key_type,
                                                 const std::string& key,
                                                 int32_t broker_id) noexcept {
  return make_rdkafka_error(rd_kafka_mock_coordinator_set(
      impl_->cluster.get(), key_type.c_str(), key.c_str(), broker_id));
}

void embedded_broker::push_request_errors(
    int16_t api_key, const std::vector<int>& errors) noexcept {
  // The mock appends to a FIFO per API key, so pushing one at a time keeps
  // the order and needs no temporary array (this function cannot throw).
  for (auto err : errors) {
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    rd_kafka_mock_push_request_errors_array(impl_->cluster.get(), api_key, 1,
                                            &code);
  }
}

client_options embedded_client_defaults() {
  client_options out;
  out.fetch_max_wait_ms = 10;
  return out;
}

local_broker_starter embedded_broker_starter() {
  return [](int partitions, const std::vector<std::string>& topics) {
    embedded_broker_options opts;
    opts.partitions = partitions;
    opts.topics = topics;
    auto broker = std::make_shared<embedded_broker>(std::move(opts));
    local_broker out;
    out.bootstrap_servers = broker->bootstrap_servers();
    out.client_defaults = embedded_client_defaults();
    out.keep_alive = std::move(broker);
    return out;
  };
}

} // namespace fastkafka
