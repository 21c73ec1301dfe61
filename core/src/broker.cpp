#include "fastkafka/broker.hpp"

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

} // namespace fastkafka
