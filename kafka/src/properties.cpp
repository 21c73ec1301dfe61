#include "fastkafka/kafka/config.hpp"

namespace fastkafka::kafka {

namespace {

// Appends the librdkafka properties of one option with its effective value.
void emit(const option_info& info, const std::string& value, client_role role,
          std::vector<std::pair<std::string, std::string>>& out) {
  auto key = std::string{info.rdkafka_key};
  if (info.name == "api_version") {
    // librdkafka probes by default; a fixed version means "do not probe,
    // assume this broker", which is what aiokafka does with one.
    if (value != "auto") {
      out.emplace_back(key, "false");
      out.emplace_back("broker.version.fallback", value);
    }
  } else if (info.name == "request_timeout_ms") {
    out.emplace_back(key, value);
    if (applies_to(role, client_role::producer))
      out.emplace_back("request.timeout.ms", value);
  } else if (info.name == "ssl_check_hostname") {
    out.emplace_back(key, value == "true" ? "https" : "none");
  } else if (info.name == "auto_offset_reset") {
    out.emplace_back(key, value == "none" ? "error" : value);
  } else if (info.kind == option_kind::choice_list) {
    std::string joined;
    for (auto item : split_option_list(value)) {
      if (!joined.empty())
        joined += ',';
      joined += item;
    }
    out.emplace_back(key, joined);
  } else {
    out.emplace_back(key, value);
  }
}

} // namespace

std::vector<std::pair<std::string, std::string>>
rdkafka_properties(const client_options& opts, client_role role) {
  std::vector<std::pair<std::string, std::string>> out;
  auto values = effective_values(opts, role);
  // SASL settings mean nothing without a SASL protocol, and librdkafka
  // warns at every start when it gets them anyway (FastKafka's default
  // sasl_mechanism=PLAIN would always be sent).
  auto protocol = values.find("security_protocol");
  bool sasl = protocol != values.end() && protocol->second.starts_with("SASL_");
  if (auto i = opts.librdkafka.find("security.protocol");
      i != opts.librdkafka.end())
    sasl = i->second.starts_with("SASL_") || i->second.starts_with("sasl_");
  for (auto& info : option_table()) {
    if (info.rdkafka_key.empty() || !applies_to(info.roles, role))
      continue;
    if (!sasl && info.name.starts_with("sasl_"))
      continue;
    if (auto i = values.find(std::string{info.name}); i != values.end())
      emit(info, i->second, role, out);
  }
  // Pass-through keys come last so that they win over mapped ones.
  for (auto& [k, v] : opts.librdkafka)
    out.emplace_back(k, v);
  return out;
}

} // namespace fastkafka::kafka
