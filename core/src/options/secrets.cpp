#include <algorithm>
#include <cctype>

#include "fastkafka/options.hpp"

namespace fastkafka {

bool is_secret_option(std::string_view name) noexcept {
  std::string lower{name};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto has = [&](std::string_view needle) {
    return lower.find(needle) != std::string::npos;
  };
  for (auto needle : {"pass", "secret", "credential", "jaas", "private"})
    if (has(needle))
      return true;
  // Where key material or a token is, not the material itself: a path
  // (ssl_keyfile, ssl.keystore.location) or an address (the OIDC token
  // endpoint) helps debugging and gives nothing away.
  std::string_view view{lower};
  for (auto suffix : {"location", "file", "url"})
    if (view.ends_with(suffix))
      return false;
  // Key material (ssl.key.pem, ssl_keystore_...) but not settings about
  // message keys such as key_serializer.
  for (auto needle : {"token", "oauthbearer", "ssl.key", "ssl_key", "keystore"})
    if (has(needle))
      return true;
  return false;
}

std::string describe_for_log(const std::map<std::string, std::string>& values) {
  std::string out;
  for (auto& [k, v] : values) {
    if (!out.empty())
      out += ' ';
    out += k;
    out += '=';
    out += is_secret_option(k) ? std::string{"*****"} : v;
  }
  return out;
}

} // namespace fastkafka
