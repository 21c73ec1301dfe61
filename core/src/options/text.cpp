#include <algorithm>
#include <cctype>
#include <utility>

#include "fastkafka/errors.hpp"
#include "fields.hpp"

namespace fastkafka {

using namespace options_detail;
using namespace std::string_view_literals;

namespace {

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

// FastKafka options that are Python objects and have no field here, with
// what a C++ app uses instead (the comment on client_options says the same):
// a ported configuration learns where its setting went.
constexpr std::pair<std::string_view, std::string_view> python_only[] = {
    {"sasl_oauth_token_provider",
     "is a Python object; in C++ set app_config::oauth_tokens, a function "
     "every client asks for tokens (or sasl_oauth_method=oidc for "
     "librdkafka's own OIDC client)"},
    {"ssl_context", "is a Python SSLContext; use the ssl_* options "
                    "(ssl_cafile, ssl_certfile, ssl_keyfile, ...)"},
    {"partitioner", "is a Python object; keyed messages use murmur2_random "
                    "(the Java and kafka-python placement), or set "
                    "librdkafka.partitioner=NAME"},
    {"loop", "is an asyncio loop; clients run on CAF actors and librdkafka "
             "threads"},
};

} // namespace

std::string_view closest_option(std::string_view name) noexcept {
  try {
    auto wanted = lower_normalized(name);
    // A name cut short (`linger` for `linger_ms`) is the likeliest slip;
    // take the shortest option it starts, if it is a word of its own.
    std::string_view prefix_match;
    if (wanted.size() >= 3)
      for (auto& row : option_table()) {
        auto full = lower_normalized(row.name);
        if (full.size() > wanted.size() && full.starts_with(wanted) &&
            full[wanted.size()] == '_' &&
            (prefix_match.empty() || row.name.size() < prefix_match.size()))
          prefix_match = row.name;
      }
    if (!prefix_match.empty())
      return prefix_match;
    std::string_view best;
    size_t best_distance = SIZE_MAX;
    for (auto& row : option_table()) {
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
    for (auto& [python_name, why] : python_only)
      if (name == python_name) {
        err = "option " + std::string{name} + " " + std::string{why};
        return false;
      }
    err = "unknown option " + quoted(name);
    if (auto best = closest_option(name); !best.empty())
      err += "; did you mean " + std::string{best} + "?";
    else
      err += "; the options are the fields of client_options (see --help)";
    err += " (librdkafka.<property>=VALUE passes any librdkafka property)";
    return false;
  }
  if (err = check_value(*info, value); !err.empty()) {
    // The value of a secret option never reaches a message.
    if (is_secret_option(name) && !value.empty())
      for (auto at = err.find(value); at != std::string::npos;
           at = err.find(value, at + 5))
        err.replace(at, value.size(), "*****");
    return false;
  }
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

} // namespace fastkafka
