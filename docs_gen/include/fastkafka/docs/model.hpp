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

/// One payload type as the docs show it (a component message).
struct message_description {
  /// Unique id: the model's schema title, or `<registration>_payload` when
  /// the type has no schema.
  std::string name;
  /// MIME type of the payload, from the codec.
  std::string content_type;
  /// Name of the codec, for the message description.
  std::string codec;
  /// JSON Schema of the payload with `$defs` (as `json_schema<T>()` makes
  /// it); empty when the type is not described.
  boost::json::object payload;
  /// Extension point: JSON Schema of the Kafka key. Registrations do not
  /// declare keys yet, so this stays empty and the docs say nothing.
  boost::json::object key;
  /// Extension point: JSON Schema (an object of header names) of the Kafka
  /// headers. Empty until registrations can declare headers.
  boost::json::object headers;
};

/// Whether the app reads or writes a topic.
enum class operation_kind {
  /// A `consumes` registration: the app receives.
  consume,
  /// A `produces` registration: the app sends.
  produce,
};

/// One `consumes` or `produces` registration.
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
  /// Registrations in declaration order: consumers first, then producers.
  std::vector<operation_description> operations;
  /// Distinct payload types, in order of first use.
  std::vector<message_description> messages;
};

/// Gathers the description of `a` (calls each registration's schema
/// function). Throws `std::invalid_argument` for a broker security entry
/// the docs cannot express.
app_description describe(const app& a);

/// A URN-safe lower-case slug of `text`: `Orders Service` -> `orders-service`.
std::string slug(std::string_view text);

} // namespace fastkafka::docs
