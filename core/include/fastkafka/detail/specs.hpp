#pragma once

// Registrations with their types erased: what `app::consumes` and
// `app::produces` record for the runtime and the docs.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "fastkafka/broker.hpp"
#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/detail/call_counter.hpp"
#include "fastkafka/detail/producer_slot.hpp"
#include "fastkafka/message.hpp"
#include "fastkafka/options.hpp"
#include "fastkafka/registration.hpp"

namespace fastkafka::detail {

/// Calls the user's handler for one payload; false means decoding failed.
/// Exceptions from the handler propagate to the consumer engine.
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
  /// For the consumer of a retry topic: the registration it retries for
  /// (its options and group follow that one's); empty for a registration.
  std::string retry_of;
  /// The retry stage it consumes, from 1 (delay `retry.topics[stage - 1]`);
  /// 0 for a registration's own consumer.
  int retry_stage = 0;
  /// The registration's own topic (also for its retry consumers).
  std::string origin_topic;
  executor exec = executor::sequential;
  size_t max_in_flight = 1;
  ack_mode ack = ack_mode::automatic;
  rebalance_hook on_assigned;
  rebalance_hook on_revoked;
  rebalance_hook on_lost;
  /// The registration's own addresses for the app's broker names.
  std::optional<broker_map> brokers;
  /// Set for handlers of one message per call.
  invoke_fn invoke;
  /// Set for handlers of a batch per call.
  invoke_batch_fn invoke_batch;
  /// Messages handled, across restarts (benchmark actor).
  std::shared_ptr<call_counter> handled = std::make_shared<call_counter>();
  /// Set when the registration is marked for benchmarking.
  std::optional<benchmark_options> benchmark;
  /// Observer of decoded values (mocks); shared with the invoke functions.
  std::shared_ptr<observer_hook> observer = std::make_shared<observer_hook>();
  /// The registration's `codec<T>`, type-erased (the tester encodes and
  /// decodes with it).
  std::shared_ptr<const void> codec;
  /// `typeid(T)`.
  const std::type_info* value_type = nullptr;

  /// The registration whose options apply: `retry_of` or `name`.
  const std::string& registration() const noexcept {
    return retry_of.empty() ? name : retry_of;
  }
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
  /// The registration's `codec<T>`, type-erased (see consumer_spec).
  std::shared_ptr<const void> codec;
  /// `typeid(T)`.
  const std::type_info* value_type = nullptr;
};

} // namespace fastkafka::detail
