#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fastkafka/detail/ledger.hpp"
#include "fastkafka/detail/rdkafka.hpp"
#include "fastkafka/detail/runtime.hpp"

namespace fastkafka::detail {

/// Everything one `consumes` registration needs across restarts of its
/// actor: the client, the ledger of offsets and the retry bookkeeping.
///
/// Owned by the client supervisor; used by one consumer actor at a time, on
/// that actor's thread. librdkafka's rebalance and commit callbacks also run
/// on that thread (inside polls), so no locking is needed. Neither copyable
/// nor movable: librdkafka holds a pointer to it.
class consumer_runtime {
public:
  /// Creates the client and subscribes; returns null and fills `err`.
  static std::shared_ptr<consumer_runtime>
  create(std::shared_ptr<const consumer_spec> spec,
         const client_options& options, std::string group_id,
         producer_client* dead_letters, std::string& err,
         std::shared_ptr<const oauth_token_provider> token_provider = nullptr);

  consumer_runtime(const consumer_runtime&) = delete;
  consumer_runtime& operator=(const consumer_runtime&) = delete;
  ~consumer_runtime() noexcept;

  /// Fetches and handles one batch. Returns false when a handler failed and
  /// the actor must stop; `retry_backoff()` then says how long to wait.
  bool poll_once();

  /// Waits for in-flight work, commits and leaves the group. Idempotent.
  void shutdown();

  /// Makes a poll that waits for messages return at once, so that a stop
  /// request is seen without waiting out `consumer_timeout_ms`. Callable
  /// from any thread.
  void wake() noexcept;

  /// How long the supervisor waits before restarting the actor.
  std::chrono::milliseconds retry_backoff() const noexcept { return backoff_; }

  /// The text of the last handler failure.
  const std::string& failure() const noexcept { return failure_; }

  const consumer_spec& spec() const noexcept { return *spec_; }
  const std::string& group_id() const noexcept { return group_id_; }

  /// Offsets committed so far, per partition (for logs and tests).
  std::map<int32_t, int64_t> committed_offsets() const {
    return committed_log_;
  }

private:
  consumer_runtime(std::shared_ptr<const consumer_spec> spec,
                   std::string group_id, producer_client* dead_letters);

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts,
                           void* opaque) noexcept;
  static void on_token_refresh(rd_kafka_t* rk, const char* config,
                               void* opaque) noexcept;
  static void on_commit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* offsets,
                        void* opaque) noexcept;

  void handle(rd_kafka_message_t* msg, size_t index, size_t count);
  void dispatch(rd_kafka_message_t* msg);
  void run_concurrent(rd_kafka_message_t* msg, ticket* t);
  void worker_loop(std::stop_token stop);
  void stop_workers();
  void handle_batches(size_t count);
  void handle_group(size_t index);
  void group_failed(size_t index, ticket* t, std::string what);
  void handle_error_message(const rd_kafka_message_t* msg);
  bool handler_failed(rd_kafka_message_t* msg, ticket* t, std::string what,
                      size_t index, size_t count);
  void undecodable(const rd_kafka_message_t* msg, ticket* t,
                   const decode_error& err);
  void dead_letter(const rd_kafka_message_t* msg, ticket* t, const char* reason,
                   const std::string& error, int attempts);
  void settle();
  void commit(bool sync, const rd_kafka_topic_partition_list_t* only = nullptr);
  void drain(const rd_kafka_topic_partition_list_t* only, int timeout_ms);
  void seek(const std::vector<std::pair<int32_t, int64_t>>& positions);

  std::shared_ptr<const consumer_spec> spec_;
  std::string group_id_;
  producer_client* dead_letters_;
  std::shared_ptr<const oauth_token_provider> token_provider_;
  int max_poll_records_ = 100;
  int64_t commit_interval_ms_ = 5000;
  int poll_timeout_ms_ = 200;
  // Members below the client are destroyed first, as librdkafka requires.
  kafka_ptr rk_;
  queue_ptr queue_;
  ledger ledger_;
  std::vector<rd_kafka_message_t*> batch_;
  // Concurrent executor: messages handed to workers stay alive until their
  // worker is done with them; `in_flight_` bounds how many are out.
  struct task {
    rd_kafka_message_t* msg;
    ticket* t;
  };
  std::mutex tasks_mtx_;
  std::condition_variable_any tasks_cv_;
  std::deque<task> tasks_;
  size_t in_flight_ = 0;
  std::vector<std::jthread> workers_;
  // Batch handlers: indexes into batch_ per partition, and the call's data.
  std::vector<std::vector<size_t>> groups_;
  std::vector<std::string_view> payloads_;
  std::vector<message_meta> metas_;
  std::map<std::pair<int32_t, int64_t>, int> attempts_;
  std::map<int32_t, int64_t> committed_log_;
  int64_t last_commit_ms_ = 0;
  int64_t last_error_log_ms_ = 0;
  bool failed_batch_ = false;
  bool closed_ = false;
  std::chrono::milliseconds backoff_{0};
  std::string failure_;
};

} // namespace fastkafka::detail
