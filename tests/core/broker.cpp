#define CAF_SUITE core.broker

#include "fastkafka/broker.hpp"

#include "caf/test/unit_test.hpp"

#include "fastkafka/errors.hpp"

using namespace fastkafka;

namespace {

std::vector<kafka_broker> secured(std::string protocol,
                                  std::string mechanism = {}) {
  kafka_broker b{.url = "kafka-1", .port = 9093};
  b.security = broker_security{.protocol = std::move(protocol),
                               .sasl_mechanism = std::move(mechanism)};
  return {b};
}

std::string error_of(const std::vector<kafka_broker>& brokers,
                     const client_options& options) {
  try {
    effective_security("prod", brokers, options);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

} // namespace

CAF_TEST(a declared security is what the clients connect with) {
  auto brokers = secured("SASL_SSL", "SCRAM-SHA-512");
  auto security = effective_security("prod", brokers, {});
  CAF_REQUIRE(security.has_value());
  auto options = with_security({}, security);
  CAF_CHECK_EQUAL(options.security_protocol.value_or(""), "SASL_SSL");
  CAF_CHECK_EQUAL(options.sasl_mechanism.value_or(""), "SCRAM-SHA-512");
  // Options that agree are kept as they are.
  client_options same;
  same.security_protocol = "SASL_SSL";
  CAF_CHECK(error_of(brokers, same).empty());
}

CAF_TEST(client options alone are what the docs show) {
  client_options options;
  options.security_protocol = "SASL_PLAINTEXT";
  options.sasl_mechanism = "SCRAM-SHA-256";
  auto security = effective_security("prod", {{.url = "k"}}, options);
  CAF_REQUIRE(security.has_value());
  CAF_CHECK_EQUAL(security->protocol, "SASL_PLAINTEXT");
  CAF_CHECK_EQUAL(security->sasl_mechanism, "SCRAM-SHA-256");
  CAF_CHECK(!effective_security("prod", {{.url = "k"}}, {}).has_value());
}

CAF_TEST(a declaration and options that disagree are a config error) {
  client_options plain;
  plain.security_protocol = "PLAINTEXT";
  auto err = error_of(secured("SSL"), plain);
  CAF_CHECK(err.find("protocol SSL") != std::string::npos);
  CAF_CHECK(err.find("security_protocol is PLAINTEXT") != std::string::npos);
  client_options other;
  other.sasl_mechanism = "PLAIN";
  err = error_of(secured("SASL_SSL", "SCRAM-SHA-512"), other);
  CAF_CHECK(err.find("sasl_mechanism is PLAIN") != std::string::npos);
  auto two = secured("SSL");
  two.push_back(secured("SASL_SSL", "PLAIN").front());
  CAF_CHECK(error_of(two, {}).find("different security") != std::string::npos);
}
