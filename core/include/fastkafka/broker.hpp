#pragma once

#include <map>
#include <string>
#include <vector>

namespace fastkafka {

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
};

/// Named broker sets: each name maps to one broker or a list of them.
using broker_map = std::map<std::string, std::vector<kafka_broker>>;

/// The reserved broker name that starts an in-process embedded broker.
inline constexpr const char* embedded_broker_name = "embedded";

/// Renders brokers as a `bootstrap.servers` value: `host:port,host:port`.
std::string bootstrap_servers(const std::vector<kafka_broker>& brokers);

/// Who to contact about the app (for the docs).
struct contact_info {
  std::string name = "Author";
  std::string url = "https://www.google.com";
  std::string email = "noreply@gmail.com";
};

} // namespace fastkafka
