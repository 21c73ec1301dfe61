#include "fastkafka/options.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <type_traits>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include "fastkafka/errors.hpp"

namespace fastkafka {

namespace {

using namespace std::string_view_literals;

constexpr std::array security_protocol_values{"PLAINTEXT"sv, "SSL"sv,
                                              "SASL_PLAINTEXT"sv, "SASL_SSL"sv};
constexpr std::array sasl_mechanism_values{"PLAIN"sv, "GSSAPI"sv,
                                           "SCRAM-SHA-256"sv, "SCRAM-SHA-512"sv,
                                           "OAUTHBEARER"sv};
constexpr std::array oauth_method_values{"default"sv, "oidc"sv};
constexpr std::array acks_values{"0"sv, "1"sv, "all"sv, "-1"sv};
constexpr std::array compression_values{"none"sv, "gzip"sv, "snappy"sv, "lz4"sv,
                                        "zstd"sv};
constexpr std::array auto_offset_reset_values{"earliest"sv, "latest"sv,
                                              "none"sv};
constexpr std::array assignment_values{"range"sv, "roundrobin"sv,
                                       "cooperative-sticky"sv};
constexpr std::array isolation_values{"read_uncommitted"sv, "read_committed"sv};

constexpr auto consumer = client_role::consumer;
constexpr auto producer = client_role::producer;
constexpr auto both = client_role::both;
constexpr int64_t int32_max = 2147483647;

// Row builders, one per kind, so that the table reads as a list.
constexpr option_info text(std::string_view name, std::string_view key,
                           client_role roles, std::string_view def = {}) {
  return {name, key, roles, option_kind::string, {}, 0, 0, def};
}

constexpr option_info number(std::string_view name, std::string_view key,
                             client_role roles, int64_t min, int64_t max,
                             std::string_view def = {}) {
  return {name, key, roles, option_kind::integer, {}, min, max, def};
}

constexpr option_info flag(std::string_view name, std::string_view key,
                           client_role roles, std::string_view def = {}) {
  return {name, key, roles, option_kind::boolean, {}, 0, 0, def};
}

constexpr option_info one_of(std::string_view name, std::string_view key,
                             client_role roles,
                             std::span<const std::string_view> choices,
                             std::string_view def = {}) {
  return {name, key, roles, option_kind::choice, choices, 0, 0, def};
}

constexpr option_info list_of(std::string_view name, std::string_view key,
                              client_role roles,
                              std::span<const std::string_view> choices,
                              std::string_view def = {}) {
  return {name, key, roles, option_kind::choice_list, choices, 0, 0, def};
}

// A FastKafka option without a librdkafka equivalent: kept so that a ported
// configuration fails with `why` instead of "unknown option".
constexpr option_info rejected(std::string_view name, client_role roles,
                               option_kind kind, std::string_view why) {
  return {name, {}, roles, kind, {}, INT64_MIN, INT64_MAX, {}, why};
}

// One row per field of `client_options`, in the same order. Ranges are
// librdkafka 2.0.2's, so that a bad value fails here, by FastKafka's name,
// rather than inside librdkafka by its own.
constexpr std::array<option_info, 51> table{{
    // -- both clients
    text("bootstrap_servers", "bootstrap.servers", both),
    text("client_id", "client.id", both),
    number("metadata_max_age_ms", "metadata.max.age.ms", both, 1, 86400000,
           "300000"),
    number("request_timeout_ms", "socket.timeout.ms", both, 10, 300000,
           "40000"),
    // librdkafka 2.0.2 knows retry.backoff.ms for producers only; consumers
    // back off fetch errors by fetch.error.backoff.ms instead.
    number("retry_backoff_ms", "retry.backoff.ms", producer, 1, 300000),
    text("api_version", "api.version.request", both, "auto"),
    number("connections_max_idle_ms", "connections.max.idle.ms", both, 0,
           int32_max, "540000"),
    one_of("security_protocol", "security.protocol", both,
           security_protocol_values),
    text("ssl_cafile", "ssl.ca.location", both),
    text("ssl_certfile", "ssl.certificate.location", both),
    text("ssl_keyfile", "ssl.key.location", both),
    text("ssl_password", "ssl.key.password", both),
    text("ssl_crlfile", "ssl.crl.location", both),
    flag("ssl_check_hostname", "ssl.endpoint.identification.algorithm", both),
    one_of("sasl_mechanism", "sasl.mechanisms", both, sasl_mechanism_values,
           "PLAIN"),
    text("sasl_plain_username", "sasl.username", both),
    text("sasl_plain_password", "sasl.password", both),
    text("sasl_kerberos_service_name", "sasl.kerberos.service.name", both),
    rejected("sasl_kerberos_domain_name", both, option_kind::string,
             "librdkafka always uses the broker's host name in the Kerberos "
             "service principal; set sasl_kerberos_service_name, or "
             "librdkafka.sasl.kerberos.principal for this client's own"),
    one_of("sasl_oauth_method", "sasl.oauthbearer.method", both,
           oauth_method_values),
    text("sasl_oauth_client_id", "sasl.oauthbearer.client.id", both),
    text("sasl_oauth_client_secret", "sasl.oauthbearer.client.secret", both),
    text("sasl_oauth_token_endpoint_url", "sasl.oauthbearer.token.endpoint.url",
         both),
    text("sasl_oauth_scope", "sasl.oauthbearer.scope", both),
    // -- producers
    one_of("acks", "acks", producer, acks_values, "1"),
    one_of("compression_type", "compression.type", producer,
           compression_values),
    number("max_batch_size", "batch.size", producer, 1, int32_max),
    number("linger_ms", "linger.ms", producer, 0, 900000, "5"),
    number("max_request_size", "message.max.bytes", producer, 1000, 1000000000,
           "1048576"),
    number("send_backoff_ms", "", producer, 0, 300000),
    flag("enable_idempotence", "enable.idempotence", producer),
    text("transactional_id", "transactional.id", producer),
    number("transaction_timeout_ms", "transaction.timeout.ms", producer, 1000,
           int32_max),
    // -- consumers
    text("group_id", "group.id", consumer),
    number("fetch_max_wait_ms", "fetch.wait.max.ms", consumer, 0, 300000),
    number("fetch_max_bytes", "fetch.max.bytes", consumer, 0, 2147483135),
    number("fetch_min_bytes", "fetch.min.bytes", consumer, 1, 100000000),
    number("max_partition_fetch_bytes", "max.partition.fetch.bytes", consumer,
           1, 1000000000),
    one_of("auto_offset_reset", "auto.offset.reset", consumer,
           auto_offset_reset_values, "earliest"),
    flag("enable_auto_commit", "", consumer, "true"),
    number("auto_commit_interval_ms", "", consumer, 1, 86400000, "5000"),
    flag("check_crcs", "check.crcs", consumer, "true"),
    list_of("partition_assignment_strategy", "partition.assignment.strategy",
            consumer, assignment_values, "roundrobin"),
    number("max_poll_interval_ms", "max.poll.interval.ms", consumer, 1,
           86400000),
    rejected("rebalance_timeout_ms", consumer, option_kind::integer,
             "librdkafka sends max.poll.interval.ms as the rebalance "
             "timeout; set max_poll_interval_ms instead"),
    number("session_timeout_ms", "session.timeout.ms", consumer, 1, 3600000,
           "10000"),
    number("heartbeat_interval_ms", "heartbeat.interval.ms", consumer, 1,
           3600000),
    number("consumer_timeout_ms", "", consumer, 1, 60000, "200"),
    number("max_poll_records", "", consumer, 1, 1000000, "100"),
    flag("exclude_internal_topics", "", consumer),
    one_of("isolation_level", "isolation.level", consumer, isolation_values,
           "read_uncommitted"),
}};

// librdkafka's own defaults where the rules of `validate_client` need them
// and the table has none (because FastKafka's are the same).
constexpr std::array<std::pair<std::string_view, int64_t>, 3> rdkafka_defaults{{
    {"fetch_max_wait_ms", 500},
    {"heartbeat_interval_ms", 3000},
    {"max_poll_interval_ms", 300000},
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

std::string_view trim(std::string_view x) {
  while (!x.empty() && x.front() == ' ')
    x.remove_prefix(1);
  while (!x.empty() && x.back() == ' ')
    x.remove_suffix(1);
  return x;
}

// Splits a comma-separated list, trimming blanks around each item.
std::vector<std::string_view> split_list(std::string_view x) {
  std::vector<std::string_view> out;
  for (;;) {
    auto comma = x.find(',');
    out.push_back(trim(x.substr(0, comma)));
    if (comma == std::string_view::npos)
      return out;
    x.remove_prefix(comma + 1);
  }
}

// `auto`, or a broker version such as `0.9.0` (two to four numbers).
bool is_api_version(std::string_view x) {
  if (x == "auto")
    return true;
  size_t numbers = 0;
  size_t start = 0;
  for (size_t i = 0; i <= x.size(); ++i) {
    if (i == x.size() || x[i] == '.') {
      if (i == start)
        return false;
      ++numbers;
      start = i + 1;
    } else if (!std::isdigit(static_cast<unsigned char>(x[i]))) {
      return false;
    }
  }
  return numbers >= 2 && numbers <= 4;
}

std::string quoted(std::string_view x) {
  return "\"" + std::string{x} + "\"";
}

// Checks a value given as text against its row; empty result means valid.
std::string check_value(const option_info& info, std::string_view value) {
  auto bad = [&](std::string_view expected) {
    return "invalid value " + quoted(value) + " for option " +
           std::string{info.name} + ": expected " + std::string{expected};
  };
  if (!info.unsupported.empty())
    return "option " + std::string{info.name} + "=" + std::string{value} +
           " is not supported: " + std::string{info.unsupported};
  switch (info.kind) {
  case option_kind::choice:
    if (std::find(info.choices.begin(), info.choices.end(), value) ==
        info.choices.end())
      return bad("one of " + join_choices(info.choices));
    return {};
  case option_kind::choice_list: {
    auto items = split_list(value);
    bool cooperative = false;
    bool eager = false;
    for (size_t i = 0; i < items.size(); ++i) {
      auto item = items[i];
      if (std::find(info.choices.begin(), info.choices.end(), item) ==
          info.choices.end())
        return bad("a comma-separated list of " + join_choices(info.choices));
      if (std::find(items.begin(), items.begin() + i, item) !=
          items.begin() + i)
        return bad("each of " + join_choices(info.choices) + " at most once");
      (item == "cooperative-sticky" ? cooperative : eager) = true;
    }
    // A group runs either the eager or the cooperative protocol; librdkafka
    // refuses a list that mixes them.
    if (cooperative && eager)
      return bad("cooperative-sticky alone, or eager strategies (range, "
                 "roundrobin) without it");
    return {};
  }
  case option_kind::integer: {
    int64_t x = 0;
    auto [ptr, ec] =
        std::from_chars(value.data(), value.data() + value.size(), x);
    if (ec != std::errc{} || ptr != value.data() + value.size())
      return bad("an integer");
    if (x < info.min || x > info.max)
      return "invalid value " + std::string{value} + " for option " +
             std::string{info.name} + ": expected " + std::to_string(info.min) +
             " to " + std::to_string(info.max);
    return {};
  }
  case option_kind::boolean:
    if (value != "true" && value != "false")
      return bad("true or false");
    return {};
  case option_kind::string:
    if (info.name == "api_version" && !is_api_version(value))
      return bad("auto or a broker version such as 0.9.0");
    return {};
  }
  return {};
}

// Pass-through keys the framework sets itself after the user's: accepting
// them would be silently ignoring them. Returns why, or empty.
std::string_view reserved_passthrough(std::string_view key) {
  if (key == "enable.auto.commit" || key == "auto.commit.enable" ||
      key == "enable.auto.offset.store" || key == "auto.commit.interval.ms")
    return "the framework commits only processed offsets itself "
           "(at-least-once); use enable_auto_commit and "
           "auto_commit_interval_ms";
  if (key == "group.id")
    return "consumers take their group from group_id (or the derived "
           "default); use group_id";
  if (key == "enable.partition.eof")
    return "the framework's poll loop needs it off";
  return {};
}

std::string check_passthrough(std::string_view key, std::string_view value) {
  if (key.empty())
    return "a librdkafka pass-through option has an empty name";
  if (auto why = reserved_passthrough(key); !why.empty())
    return "option librdkafka." + std::string{key} + "=" + std::string{value} +
           " is not accepted: " + std::string{why};
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

// Calls f(name, field) for every optional field of client_options.
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

// The explicitly set values of `opts` as text, keyed by name.
std::map<std::string, std::string, std::less<>>
set_values(const client_options& opts) {
  std::map<std::string, std::string, std::less<>> out;
  for_each_field(opts, [&](const char* name, const auto& field) {
    if (field)
      out.emplace(name, to_text(*field));
  });
  return out;
}

std::string lower_normalized(std::string_view x) {
  std::string out{x};
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == '.' || c == '-')
      c = '_';
  }
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      auto above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Whether idempotence ends up on, counting implications and pass-through.
bool idempotent(const client_options& opts) {
  auto pass = [&](const char* key) -> const std::string* {
    auto i = opts.librdkafka.find(key);
    return i == opts.librdkafka.end() ? nullptr : &i->second;
  };
  if (auto* x = pass("enable.idempotence"))
    return *x == "true";
  if (opts.enable_idempotence)
    return *opts.enable_idempotence;
  auto* tid = pass("transactional.id");
  return opts.transactional_id.has_value() || (tid != nullptr && !tid->empty());
}

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
    if (applies(role, client_role::producer))
      out.emplace_back("request.timeout.ms", value);
  } else if (info.name == "ssl_check_hostname") {
    out.emplace_back(key, value == "true" ? "https" : "none");
  } else if (info.name == "auto_offset_reset") {
    out.emplace_back(key, value == "none" ? "error" : value);
  } else if (info.kind == option_kind::choice_list) {
    std::string joined;
    for (auto item : split_list(value)) {
      if (!joined.empty())
        joined += ',';
      joined += item;
    }
    out.emplace_back(key, joined);
  } else {
    out.emplace_back(key, value);
  }
}

int64_t to_int(std::string_view x, int64_t fallback) {
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(x.data(), x.data() + x.size(), out);
  return ec == std::errc{} && ptr == x.data() + x.size() ? out : fallback;
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

std::string_view closest_option(std::string_view name) noexcept {
  try {
    auto wanted = lower_normalized(name);
    std::string_view best;
    size_t best_distance = SIZE_MAX;
    for (auto& row : table) {
      auto d = std::min(
          edit_distance(wanted, lower_normalized(row.name)),
          row.rdkafka_key.empty()
              ? SIZE_MAX
              : edit_distance(wanted, lower_normalized(row.rdkafka_key)));
      if (d < best_distance) {
        best_distance = d;
        best = row.name;
      }
    }
    // Far-off names get no suggestion rather than a misleading one.
    return best_distance <= std::max<size_t>(2, wanted.size() / 4) ? best
                                                                   : ""sv;
  } catch (...) {
    return {};
  }
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
    if (err = check_passthrough(key, value); !err.empty())
      return false;
    opts.librdkafka[std::string{key}] = std::string{value};
    return true;
  }
  auto* info = find_option(name);
  if (info == nullptr) {
    err = "unknown option " + quoted(name);
    if (auto best = closest_option(name); !best.empty())
      err += "; did you mean " + std::string{best} + "?";
    else
      err += "; the options are the fields of client_options (see --help)";
    err += " (librdkafka.<property>=VALUE passes any librdkafka property)";
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
    for (auto& [n, x] : rdkafka_defaults)
      if (n == name)
        return x;
    return 0;
  };
  auto text = [&](std::string_view name) {
    auto i = values.find(std::string{name});
    return i == values.end() ? std::string{} : i->second;
  };
  if (applies(role, client_role::consumer)) {
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
  if (applies(role, client_role::producer)) {
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
    if (text("sasl_mechanism") != "OAUTHBEARER")
      problems.push_back("option sasl_oauth_method=oidc needs "
                         "sasl_mechanism=OAUTHBEARER, not " +
                         text("sasl_mechanism"));
    for (auto name : {"sasl_oauth_client_id", "sasl_oauth_client_secret",
                      "sasl_oauth_token_endpoint_url"})
      if (text(name).empty())
        problems.push_back(std::string{"option sasl_oauth_method=oidc needs "} +
                           name);
  }
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
  auto given = set_values(opts);
  for (auto& info : table) {
    if (!applies(info.roles, role))
      continue;
    auto key = std::string{info.name};
    if (auto i = given.find(info.name); i != given.end())
      out.emplace(key, i->second);
    else if (!info.default_value.empty())
      out.emplace(key, std::string{info.default_value});
  }
  if (applies(role, client_role::producer) && idempotent(opts)) {
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

std::vector<std::pair<std::string, std::string>>
rdkafka_properties(const client_options& opts, client_role role) {
  std::vector<std::pair<std::string, std::string>> out;
  auto values = effective_values(opts, role);
  for (auto& info : table) {
    if (info.rdkafka_key.empty() || !applies(info.roles, role))
      continue;
    if (auto i = values.find(std::string{info.name}); i != values.end())
      emit(info, i->second, role, out);
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
