#include "fastkafka/broker.hpp"

#include "fastkafka/errors.hpp"

namespace fastkafka {

std::string bootstrap_servers(const std::vector<kafka_broker>& brokers) {
  std::string out;
  for (auto& b : brokers) {
    if (!out.empty())
      out += ',';
    out += b.url;
    out += ':';
    out += std::to_string(b.port);
  }
  return out;
}

std::optional<broker_security>
effective_security(const std::string& name,
                   const std::vector<kafka_broker>& brokers,
                   const client_options& options) {
  std::optional<broker_security> declared;
  for (auto& b : brokers) {
    if (!b.security)
      continue;
    if (declared && (declared->protocol != b.security->protocol ||
                     declared->sasl_mechanism != b.security->sasl_mechanism))
      throw config_error("brokers of \"" + name +
                         "\" declare different security; one name is one "
                         "cluster with one security protocol");
    declared = b.security;
  }
  if (!declared) {
    if (!options.security_protocol || *options.security_protocol == "PLAINTEXT")
      return std::nullopt;
    broker_security derived;
    derived.protocol = *options.security_protocol;
    if (derived.protocol.starts_with("SASL"))
      derived.sasl_mechanism = options.sasl_mechanism.value_or("PLAIN");
    return derived;
  }
  auto clash = [&](const char* option, const std::string& set,
                   const std::string& said) {
    throw config_error("broker \"" + name + "\" declares " + said +
                       " in its security, but the client option " + option +
                       " is " + set +
                       "; say it once, in kafka_broker::security (clients "
                       "and docs both follow it)");
  };
  if (options.security_protocol &&
      *options.security_protocol != declared->protocol)
    clash("security_protocol", *options.security_protocol,
          "protocol " + declared->protocol);
  if (declared->protocol.starts_with("SASL") && options.sasl_mechanism &&
      !declared->sasl_mechanism.empty() &&
      *options.sasl_mechanism != declared->sasl_mechanism)
    clash("sasl_mechanism", *options.sasl_mechanism,
          "mechanism " + declared->sasl_mechanism);
  return declared;
}

client_options with_security(client_options options,
                             const std::optional<broker_security>& security) {
  if (!security)
    return options;
  if (!options.security_protocol)
    options.security_protocol = security->protocol;
  if (!options.sasl_mechanism && !security->sasl_mechanism.empty() &&
      security->protocol.starts_with("SASL"))
    options.sasl_mechanism = security->sasl_mechanism;
  return options;
}

} // namespace fastkafka
