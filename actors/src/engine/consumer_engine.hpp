#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "fastkafka/detail/specs.hpp"
#include "fastkafka/kafka/consumer_port.hpp"
#include "fastkafka/kafka/delivery.hpp"
#include "fastkafka/kafka/transaction_port.hpp"
#include "fastkafka/settings.hpp"

#include "commit_tracker.hpp"
#include "controls.hpp"
#include "dead_letters.hpp"
#include "executor.hpp"
#include "fastkafka/actors/consumer_status.hpp"
#include "retry.hpp"
#include "retry_topics.hpp"

namespace fastkafka::engine {

/// What a poll asks of the consumer's actor: partitions paused after a
/// failure, each to be retried after its backoff (`retry_due`).
struct poll_outcome {
  std::vector<std::pair<int32_t, std::chrono::milliseconds>> retries;
};

/// Runs one `consumes` registration on its client: fetches, hands records
/// to the executor, pauses a partition whose message failed and retries it
/// after a backoff, dead-letters what cannot be handled, and commits what
/// is done as it settles (one commit in flight; a commit counts once the
/// broker confirmed it).
///
/// Used by one thread at a time (the consumer actor's); the client calls
/// its listener on that thread too. Outlives restarts of the actor.
class consumer_engine final : public kafka::consumer_listener {
public:
  consumer_engine(std::shared_ptr<const fastkafka::detail::consumer_spec> spec,
                  consumer_settings settings,
                  std::shared_ptr<actors::consumer_status> status,
                  fastkafka::detail::message_sink* dead_letters);
  consumer_engine(const consumer_engine&) = delete;
  consumer_engine& operator=(const consumer_engine&) = delete;
  ~consumer_engine() noexcept override;

  /// Gives the engine its client; the client's listener must be this.
  void attach(std::unique_ptr<kafka::consumer_port> port);

  /// Makes a transactional producer; null (and `err` filled) on failure.
  using transaction_maker =
      std::function<std::unique_ptr<kafka::transaction_port>(std::string&)>;

  /// Makes the registration exactly-once: each poll's records are handled
  /// inside one transaction of a producer made by `make` (again after a
  /// fatal error), which also commits their offsets; the engine then never
  /// commits offsets itself.
  void attach_transactions(transaction_maker make);

  /// Whether each poll runs in a transaction.
  bool exactly_once() const noexcept { return static_cast<bool>(make_txn_); }

  /// Under exactly-once, a dead letter that waits for its input to be
  /// consumed again (its first attempt's transaction was aborted, to drop
  /// what the failed call had sent): writes it into the current
  /// transaction and returns true; false for any other record.
  bool dead_letter_due(const kafka::record& r, kafka::ticket* t);

  /// Fetches and handles one poll's records, settles deliveries and
  /// commits what is done.
  poll_outcome poll_once();

  /// The backoff of `partition` ended: it is fetched (or retried) again.
  void retry_due(int32_t partition);

  /// Finishes in-flight work, commits it and waits for the broker's
  /// answers, then leaves the group, all before `deadline_ms` (monotonic).
  /// Logs what the broker confirmed and, separately, what it did not.
  /// Returns true when everything processed was confirmed and the client
  /// closed in time. Idempotent.
  bool shutdown(int64_t deadline_ms);

  /// Makes a waiting poll return; callable from any thread.
  void wake() noexcept;

  /// The client's last librdkafka statistics; callable from any thread.
  std::string statistics() const { return port_ ? port_->statistics() : ""; }

  /// The end offset of `partition` as the client knows it now; -1 unknown;
  /// callable from any thread.
  int64_t end_offset(int32_t partition) const noexcept {
    return port_ ? port_->shared_high_watermark(partition) : -1;
  }

  /// Whether its client has a broker connected; callable from any thread.
  bool connected() const noexcept { return port_ && port_->connected(); }

  const fastkafka::detail::consumer_spec& spec() const noexcept {
    return *spec_;
  }
  actors::consumer_status& status() noexcept { return *status_; }

  /// Transactions aborted so far (exactly-once).
  uint64_t aborted_transactions() const noexcept { return aborts_; }

  /// The offsets the broker confirmed so far, per partition.
  const std::map<int32_t, int64_t>& confirmed() const noexcept {
    return confirmed_log_;
  }

  // -- for the executors ----------------------------------------------------

  commit_tracker& tracker() noexcept { return tracker_; }
  kafka::delivery_batch& batch() noexcept { return batch_; }

  /// Whether `partition`'s records are skipped: it waits for a retry, the
  /// user paused it, or a seek moved it during this poll.
  bool paused(int32_t partition) const noexcept {
    return (!paused_.empty() && paused_.contains(partition)) ||
           (!user_paused_.empty() && user_paused_.contains(partition)) ||
           (!sought_.empty() && sought_.contains(partition));
  }

  /// A record of a paused partition was skipped: when the user paused it,
  /// it is fetched again from there once resumed.
  void skipped(const kafka::record& r);

  // -- controls (consumer thread) -------------------------------------------

  /// Whether handlers get `message_meta::control()` acknowledgements.
  bool manual_ack() const noexcept { return spec_->ack == ack_mode::manual; }

  /// The controls for the call of `r`: sets them into `meta`; in manual
  /// mode, takes an acknowledgement share of `t`.
  void begin_call(const kafka::record& r, kafka::ticket* t, message_meta& meta);

  /// The call of `r` ended without being handled (a throw, a decode
  /// failure): its acknowledgement, if not given, is given by the engine
  /// (the retry or the dead letter decides what happens to it).
  void end_unhandled_call();

  /// The queue the handles post to.
  std::shared_ptr<control_queue> control_channel() const { return channel_; }

  /// Pauses `partition` for the user until `user_resume`.
  void user_pause(int32_t partition);
  /// Resumes a partition the user paused.
  void user_resume(int32_t partition);
  /// Moves `partition` to `offset`; the commit position follows.
  void user_seek(int32_t partition, int64_t offset);
  /// The first offset at or after `timestamp_ms`; -1 when unknown.
  int64_t offset_for_time(int32_t partition, int64_t timestamp_ms);
  /// A message was nacked: consumed again from `offset` after `delay`.
  void nacked(void* token, int32_t partition, int64_t offset,
              std::chrono::milliseconds delay);

  /// The handler failed on `r` (tried under `key`: its offset, or -1 for a
  /// batch): either dead-letters it (as part of `t`) or pauses its
  /// partition for the policy's backoff, discarding tickets from
  /// `seek_to` and seeking there when `seek_to >= 0`. Returns true when the
  /// message was dead-lettered.
  bool handler_failed(std::span<const kafka::record* const> records,
                      int64_t key, kafka::ticket* t, const std::string& what,
                      int64_t seek_to, kafka::delivery_batch* batch);

  /// The message (or batch, under key -1) tried under `key` succeeded.
  void succeeded(int32_t partition, int64_t key) {
    attempts_.done(partition, key);
  }

  /// Sends `r` to the dead-letter topic for a decode failure.
  void undecodable(const kafka::record& r, kafka::ticket* t,
                   const decode_error& err, kafka::delivery_batch* batch);

  /// Counts `n` handled messages (and times them when metrics are on);
  /// returns the time it read (the start of a next call), or nothing when
  /// calls are not timed. Callable from any thread; the consumer's own
  /// thread says so (`on_consumer_thread`), and its timings then reach the
  /// shared histograms once per poll.
  std::chrono::steady_clock::time_point
  handled(const kafka::record& last, uint64_t n,
          std::chrono::steady_clock::time_point started,
          bool on_consumer_thread = false) noexcept;

  /// Whether handler calls are timed (metrics on).
  bool timed() const noexcept { return status_->timed; }

  /// The metadata a handler sees for `r`.
  message_meta meta_of(const kafka::record& r) const noexcept;

  /// Gives a record back to the client (thread-safe).
  void release(kafka::record& r) noexcept;

  /// Resumes `partition` after its backoff.
  void resume_partition(int32_t partition);

  /// Asks the actor to wake up and poll (a worker finished something).
  void nudge() noexcept { wake(); }

  // -- kafka::consumer_listener ----------------------------------------------

  void on_assigned(std::span<const int32_t> partitions) override;
  void on_revoked(std::span<const int32_t> partitions) override;
  void on_lost(std::span<const int32_t> partitions) override;
  void on_committed(std::span<const kafka::partition_offset> offsets, int error,
                    std::string_view error_text) override;

private:
  void apply_controls();
  void cancel_acks(std::span<const int32_t> partitions);
  void call_hook(const rebalance_hook& hook, const char* which,
                 std::span<const int32_t> partitions);
  void settle();
  void release_records() noexcept;
  void begin_transaction();
  void finish_transaction();
  kafka::txn_result txn_call(const std::function<kafka::txn_result()>& call);
  void abort_transaction(const char* what, const kafka::txn_result& why);
  void rewind_batch();
  std::string batch_text() const;
  void commit_now(bool idle);
  void record_answer(std::span<const partition_offset> offsets, int error,
                     std::string_view error_text);
  void mirror(std::vector<partition_offset> offsets);
  bool drain(std::span<const int32_t> partitions, int64_t deadline_ms);
  bool commit_and_wait(std::span<const int32_t> partitions,
                       int64_t deadline_ms);
  void log_fetch_error(const kafka::record& r);
  void hold_until_due();
  void pause_held();
  int tries_before(const kafka::record& r) const;
  void refresh_status(bool force);
  std::chrono::milliseconds poll_wait() const;

  std::shared_ptr<const fastkafka::detail::consumer_spec> spec_;
  consumer_settings settings_;
  std::shared_ptr<actors::consumer_status> status_;
  dead_letter_writer dead_letters_;
  /// Where failed messages go before the dead letters: the registration's
  /// next retry stage, if any.
  std::optional<retry_writer> next_stage_;
  /// The delay of the retry stage this engine consumes; 0 for a
  /// registration's own consumer.
  std::chrono::milliseconds stage_delay_{0};
  /// A retry topic's partitions whose next message is not due yet: the
  /// offset to seek back to and how long to wait; paused after the poll.
  struct hold {
    int32_t partition;
    int64_t offset;
    int64_t wait_ms;
  };
  std::vector<hold> holds_;
  std::unique_ptr<kafka::consumer_port> port_;
  std::unique_ptr<executor_base> executor_;
  commit_tracker tracker_;
  attempt_counts attempts_;
  kafka::delivery_batch batch_;
  std::vector<kafka::record> records_;
  /// Paused partitions and when their backoff ends (monotonic ms).
  std::map<int32_t, int64_t> paused_;
  std::set<int32_t> assigned_;
  poll_outcome outcome_;
  std::map<int32_t, int64_t> confirmed_log_;
  /// Wall clock minus monotonic clock in ms, refreshed every poll while
  /// timed: one clock read per handled message gives both its duration and
  /// its end-to-end latency.
  std::atomic<int64_t> wall_offset_ms_{0};
  /// Timings of the current poll's calls on the consumer thread.
  fastkafka::detail::histogram_batch pending_durations_;
  fastkafka::detail::histogram_batch pending_latencies_;
  int64_t last_commit_ms_ = 0;
  int64_t last_status_ms_ = 0;
  int64_t last_fetch_error_log_ms_ = 0;
  int64_t last_commit_error_log_ms_ = 0;
  /// Partitions paused by the user (`message_control`, handles).
  std::set<int32_t> user_paused_;
  /// Partitions sought during this poll: their other records are skipped.
  std::set<int32_t> sought_;
  /// Where user-paused partitions fetch again (first skipped record).
  std::map<int32_t, int64_t> refetch_;
  std::shared_ptr<control_queue> channel_;
  handler_controls controls_{*this};
  /// Acknowledgements not yet given (manual mode).
  std::vector<std::shared_ptr<fastkafka::detail::ack_state>> acks_;
  transaction_maker make_txn_;
  std::unique_ptr<kafka::transaction_port> txn_;
  /// Whether the current poll's transaction is open.
  bool in_txn_ = false;
  /// A handler threw in the current transaction: it must not commit.
  bool txn_failed_ = false;
  /// First offset per partition of the current transaction's records:
  /// where an abort rewinds to (the last committed offsets, since every
  /// poll commits or rewinds).
  std::map<int32_t, int64_t> txn_first_;
  struct due_letter {
    std::string error;
    int attempts = 0;
  };
  /// Dead letters to write when their input comes again (exactly-once).
  std::map<std::pair<int32_t, int64_t>, due_letter> due_letters_;
  /// Aborted transactions so far (for tests and status).
  uint64_t aborts_ = 0;
  /// Deadline of a stop in progress; 0 while running.
  int64_t stop_deadline_ms_ = 0;
  bool closed_ = false;
  /// Exactly-once: a plain commit repeating the offsets a transaction
  /// committed is in flight; `mirror_next_` waits for its answer.
  bool mirror_in_flight_ = false;
  std::vector<partition_offset> mirror_next_;
};

} // namespace fastkafka::engine
