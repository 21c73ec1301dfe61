#pragma once

#include <any>
#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastkafka/broker.hpp"
#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/detail/ledger.hpp"
#include "fastkafka/detail/rdkafka.hpp"
#include "fastkafka/message.hpp"
#include "fastkafka/options.hpp"

namespace fastkafka {

/// How often a handler is tried on one message before it is dead-lettered,
/// and how long its actor waits before each new try.
struct retry_policy {
  /// Tries in all, the first one included; at least 1.
  int max_attempts = 3;
  /// Wait before the second try; doubles for each further one.
  std::chrono::milliseconds initial_backoff{100};
  /// Upper bound of the wait.
  std::chrono::milliseconds max_backoff{5000};

  /// The wait before try number `attempt` (2 for the first retry).
  std::chrono::milliseconds backoff(int attempt) const noexcept;
};

/// Marks a registration for throughput logging by the benchmark actor.
struct benchmark_options {
  /// How often the throughput is sampled and logged.
  std::chrono::milliseconds interval{1000};
  /// How many intervals the average covers; all of them when unset.
  std::optional<size_t> sliding_window_size;
};

/// How a consumer runs its handler (FastKafka's executors).
enum class executor {
  /// One call at a time, in offset order per partition.
  sequential,
  /// Up to `max_in_flight` calls at once on a pool of threads, for slow
  /// handlers; order is not kept, offsets are still committed only up to
  /// the first unfinished message.
  concurrent,
};

/// Header names written on dead-lettered messages.
namespace dlq_header {
inline constexpr const char* reason = "fastkafka.dlq.reason";
inline constexpr const char* error = "fastkafka.dlq.error";
inline constexpr const char* topic = "fastkafka.dlq.topic";
inline constexpr const char* partition = "fastkafka.dlq.partition";
inline constexpr const char* offset = "fastkafka.dlq.offset";
inline constexpr const char* consumer = "fastkafka.dlq.consumer";
inline constexpr const char* attempts = "fastkafka.dlq.attempts";
} // namespace dlq_header

/// A Kafka header that a registration's messages carry, for the docs.
struct header_info {
  /// The header name, e.g. `traceparent`.
  std::string name;
  /// What its value means.
  std::string description;
};

/// The Kafka key of a registration's messages, for the docs;
/// `key_schema<K>()` makes one.
struct key_info {
  /// JSON Schema of the key.
  std::function<boost::json::object()> schema;
  /// What the key is, e.g. `the customer id: orders of one customer stay in
  /// order`.
  std::string description;
};

} // namespace fastkafka

namespace fastkafka::detail {

/// Counts calls on a hot path for the benchmark actor.
///
/// A relaxed atomic increment: one uncontended instruction, no fence. The
/// sampler reads it from another thread; exact interleaving does not matter.
class call_counter {
public:
  void add(uint64_t n) noexcept {
    count_.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t load() const noexcept {
    return count_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<uint64_t> count_{0};
};

/// A started producer client; `send` may be called from any thread.
class producer_client {
public:
  /// Creates the client; returns null and fills `err` on failure.
  static std::unique_ptr<producer_client>
  create(std::string name, std::string topic, const client_options& options,
         std::string& err,
         std::shared_ptr<const oauth_token_provider> token_provider = nullptr);

  producer_client(const producer_client&) = delete;
  producer_client& operator=(const producer_client&) = delete;
  ~producer_client() noexcept;

  /// Hands one message to librdkafka (copied); attaches the ticket of the
  /// handler running on this thread, if any. Waits while librdkafka's queue
  /// is full. Returns false (and fills `err`) on a non-retriable error.
  bool send(std::string_view key, std::string_view value, std::string& err,
            headers_ptr headers = nullptr, const std::string* topic = nullptr);

  /// Serves delivery reports for up to `timeout_ms`.
  void poll(int timeout_ms) noexcept;

  /// Serves, without waiting, the delivery reports of every producer that
  /// handlers on this thread sent to since the last call. Consumers call it
  /// after each batch: reports are then handled (and copies freed) on the
  /// thread that made them, and tickets complete without a thread hop.
  static void poll_used_by_this_thread() noexcept;

  /// Forgets the producers this thread used (before they are destroyed).
  static void forget_used_by_this_thread() noexcept;

  /// Waits until every message was acknowledged or failed; returns how many
  /// are still outstanding after `timeout_ms`.
  int flush(int timeout_ms) noexcept;

  const std::string& name() const noexcept { return name_; }
  const std::string& topic() const noexcept { return topic_; }
  uint64_t delivered() const noexcept { return delivered_.load(); }
  uint64_t failed() const noexcept { return failed_.load(); }

private:
  producer_client(std::string name, std::string topic);
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                          void* opaque) noexcept;
  static void on_token_refresh(rd_kafka_t* rk, const char* config,
                               void* opaque) noexcept;
  void report_failure(const rd_kafka_message_t* msg) noexcept;

  std::string name_;
  std::string topic_;
  std::shared_ptr<const oauth_token_provider> token_provider_;
  kafka_ptr rk_;
  topic_ptr rkt_;
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<int64_t> last_failure_log_ms_{0};
  std::atomic<uint64_t> suppressed_failures_{0};
};

/// Sees a copy of each value a handler receives or a producer sends, before
/// the real call runs (the tester's mocks). Set `fn` only before the app
/// starts; an empty `fn` costs the hot path one branch.
struct observer_hook {
  /// Called with a `const T*` of the registration's type.
  std::function<void(const void*)> fn;
  /// Copies the `const T*` into an `std::any` holding a `T`.
  std::function<std::any(const void*)> copy;
};

/// Where a typed producer handle finds its client once the app runs.
///
/// The handle outlives runs of the app; `active` lets `detach` wait for
/// calls in progress before the client is destroyed.
struct producer_slot {
  std::atomic<producer_client*> client{nullptr};
  std::atomic<int32_t> active{0};
  /// Messages handed to Kafka through this slot (for the benchmark actor).
  call_counter sent;
  std::string name;
  std::string topic;
  /// Observer of sent values (mocks); empty unless a tester set it.
  observer_hook observer;

  /// Makes `c` the target of future sends.
  void attach(producer_client* c) noexcept { client.store(c); }
  /// Stops new sends and waits for those in progress.
  void detach() noexcept;
};

/// Calls the user's handler for one payload; false means decoding failed.
/// Exceptions from the handler propagate to the consumer actor.
using invoke_fn = std::function<bool(
    std::string_view payload, const message_meta& meta, decode_error& err)>;

/// Calls the user's batch handler for one partition's records; the indexes
/// and errors of records that could not be decoded go to `failures` (those
/// are not passed to the handler). Exceptions propagate.
using invoke_batch_fn =
    std::function<void(std::span<const std::string_view> payloads,
                       std::span<const message_meta> metas,
                       std::vector<std::pair<size_t, decode_error>>& failures)>;

/// A `consumes` registration with its type erased.
struct consumer_spec {
  std::string name;
  std::string topic;
  std::string description;
  std::string codec_name;
  std::string content_type;
  /// JSON Schema of the payload type, for the docs; empty when the type is
  /// not a described struct.
  std::function<boost::json::object()> schema;
  /// The codec's own schema format and schema (`codec::schema_format`,
  /// `codec::schema`); the docs prefer it to `schema` when set.
  std::string schema_format;
  std::function<std::string()> codec_schema;
  /// The declared key and headers, for the docs.
  std::optional<key_info> key;
  std::vector<header_info> headers;
  std::string dead_letter_topic;
  client_options options;
  retry_policy retry;
  executor exec = executor::sequential;
  size_t max_in_flight = 1;
  /// The registration's own addresses for the app's broker names.
  std::optional<broker_map> brokers;
  /// Set for handlers of one message per call.
  invoke_fn invoke;
  /// Set for handlers of a batch per call.
  invoke_batch_fn invoke_batch;
  /// Messages handled (for the benchmark actor).
  std::shared_ptr<call_counter> handled = std::make_shared<call_counter>();
  /// Set when the registration is marked for benchmarking.
  std::optional<benchmark_options> benchmark;
  /// Observer of decoded values (mocks); shared with the invoke functions.
  std::shared_ptr<observer_hook> observer = std::make_shared<observer_hook>();
};

/// A `produces` registration with its type erased.
struct producer_spec {
  std::string name;
  std::string topic;
  std::string description;
  std::string codec_name;
  std::string content_type;
  /// JSON Schema of the payload type, for the docs; empty when the type is
  /// not a described struct.
  std::function<boost::json::object()> schema;
  /// The codec's own schema format and schema (`codec::schema_format`,
  /// `codec::schema`); the docs prefer it to `schema` when set.
  std::string schema_format;
  std::function<std::string()> codec_schema;
  /// The declared key and headers, for the docs.
  std::optional<key_info> key;
  std::vector<header_info> headers;
  client_options options;
  std::shared_ptr<producer_slot> slot;
  /// The registration's own addresses for the app's broker names.
  std::optional<broker_map> brokers;
  /// Set when the registration is marked for benchmarking.
  std::optional<benchmark_options> benchmark;
};

} // namespace fastkafka::detail
