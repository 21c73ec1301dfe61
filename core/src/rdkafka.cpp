#include "fastkafka/detail/rdkafka.hpp"

#include "fastkafka/options.hpp"

namespace fastkafka::detail {

conf_ptr
make_conf(const std::vector<std::pair<std::string, std::string>>& properties,
          std::string& err) {
  conf_ptr conf{rd_kafka_conf_new()};
  char buf[512];
  for (auto& [key, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), buf,
                          sizeof(buf)) != RD_KAFKA_CONF_OK) {
      // librdkafka's reason names the property; the value is shown unless
      // it is a secret.
      err = "librdkafka rejected " + key + "=" +
            (is_secret_option(key) ? std::string{"*****"} : value) + ": " + buf;
      return nullptr;
    }
  }
  return conf;
}

kafka_ptr make_client(rd_kafka_type_t type, conf_ptr conf, std::string& err) {
  char buf[512];
  // rd_kafka_new takes ownership of the configuration only on success.
  kafka_ptr rk{rd_kafka_new(type, conf.get(), buf, sizeof(buf))};
  if (!rk) {
    err = std::string{"cannot create a Kafka "} +
          (type == RD_KAFKA_CONSUMER ? "consumer" : "producer") + ": " + buf;
    return nullptr;
  }
  conf.release();
  return rk;
}

} // namespace fastkafka::detail

#include <chrono>
#include <cstring>

#include "fastkafka/log.hpp"

namespace fastkafka::detail {

namespace {

void on_log(const rd_kafka_t* rk, int level, const char* facility,
            const char* buf) noexcept {
  try {
    // syslog levels: 0-3 error, 4 warning, 5-6 notice/info, 7 debug. FAIL
    // lines (connection failures) reach the error callback as well, which
    // logs them once; here they would be a second line for the same event.
    auto lvl = std::strcmp(facility, "FAIL") == 0 ? spdlog::level::debug
               : level <= 3                       ? spdlog::level::err
               : level == 4                       ? spdlog::level::warn
                                                  : spdlog::level::debug;
    log().log(lvl, "librdkafka {} {}: {}", rd_kafka_name(rk), facility, buf);
  } catch (...) {
    // A log line is not worth corrupting librdkafka's thread.
  }
}

void on_error(rd_kafka_t* rk, int err, const char* reason, void*) noexcept {
  try {
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    // All-brokers-down and transport errors are retried by librdkafka; they
    // are warnings. Fatal errors end the client's usefulness.
    if (code == RD_KAFKA_RESP_ERR__FATAL)
      log().error("{}: fatal Kafka client error: {}", rd_kafka_name(rk),
                  reason);
    else
      log().warn("{}: {} ({})", rd_kafka_name(rk), reason,
                 rd_kafka_err2name(code));
  } catch (...) {
  }
}

} // namespace

void route_logs(rd_kafka_conf_t* conf) {
  rd_kafka_conf_set_log_cb(conf, on_log);
  rd_kafka_conf_set_error_cb(conf, on_error);
}

void refresh_oauth_token(rd_kafka_t* rk,
                         const oauth_token_provider& provider) noexcept {
  std::string failure;
  try {
    auto token = provider();
    std::vector<const char*> ext;
    for (auto& [k, v] : token.extensions) {
      ext.push_back(k.c_str());
      ext.push_back(v.c_str());
    }
    char err[512];
    if (rd_kafka_oauthbearer_set_token(
            rk, token.value.c_str(), token.expires_at_ms,
            token.principal.c_str(), ext.data(), ext.size(), err,
            sizeof(err)) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      log().info("{}: OAUTHBEARER token set for {}", rd_kafka_name(rk),
                 token.principal);
      return;
    }
    failure = err;
  } catch (const std::exception& e) {
    failure = std::string{"token provider failed: "} + e.what();
  } catch (...) {
    failure = "token provider failed with a non-standard exception";
  }
  try {
    log().error("{}: no OAUTHBEARER token: {}", rd_kafka_name(rk), failure);
  } catch (...) {
  }
  rd_kafka_oauthbearer_set_token_failure(rk, failure.c_str());
}

int64_t monotonic_ms() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch())
      .count();
}

} // namespace fastkafka::detail
