#include "fastkafka/workers/endpoint.hpp"

#include <charconv>
#include <stdexcept>

namespace fastkafka::workers {

std::string endpoint::text() const {
  auto h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

endpoint parse_endpoint(std::string_view text) {
  auto bad = [&](const char* why) {
    return std::invalid_argument("\"" + std::string{text} +
                                 "\" is not HOST:PORT (" + why + ")");
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    throw bad("no port");
  auto host = text.substr(0, colon);
  auto port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string_view::npos)
    throw bad("write IPv6 addresses in brackets");
  if (host.empty())
    throw bad("no host");
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(),
                                   port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() ||
      port == 0 || port > 65535)
    throw bad("the port must be a number from 1 to 65535");
  return {std::string{host}, static_cast<uint16_t>(port)};
}

std::vector<endpoint> parse_endpoints(std::string_view list) {
  std::vector<endpoint> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = list.substr(0, comma);
    if (!item.empty())
      out.push_back(parse_endpoint(item));
    if (comma == std::string_view::npos)
      break;
    list.remove_prefix(comma + 1);
  }
  if (out.empty())
    throw std::invalid_argument("no HOST:PORT given");
  return out;
}

} // namespace fastkafka::workers
