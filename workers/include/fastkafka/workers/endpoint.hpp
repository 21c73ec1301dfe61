#pragma once

// `HOST:PORT` as `--connect` and `FASTKAFKA_STATS_PARENT` take it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fastkafka::workers {

/// Where a stats actor listens.
struct endpoint {
  /// A name or an address; IPv6 without the brackets.
  std::string host;
  uint16_t port = 0;

  /// `host:port`, `[v6]:port`.
  std::string text() const;

  friend bool operator==(const endpoint&, const endpoint&) = default;
};

/// Parses `host:port` or `[v6]:port`; throws `std::invalid_argument` with a
/// sentence naming the text when it is neither (port 1..65535).
endpoint parse_endpoint(std::string_view text);

/// Parses a comma-separated list of endpoints (at least one).
std::vector<endpoint> parse_endpoints(std::string_view list);

} // namespace fastkafka::workers
