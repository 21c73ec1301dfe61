#include <algorithm>

#include "fields.hpp"

namespace fastkafka {

using namespace options_detail;

std::vector<std::string> validate(const client_options& opts) {
  std::vector<std::string> problems;
  for_each_field(opts, [&](const char* name, const auto& field) {
    if (!field)
      return;
    auto* info = find_option(name);
    if (info == nullptr) {
      problems.push_back(std::string{"option "} + name +
                         " has no row in the option table");
      return;
    }
    if (auto err = check_value(*info, to_text(*field)); !err.empty())
      problems.push_back(std::move(err));
  });
  // Rules between values set together; values inherited from elsewhere are
  // judged by validate_client on the merged options.
  if (opts.acks && (*opts.acks == "0" || *opts.acks == "1")) {
    if (opts.enable_idempotence.value_or(false))
      problems.push_back("option acks=" + *opts.acks +
                         " conflicts with enable_idempotence=true: "
                         "idempotence needs acks=all; leave acks unset or "
                         "set it to all");
    else if (opts.transactional_id && !opts.enable_idempotence)
      problems.push_back(
          "option acks=" + *opts.acks +
          " conflicts with transactional_id=" + *opts.transactional_id +
          ": transactions need idempotence and so acks=all; "
          "leave acks unset or set it to all");
  }
  if (opts.transactional_id && opts.enable_idempotence &&
      !*opts.enable_idempotence)
    problems.push_back("option enable_idempotence=false conflicts with "
                       "transactional_id=" +
                       *opts.transactional_id +
                       ": transactions need idempotence; leave "
                       "enable_idempotence unset or set it to true");
  for (auto& [key, value] : opts.librdkafka)
    if (auto err = check_passthrough(key, value); !err.empty())
      problems.push_back(std::move(err));
  return problems;
}

std::vector<std::string> validate_client(const client_options& opts,
                                         client_role role) {
  auto problems = validate(opts);
  auto values = effective_values(opts, role);
  // An integer after defaults and pass-through, as librdkafka will see it.
  auto int_value = [&](std::string_view name) -> int64_t {
    auto* info = find_option(name);
    if (auto i = opts.librdkafka.find(std::string{info->rdkafka_key});
        i != opts.librdkafka.end())
      return to_int(i->second, 0);
    if (auto i = values.find(std::string{name}); i != values.end())
      return to_int(i->second, 0);
    return rdkafka_default(name);
  };
  auto text = [&](std::string_view name) {
    auto i = values.find(std::string{name});
    return i == values.end() ? std::string{} : i->second;
  };
  if (applies_to(role, client_role::consumer)) {
    auto session = int_value("session_timeout_ms");
    auto heartbeat = int_value("heartbeat_interval_ms");
    if (heartbeat >= session)
      problems.push_back(
          "option heartbeat_interval_ms=" + std::to_string(heartbeat) +
          " must be below session_timeout_ms=" + std::to_string(session) +
          " (a third of it is usual)");
    auto poll_interval = int_value("max_poll_interval_ms");
    if (poll_interval < session)
      problems.push_back(
          "option max_poll_interval_ms=" + std::to_string(poll_interval) +
          " must be at least session_timeout_ms=" + std::to_string(session));
    // A fetch may legitimately take fetch_max_wait_ms; the request timeout
    // must leave room for it (librdkafka's own rule).
    auto request = int_value("request_timeout_ms");
    auto fetch_wait = int_value("fetch_max_wait_ms");
    if (request < fetch_wait + 1000)
      problems.push_back(
          "option request_timeout_ms=" + std::to_string(request) +
          " must be at least fetch_max_wait_ms=" + std::to_string(fetch_wait) +
          " + 1000");
  }
  if (applies_to(role, client_role::producer)) {
    // Here acks may come from the app and idempotence from the
    // registration, which validate() cannot see together.
    auto acks = text("acks");
    bool reported = std::any_of(problems.begin(), problems.end(), [](auto& p) {
      return p.starts_with("option acks=");
    });
    if ((acks == "0" || acks == "1") && idempotent(opts) && !reported)
      problems.push_back("option acks=" + acks +
                         " conflicts with enable_idempotence=true: "
                         "idempotence needs acks=all; leave acks unset or "
                         "set it to all");
  }
  if (text("sasl_oauth_method") == "oidc") {
    // Without a SASL protocol the mechanism has no effective value: name
    // the default that would apply.
    auto mechanism = text("sasl_mechanism");
    if (mechanism.empty())
      mechanism = std::string{find_option("sasl_mechanism")->default_value};
    if (mechanism != "OAUTHBEARER")
      problems.push_back("option sasl_oauth_method=oidc needs "
                         "sasl_mechanism=OAUTHBEARER, not " +
                         mechanism);
    for (auto name : {"sasl_oauth_client_id", "sasl_oauth_client_secret",
                      "sasl_oauth_token_endpoint_url"})
      if (text(name).empty())
        problems.push_back(std::string{"option sasl_oauth_method=oidc needs "} +
                           name);
  }
  return problems;
}

} // namespace fastkafka
