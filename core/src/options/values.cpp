#include "fastkafka/settings.hpp"
#include "fields.hpp"

namespace fastkafka {

using namespace options_detail;

client_options merge(const client_options& base, const client_options& top) {
  auto result = base;
  using members =
      boost::describe::describe_members<client_options,
                                        boost::describe::mod_public>;
  boost::mp11::mp_for_each<members>([&](auto member) {
    auto& dst = result.*member.pointer;
    const auto& src = top.*member.pointer;
    using field_type = std::remove_cvref_t<decltype(dst)>;
    if constexpr (std::is_same_v<field_type,
                                 std::map<std::string, std::string>>) {
      for (auto& [k, v] : src)
        dst[k] = v;
    } else if (src) {
      dst = src;
    }
  });
  if (top.delivery)
    result.delivery = top.delivery;
  return result;
}

std::map<std::string, std::string> effective_values(const client_options& opts,
                                                    client_role role) {
  std::map<std::string, std::string> out;
  auto given = set_values(opts);
  // Without a SASL protocol the SASL defaults (FastKafka's
  // sasl_mechanism=PLAIN) do not apply: they are neither sent nor shown in
  // the clients' start lines. What a user set stays, for the rules.
  bool sasl = false;
  if (auto i = given.find("security_protocol"); i != given.end())
    sasl = i->second.starts_with("SASL_");
  if (auto i = opts.librdkafka.find("security.protocol");
      i != opts.librdkafka.end())
    sasl = i->second.starts_with("SASL_") || i->second.starts_with("sasl_");
  for (auto& info : option_table()) {
    if (!applies_to(info.roles, role))
      continue;
    auto key = std::string{info.name};
    if (auto i = given.find(info.name); i != given.end())
      out.emplace(key, i->second);
    else if (!info.default_value.empty() &&
             (sasl || !info.name.starts_with("sasl_")))
      out.emplace(key, std::string{info.default_value});
  }
  if (applies_to(role, client_role::producer) && idempotent(opts)) {
    // FastKafka: "If enable_idempotence is True defaults to acks=all";
    // a transactional producer is an idempotent one.
    if (!opts.acks)
      out["acks"] = "all";
    if (!opts.enable_idempotence)
      out["enable_idempotence"] = "true";
  }
  for (auto& [k, v] : opts.librdkafka)
    out.emplace("librdkafka." + k, v);
  return out;
}

} // namespace fastkafka

namespace fastkafka {

namespace {

// The option's value, else its default in the table.
template <class T>
T value_or_default(const std::optional<T>& value, std::string_view name) {
  if (value)
    return *value;
  auto text = find_option(name)->default_value;
  if constexpr (std::is_same_v<T, bool>)
    return text == "true";
  else
    return static_cast<T>(to_int(text, 0));
}

} // namespace

consumer_settings resolve_consumer_settings(const client_options& merged) {
  using std::chrono::milliseconds;
  consumer_settings out;
  out.max_poll_records = static_cast<size_t>(
      value_or_default(merged.max_poll_records, "max_poll_records"));
  out.poll_timeout = milliseconds{
      value_or_default(merged.consumer_timeout_ms, "consumer_timeout_ms")};
  out.commit_while_busy =
      value_or_default(merged.enable_auto_commit, "enable_auto_commit");
  out.commit_interval = milliseconds{value_or_default(
      merged.auto_commit_interval_ms, "auto_commit_interval_ms")};
  out.exactly_once = merged.delivery == "exactly_once";
  return out;
}

std::string consumer_transactional_id(const client_options& merged,
                                      const std::string& group_id,
                                      const std::string& registration,
                                      int worker_index) {
  auto id = merged.transactional_id && !merged.transactional_id->empty()
                ? *merged.transactional_id
                : group_id + "." + registration;
  if (worker_index >= 0)
    id += "." + std::to_string(worker_index);
  return id;
}

} // namespace fastkafka
