#include "fastkafka/kafka/client_base.hpp"

#include <cstring>
#include <mutex>
#include <unordered_set>

#include <boost/json.hpp>

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka::kafka {

namespace {

client_base* self_of(const rd_kafka_t* rk) noexcept {
  return static_cast<client_base*>(rd_kafka_opaque(rk));
}

// The clients alive now. A handle may outlive its client: a consumer whose
// close ran out of time is destroyed on a thread of its own (see
// ~consumer_client), and librdkafka's threads keep logging until then, with
// the dead client as opaque. Never destroyed: such a thread may log while
// the process exits.
struct live_clients {
  std::mutex mtx;
  std::unordered_set<const client_base*> set;
};

live_clients& live() {
  static auto* instance = new live_clients;
  return *instance;
}

} // namespace

client_base::client_base(std::string name,
                         std::shared_ptr<const oauth_token_provider> tokens)
    : name_(std::move(name))
    , tokens_(std::move(tokens)) {
  std::lock_guard guard{live().mtx};
  live().set.insert(this);
}

client_base::~client_base() noexcept {
  {
    std::lock_guard guard{live().mtx};
    live().set.erase(this);
  }
  // Derived clients destroy their handle first; this is the last resort
  // while every member that callbacks read is still alive.
  rk_.reset();
}

std::string client_base::latest_statistics() const {
  std::lock_guard guard{stats_mtx_};
  return stats_;
}

std::string client_base::fatal_error() const {
  if (!rk_)
    return {};
  char buf[512];
  if (rd_kafka_fatal_error(rk_.get(), buf, sizeof(buf)) ==
      RD_KAFKA_RESP_ERR_NO_ERROR)
    return {};
  return buf;
}

void client_base::install_callbacks(rd_kafka_conf_t* conf, bool debug) {
  rd_kafka_conf_set_opaque(conf, this);
  // librdkafka's debug lines carry the level 7; when the user asked for
  // them (librdkafka.debug=...), they are shown at info so that they are
  // not hidden by the default log level.
  rd_kafka_conf_set_log_cb(
      conf,
      debug
          ? +[](const rd_kafka_t* rk, int level, const char* facility,
                const char*
                    buf) { on_log(rk, level == 7 ? 6 : level, facility, buf); }
          : on_log);
  rd_kafka_conf_set_error_cb(conf, on_error);
  rd_kafka_conf_set_stats_cb(conf, on_stats);
  char err[256];
  rd_kafka_conf_set(conf, "statistics.interval.ms", "1000", err, sizeof(err));
  if (tokens_)
    rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf, on_token_refresh);
}

void client_base::on_log(const rd_kafka_t* rk, int level, const char* facility,
                         const char* buf) noexcept {
  try {
    // syslog levels: 0-3 error, 4 warning, 5-6 notice/info, 7 debug. FAIL
    // lines (connection failures) reach the error callback as well; here
    // they would be a second line for the same event.
    auto lvl = std::strcmp(facility, "FAIL") == 0 ? spdlog::level::debug
               : level <= 3                       ? spdlog::level::err
               : level == 4                       ? spdlog::level::warn
               : level <= 6                       ? spdlog::level::info
                                                  : spdlog::level::debug;
    std::string name;
    {
      std::lock_guard guard{live().mtx};
      auto* self = self_of(rk);
      if (self != nullptr && !live().set.contains(self))
        return; // an orphaned handle on its way out (see live_clients)
      name = self ? self->name_ : std::string{rd_kafka_name(rk)};
    }
    log().log(lvl, "librdkafka {} {}: {}", name, facility, buf);
  } catch (...) {
    // A log line is not worth corrupting librdkafka's thread.
  }
}

void client_base::on_error(rd_kafka_t*, int err, const char* reason,
                           void* opaque) noexcept {
  auto* self = static_cast<client_base*>(opaque);
  try {
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      log().error("{}: fatal Kafka client error: {}", self->name_, reason);
      return;
    }
    if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN ||
        code == RD_KAFKA_RESP_ERR__TRANSPORT ||
        code == RD_KAFKA_RESP_ERR__RESOLVE) {
      // librdkafka retries these by itself and reports them again on every
      // attempt; the cluster supervisor says once that the broker is not
      // reachable, and again when it is.
      if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        self->brokers_up_.store(0, std::memory_order_relaxed);
      log().debug("{}: {} ({})", self->name_, reason, rd_kafka_err2name(code));
      return;
    }
    log().warn("{}: {} ({})", self->name_, reason, rd_kafka_err2name(code));
  } catch (...) {
  }
}

int client_base::on_stats(rd_kafka_t*, char* json, size_t len,
                          void* opaque) noexcept {
  auto* self = static_cast<client_base*>(opaque);
  try {
    std::string_view text{json, len};
    auto up = count_brokers_up(text);
    if (up >= 0) {
      self->brokers_up_.store(up, std::memory_order_relaxed);
      if (up > 0)
        self->ever_connected_.store(true, std::memory_order_relaxed);
    }
    std::lock_guard guard{self->stats_mtx_};
    self->stats_.assign(text);
  } catch (...) {
  }
  return 0; // librdkafka frees the document
}

void client_base::on_token_refresh(rd_kafka_t* rk, const char*,
                                   void* opaque) noexcept {
  auto* self = static_cast<client_base*>(opaque);
  refresh_oauth_token(rk, *self->tokens_);
}

int count_brokers_up(std::string_view statistics_json) noexcept {
  try {
    boost::system::error_code ec;
    auto doc = boost::json::parse(statistics_json, ec);
    if (ec || !doc.is_object())
      return -1;
    auto* brokers = doc.as_object().if_contains("brokers");
    if (brokers == nullptr || !brokers->is_object())
      return -1;
    int up = 0;
    for (auto& [name, b] : brokers->as_object()) {
      if (!b.is_object())
        continue;
      auto& obj = b.as_object();
      auto* id = obj.if_contains("nodeid");
      auto* state = obj.if_contains("state");
      // Bootstrap placeholders and the group coordinator's logical broker
      // have negative ids; they are not brokers of their own.
      if (id && id->is_int64() && id->as_int64() >= 0 && state &&
          state->is_string() && state->as_string() == "UP")
        ++up;
    }
    return up;
  } catch (...) {
    return -1;
  }
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

} // namespace fastkafka::kafka
