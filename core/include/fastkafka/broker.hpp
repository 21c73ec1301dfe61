#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fastkafka/options.hpp"

namespace fastkafka {

/// How clients authenticate to a broker, for the documentation only: the
/// docs turn it into AsyncAPI security schemes. It never holds secrets
/// (passwords, tokens and keys belong in client options, which the docs
/// never read).
struct broker_security {
  /// `security.protocol`: `PLAINTEXT`, `SSL`, `SASL_PLAINTEXT`, `SASL_SSL`.
  std::string protocol = "PLAINTEXT";
  /// `sasl.mechanism` under SASL: `PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`,
  /// `GSSAPI` or `OAUTHBEARER`.
  std::string sasl_mechanism;
  /// Token endpoint for `OAUTHBEARER` (AsyncAPI's oauth2 flow needs one).
  std::string oauth_token_url;
  /// Free text for the documentation, e.g. where to get credentials.
  std::string description;
};

/// One Kafka bootstrap broker as the app declares it (also fills the docs).
struct kafka_broker {
  /// Host name or address.
  std::string url = "localhost";
  /// TCP port.
  int port = 9092;
  /// Free text for the documentation.
  std::string description;
  /// Protocol name for the documentation (`kafka`, `kafka-secure`).
  std::string protocol = "kafka";
  /// How clients authenticate, for the documentation; none when absent.
  std::optional<broker_security> security;
};

/// Named broker sets: each name maps to one broker or a list of them.
using broker_map = std::map<std::string, std::vector<kafka_broker>>;

/// The reserved broker name that starts an in-process embedded broker.
inline constexpr const char* embedded_broker_name = "embedded";

/// Renders brokers as a `bootstrap.servers` value: `host:port,host:port`.
std::string bootstrap_servers(const std::vector<kafka_broker>& brokers);

/// The security of broker set `name` as one fact for clients and docs: its
/// declared `security`, else what `options` (the app's client options)
/// choose. Throws `config_error` when both say something and disagree on
/// the protocol or the SASL mechanism, or when the brokers of one name
/// declare different security.
std::optional<broker_security>
effective_security(const std::string& name,
                   const std::vector<kafka_broker>& brokers,
                   const client_options& options);

/// `options` with the protocol and mechanism of `security` filled in where
/// they are unset, so that clients connect the way the docs say.
client_options with_security(client_options options,
                             const std::optional<broker_security>& security);

/// A broker started inside the process (`run --kafka-broker embedded`).
struct local_broker {
  /// Where clients bootstrap from.
  std::string bootstrap_servers;
  /// Client options that suit this broker (applied under the app's own).
  client_options client_defaults;
  /// Keeps the broker running; it stops when the last copy goes.
  std::shared_ptr<void> keep_alive;
};

/// Starts a local broker with `partitions` per created topic and `topics`
/// created up front; throws `std::system_error` when it cannot.
using local_broker_starter = std::function<local_broker(
    int partitions, const std::vector<std::string>& topics)>;

/// Who to contact about the app (for the docs).
struct contact_info {
  std::string name = "Author";
  std::string url = "https://www.google.com";
  std::string email = "noreply@gmail.com";
};

} // namespace fastkafka
