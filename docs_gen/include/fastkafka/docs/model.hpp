#pragma once

// The documentation model: what an app declares, gathered once from its
// configuration and registrations, independent of any AsyncAPI version.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "fastkafka/broker.hpp"

namespace fastkafka {
class app;
} // namespace fastkafka

namespace fastkafka::docs {

/// One kind of message as the docs show it (a component message): a payload
/// type with its encoding, key and headers.
struct message_description {
  /// Unique id: the model's schema title, or `<registration>_payload` when
  /// the type has no schema; suffixed (`_<codec>`, `_2`) when one model is
  /// sent in several ways.
  std::string name;
  /// The model's title (`Order`); empty for bytes.
  std::string title;
  /// One line about the model, from its description.
  std::string summary;
  /// Markdown about the message, e.g. "Encoded by the `json` codec."
  std::string description;
  /// MIME type of the payload, from the codec.
  std::string content_type;
  /// Name of the codec.
  std::string codec;
  /// JSON Schema of the payload, with `$defs` as `json_schema<T>()` makes
  /// it (a model has a `title`); bytes when the type has no schema. Empty
  /// when `schema_format` is set.
  boost::json::object payload;
  /// AsyncAPI `schemaFormat` of `format_schema` (e.g. Avro), when the codec
  /// describes the payload in its own format.
  std::string schema_format;
  /// The payload's schema in `schema_format`.
  boost::json::value format_schema;
  /// JSON Schema of the Kafka key (written as the Kafka message binding's
  /// `key`); empty when the registration declares none.
  boost::json::object key;
  /// What the key is, from the registration.
  std::string key_description;
  /// JSON Schema (an object whose properties are header names) of the Kafka
  /// headers; empty when the registration declares none.
  boost::json::object headers;

  bool operator==(const message_description&) const = default;
};

/// Whether the app reads or writes a topic.
enum class operation_kind {
  /// A `consumes` registration: the app receives.
  consume,
  /// A `produces` registration: the app sends.
  produce,
};

/// One `consumes` or `produces` registration, or the dead letters of a
/// `consumes` registration (the app produces to its dead-letter topic).
struct operation_description {
  /// Unique id: the registration name (suffixed when two are equal).
  std::string id;
  operation_kind kind = operation_kind::consume;
  /// The Kafka topic (the channel).
  std::string topic;
  /// Free text from the registration.
  std::string description;
  /// `message_description::name` of the payload.
  std::string message;
  /// Consumer group of a consumer; empty for producers.
  std::string group_id;
  /// Set for the dead letters of the consumer `dead_letters_of`.
  bool dead_letter = false;
  std::string dead_letters_of;
  /// Set for a retry topic: its consumer, and the app moving failed
  /// records to it.
  bool retry = false;
};

/// One bootstrap broker as a server of the docs.
struct server_description {
  /// Unique id: the broker name, or `<name>-bootstrap-server-<i>` for the
  /// brokers of a list.
  std::string id;
  /// Name of the broker set it belongs to.
  std::string broker_name;
  std::string host;
  int port = 9092;
  /// AsyncAPI protocol: `kafka`, or `kafka-secure` under TLS.
  std::string protocol;
  std::string description;
  /// How clients authenticate; never holds secrets.
  std::optional<broker_security> security;
};

/// Everything the docs say about an app.
struct app_description {
  std::string title;
  std::string version;
  std::string description;
  contact_info contact;
  std::vector<server_description> servers;
  /// Registrations in declaration order: consumers (a registration's retry
  /// consumers after it) first, then producers, then the moves to each
  /// retry topic, then the dead letters of each registration.
  std::vector<operation_description> operations;
  /// Distinct payload types, in order of first use.
  std::vector<message_description> messages;
};

/// Gathers the description of `a` (calls each registration's schema
/// function). Throws `std::invalid_argument` for a broker security entry
/// the docs cannot express.
app_description describe(const app& a);

/// `text` as an AsyncAPI component id (`^[A-Za-z0-9_.-]+$`): any other
/// character becomes `_`.
std::string safe_id(std::string_view text);

/// A URN-safe lower-case slug of `text`: `Orders Service` -> `orders-service`.
std::string slug(std::string_view text);

} // namespace fastkafka::docs
