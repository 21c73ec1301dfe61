#include "fastkafka/options.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <type_traits>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include "fastkafka/errors.hpp"

namespace fastkafka {

namespace {

using namespace std::string_view_literals;

constexpr std::array auto_offset_reset_values{"earliest"sv, "latest"sv,
                                              "none"sv};
constexpr std::array acks_values{"0"sv, "1"sv, "all"sv, "-1"sv};
constexpr std::array compression_values{"none"sv, "gzip"sv, "snappy"sv, "lz4"sv,
                                        "zstd"sv};

constexpr auto consumer = client_role::consumer;
constexpr auto producer = client_role::producer;
constexpr auto both = client_role::both;

// Keep the rows in the order of the fields of `client_options`.
const std::array<option_info, 9> table{{
    {"bootstrap_servers",
     "bootstrap.servers",
     both,
     option_kind::string,
     {},
     0,
     0,
     ""},
    {"client_id", "client.id", both, option_kind::string, {}, 0, 0, ""},
    {"group_id", "group.id", consumer, option_kind::string, {}, 0, 0, ""},
    {"auto_offset_reset", "auto.offset.reset", consumer, option_kind::choice,
     auto_offset_reset_values, 0, 0, "earliest"},
    {"acks", "acks", producer, option_kind::choice, acks_values, 0, 0, "1"},
    {"linger_ms",
     "linger.ms",
     producer,
     option_kind::integer,
     {},
     0,
     900000,
     "0"},
    {"compression_type", "compression.type", producer, option_kind::choice,
     compression_values, 0, 0, "none"},
    {"max_poll_records",
     "",
     consumer,
     option_kind::integer,
     {},
     1,
     1000000,
     "100"},
    {"auto_commit_interval_ms",
     "",
     consumer,
     option_kind::integer,
     {},
     1,
     86400000,
     "5000"},
}};

bool applies(client_role option_roles, client_role role) {
  return (static_cast<int>(option_roles) & static_cast<int>(role)) != 0;
}

std::string join_choices(std::span<const std::string_view> choices) {
  std::string out;
  for (auto c : choices) {
    if (!out.empty())
      out += ", ";
    out += c;
  }
  return out;
}

// Checks a value given as text against its row; empty result means valid.
std::string check_value(const option_info& info, std::string_view value) {
  switch (info.kind) {
  case option_kind::choice:
    if (std::find(info.choices.begin(), info.choices.end(), value) ==
        info.choices.end())
      return "invalid value \"" + std::string{value} + "\" for option " +
             std::string{info.name} + ": expected one of " +
             join_choices(info.choices);
    return {};
  case option_kind::integer: {
    int64_t x = 0;
    auto [ptr, ec] =
        std::from_chars(value.data(), value.data() + value.size(), x);
    if (ec != std::errc{} || ptr != value.data() + value.size())
      return "invalid value \"" + std::string{value} + "\" for option " +
             std::string{info.name} + ": expected an integer";
    if (x < info.min || x > info.max)
      return "invalid value " + std::string{value} + " for option " +
             std::string{info.name} + ": expected " + std::to_string(info.min) +
             " to " + std::to_string(info.max);
    return {};
  }
  case option_kind::boolean:
    if (value != "true" && value != "false")
      return "invalid value \"" + std::string{value} + "\" for option " +
             std::string{info.name} + ": expected true or false";
    return {};
  case option_kind::string:
    return {};
  }
  return {};
}

template <class T>
std::string to_text(const T& value) {
  if constexpr (std::is_same_v<T, std::string>)
    return value;
  else if constexpr (std::is_same_v<T, bool>)
    return value ? "true" : "false";
  else
    return std::to_string(value);
}

// Calls f(info, field) for every optional field of client_options.
template <class Options, class F>
void for_each_field(Options& opts, F&& f) {
  using members =
      boost::describe::describe_members<client_options,
                                        boost::describe::mod_public>;
  boost::mp11::mp_for_each<members>([&](auto member) {
    auto& field = opts.*member.pointer;
    using field_type = std::remove_cvref_t<decltype(field)>;
    if constexpr (!std::is_same_v<field_type,
                                  std::map<std::string, std::string>>)
      f(member.name, field);
  });
}

} // namespace

std::span<const option_info> option_table() noexcept {
  return table;
}

const option_info* find_option(std::string_view name) noexcept {
  for (auto& row : table)
    if (row.name == name)
      return &row;
  return nullptr;
}

bool set_option(client_options& opts, std::string_view name,
                std::string_view value, std::string& err) {
  if (name.starts_with("librdkafka.")) {
    auto key = name.substr(11);
    if (key.empty()) {
      err = "option librdkafka. needs a librdkafka property name after the "
            "dot, e.g. librdkafka.fetch.wait.max.ms=100";
      return false;
    }
    opts.librdkafka[std::string{key}] = std::string{value};
    return true;
  }
  auto* info = find_option(name);
  if (info == nullptr) {
    std::string known;
    for (auto& row : table) {
      if (!known.empty())
        known += ", ";
      known += row.name;
    }
    err = "unknown option \"" + std::string{name} +
          "\"; known options: " + known +
          " (or librdkafka.<property> for any librdkafka property)";
    return false;
  }
  if (err = check_value(*info, value); !err.empty())
    return false;
  bool found = false;
  for_each_field(opts, [&](const char* field_name, auto& field) {
    if (found || name != field_name)
      return;
    found = true;
    using value_type =
        typename std::remove_cvref_t<decltype(field)>::value_type;
    if constexpr (std::is_same_v<value_type, std::string>) {
      field = std::string{value};
    } else if constexpr (std::is_same_v<value_type, bool>) {
      field = value == "true";
    } else {
      value_type x{};
      std::from_chars(value.data(), value.data() + value.size(), x);
      field = x;
    }
  });
  return found;
}

void set_option(client_options& opts, std::string_view name,
                std::string_view value) {
  std::string err;
  if (!set_option(opts, name, value, err))
    throw config_error(err);
}

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
  for (auto& [key, value] : opts.librdkafka)
    if (key.empty())
      problems.emplace_back("a librdkafka pass-through option has an empty "
                            "name");
  return problems;
}

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
  return result;
}

std::map<std::string, std::string> effective_values(const client_options& opts,
                                                    client_role role) {
  std::map<std::string, std::string> out;
  for_each_field(opts, [&](const char* name, const auto& field) {
    auto* info = find_option(name);
    if (info == nullptr || !applies(info->roles, role))
      return;
    if (field)
      out.emplace(name, to_text(*field));
    else if (!info->default_value.empty())
      out.emplace(name, std::string{info->default_value});
  });
  for (auto& [k, v] : opts.librdkafka)
    out.emplace("librdkafka." + k, v);
  return out;
}

std::vector<std::pair<std::string, std::string>>
rdkafka_properties(const client_options& opts, client_role role) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [name, value] : effective_values(opts, role)) {
    if (name.starts_with("librdkafka."))
      continue;
    auto* info = find_option(name);
    if (info != nullptr && !info->rdkafka_key.empty())
      out.emplace_back(std::string{info->rdkafka_key}, value);
  }
  // Pass-through keys come last so that they win over mapped ones.
  for (auto& [k, v] : opts.librdkafka)
    out.emplace_back(k, v);
  return out;
}

bool is_secret_option(std::string_view name) noexcept {
  std::string lower{name};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (auto needle :
       {"pass", "secret", "token", "credential", "oauthbearer", "jaas"})
    if (lower.find(needle) != std::string::npos)
      return true;
  // Key material (ssl.key.pem, ssl_keystore_location, ...) but not settings
  // about message keys such as key_serializer.
  for (auto needle : {"ssl.key", "ssl_key", "keystore", "private"})
    if (lower.find(needle) != std::string::npos)
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
