#pragma once

// The settings of `consumes` and `produces` registrations.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "fastkafka/broker.hpp"
#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/controls.hpp"
#include "fastkafka/options.hpp"

namespace fastkafka {

/// How often a handler is tried on one message before it is dead-lettered,
/// and how long its partition pauses before each new try.
struct retry_policy {
  /// Tries in all, the first one included; at least 1.
  int max_attempts = 3;
  /// Wait before the second try; doubles for each further one.
  std::chrono::milliseconds initial_backoff{100};
  /// Upper bound of the wait.
  std::chrono::milliseconds max_backoff{5000};
  /// Delays of the retry topics, one stage each: a message whose tries
  /// above all failed goes to `<topic>.retry.<delay>` instead of the dead
  /// letters, and is tried again from there once its delay passed, without
  /// holding up its partition (`retry_topic.hpp`). After the last stage it
  /// is dead-lettered. Empty: no retry topics.
  std::vector<std::chrono::milliseconds> topics;

  /// The wait before try number `attempt` (2 for the first retry).
  std::chrono::milliseconds backoff(int attempt) const noexcept;
};

/// Retries through retry topics only: `.retry = retry_topics{{1s, 10s}}`
/// tries a message once in place, then once per stage after each delay.
struct retry_topics {
  /// One stage per delay, in order; each must be positive and name its own
  /// topic (`1s` and `1000ms` are the same).
  std::vector<std::chrono::milliseconds> delays;

  /// The policy of one try in place followed by the stages.
  operator retry_policy() const {
    return {.max_attempts = 1, .topics = delays};
  }
};

/// Marks a registration for throughput logging by the benchmark actor.
struct benchmark_options {
  /// How often the throughput is sampled and logged.
  std::chrono::milliseconds interval{1000};
  /// How many intervals the average covers; all of them when unset.
  std::optional<size_t> sliding_window_size;
};

/// What a consumer promises about its outputs when it crashes.
enum class delivery_mode {
  /// Offsets are committed after the outputs were acknowledged: a crash
  /// may repeat outputs, never lose an input.
  at_least_once,
  /// Each poll's outputs, dead letters and offsets commit in one Kafka
  /// transaction: a `read_committed` reader sees each input's outputs once.
  exactly_once,
};

/// The option value of `m` (`at_least_once`, `exactly_once`).
constexpr const char* to_string(delivery_mode m) noexcept {
  return m == delivery_mode::exactly_once ? "exactly_once" : "at_least_once";
}

/// How a consumer runs its handler (FastKafka's executors).
enum class executor {
  /// One call at a time, in offset order per partition.
  sequential,
  /// Up to `max_in_flight` calls at once on a pool of threads, for slow
  /// handlers; order is not kept, offsets are still committed only up to
  /// the first unfinished message.
  concurrent,
};

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

/// Settings of one `consumes` registration.
template <class T>
struct consumes_options {
  /// The topic; inferred from the registration name when empty.
  std::string topic;
  /// Prefix stripped from the name to infer the topic; empty means the name
  /// is the topic.
  std::string prefix = "on_";
  /// Description for the docs.
  std::string description;
  /// The messages' Kafka key, for the docs: `key_schema<K>("...")`.
  std::optional<key_info> key;
  /// Headers the messages carry, for the docs: `{"traceparent", "W3C
  /// trace context"}`.
  std::vector<header_info> headers;
  /// Overrides of the app-wide client options for this consumer.
  client_options options;
  /// How payloads become `T`; JSON when empty.
  std::optional<codec<T>> decoder;
  /// How often a failing handler is tried in place before it goes to its
  /// first retry topic, or is dead-lettered when there are none:
  /// `{.max_attempts = 5}`, or `retry_topics{{1s, 10s, 60s}}`.
  retry_policy retry;
  /// Where messages go that cannot be decoded or handled;
  /// `<topic>.dlq` when empty.
  std::string dead_letter_topic;
  /// Logs this handler's throughput when set.
  std::optional<benchmark_options> benchmark;
  /// Sequential (ordered) or concurrent calls of the handler; a concurrent
  /// handler must be safe to call from several threads at once.
  executor exec = executor::sequential;
  /// Most concurrent calls in flight (concurrent executor only).
  size_t max_in_flight = 100;
  /// Whether offsets wait for `ack()` (`message_meta::control()`); manual
  /// needs the sequential executor and a handler of one message.
  ack_mode ack = ack_mode::automatic;
  /// Called after partitions were assigned, before any of their messages.
  rebalance_hook on_assigned;
  /// Called when partitions go to another member (and at stop), after
  /// what was handled on them was committed and the broker confirmed it.
  rebalance_hook on_revoked;
  /// Called when partitions were lost (the group moved on without this
  /// member): their offsets could not be committed.
  rebalance_hook on_lost;
  /// Other addresses for the app's broker names (the same names as the
  /// app's `kafka_brokers`, or the registration is rejected).
  std::optional<broker_map> brokers;
  /// At-least-once or exactly-once; when unset, the `delivery` option
  /// decides (app-wide, `--set NAME.delivery=...`, default at-least-once).
  /// Exactly-once needs the sequential executor (or a batch handler).
  std::optional<delivery_mode> delivery;
};

/// Settings of one `produces` registration.
template <class T>
struct produces_options {
  /// The topic; inferred from the registration name when empty.
  std::string topic;
  /// Prefix stripped from the name to infer the topic; empty means the name
  /// is the topic.
  std::string prefix = "to_";
  /// Description for the docs.
  std::string description;
  /// The messages' Kafka key, for the docs: `key_schema<K>("...")`.
  std::optional<key_info> key;
  /// Headers the messages carry, for the docs: `{"traceparent", "W3C
  /// trace context"}`.
  std::vector<header_info> headers;
  /// Overrides of the app-wide client options for this producer.
  client_options options;
  /// How `T` becomes a payload; JSON when empty.
  std::optional<codec<T>> encoder;
  /// Logs this producer's throughput when set.
  std::optional<benchmark_options> benchmark;
  /// Other addresses for the app's broker names (the same names as the
  /// app's `kafka_brokers`, or the registration is rejected).
  std::optional<broker_map> brokers;
};

} // namespace fastkafka
