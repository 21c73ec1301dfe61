#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fastkafka/kafka/handles.hpp"
#include "fastkafka/options.hpp"

namespace fastkafka::kafka {

/// What every client shares: its name, its view of the brokers, and the
/// callbacks librdkafka makes on its behalf (logs, errors, statistics,
/// tokens). Callbacks run on librdkafka's threads or inside polls; they
/// touch only atomics and locked data, and never throw.
///
/// Neither copyable nor movable: librdkafka holds a pointer to it.
class client_base {
public:
  client_base(const client_base&) = delete;
  client_base& operator=(const client_base&) = delete;
  virtual ~client_base() noexcept;

  /// The client's name in logs (a registration name, or `dead-letters`).
  const std::string& name() const noexcept { return name_; }

  /// Brokers connected at the last statistics report; -1 before the first.
  int brokers_up() const noexcept {
    return brokers_up_.load(std::memory_order_relaxed);
  }

  /// Whether a broker was ever connected.
  bool ever_connected() const noexcept {
    return ever_connected_.load(std::memory_order_relaxed);
  }

  /// The last statistics document librdkafka emitted (JSON); empty before
  /// the first one.
  std::string latest_statistics() const;

  /// The client's fatal error, or empty when it has none: a fatal client
  /// must be replaced (idempotent and transactional producers).
  std::string fatal_error() const;

  /// The librdkafka handle (for the adapter's own use and tests).
  rd_kafka_t* handle() const noexcept { return rk_.get(); }

protected:
  client_base(std::string name,
              std::shared_ptr<const oauth_token_provider> tokens);

  /// Installs the shared callbacks on `conf` with this object as opaque:
  /// log routing (librdkafka's debug lines at info when `debug` was asked
  /// for), error reporting, statistics every second, and token refresh
  /// when a provider was given.
  void install_callbacks(rd_kafka_conf_t* conf, bool debug);

  kafka_ptr rk_;

private:
  static void on_log(const rd_kafka_t* rk, int level, const char* facility,
                     const char* buf) noexcept;
  static void on_error(rd_kafka_t* rk, int err, const char* reason,
                       void* opaque) noexcept;
  static int on_stats(rd_kafka_t* rk, char* json, size_t len,
                      void* opaque) noexcept;
  static void on_token_refresh(rd_kafka_t* rk, const char* config,
                               void* opaque) noexcept;

  std::string name_;
  std::shared_ptr<const oauth_token_provider> tokens_;
  std::atomic<int> brokers_up_{-1};
  std::atomic<bool> ever_connected_{false};
  std::atomic<int64_t> last_down_log_ms_{0};
  mutable std::mutex stats_mtx_;
  std::string stats_;
};

/// Answers librdkafka's token refresh with a token from `provider`, or
/// with a failure when it throws or returns an unusable token. Never
/// throws: it runs inside a librdkafka callback.
void refresh_oauth_token(rd_kafka_t* rk,
                         const oauth_token_provider& provider) noexcept;

/// Counts the brokers in state `UP` in a librdkafka statistics document
/// (real brokers only, not bootstrap placeholders); -1 when unreadable.
int count_brokers_up(std::string_view statistics_json) noexcept;

} // namespace fastkafka::kafka
