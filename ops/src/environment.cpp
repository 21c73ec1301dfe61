#include "fastkafka/ops/environment.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "fastkafka/errors.hpp"
#include "fastkafka/worker_environment.hpp"
#include "option_input.hpp"

extern char** environ;

namespace fastkafka::ops {

namespace {

constexpr std::string_view prefix = "FASTKAFKA_";
constexpr std::string_view passthrough = "LIBRDKAFKA_";

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Every variable this layer reads, for "did you mean".
std::vector<std::string> known_variables() {
  std::vector<std::string> out;
  for (auto& row : service_setting_table())
    out.emplace_back(row.env);
  for (auto& row : option_table()) {
    out.push_back(environment_name(row.name));
    if (!detail::secret_file_target(std::string{row.name} + "_file").empty())
      out.push_back(environment_name(row.name) + "_FILE");
  }
  return out;
}

} // namespace

std::string environment_name(std::string_view option) {
  std::string out{prefix};
  for (char c : option)
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

settings_layer environment_layer(std::span<const std::string> entries,
                                 std::vector<std::string>& warnings) {
  settings_layer layer;
  std::map<std::string, std::string> seen_targets;
  auto known = known_variables();
  std::vector<std::string_view> known_views{known.begin(), known.end()};
  for (auto& entry : entries) {
    auto eq = entry.find('=');
    if (eq == std::string::npos || !entry.starts_with(prefix))
      continue;
    std::string var = entry.substr(0, eq);
    // What the parent of --workers tells its workers is not a setting.
    if (std::find(worker_environment.begin(), worker_environment.end(), var) !=
        worker_environment.end())
      continue;
    std::string_view value = std::string_view{entry}.substr(eq + 1);
    std::string where = "environment variable " + var;
    bool service = false;
    for (auto& row : service_setting_table())
      if (row.env == var) {
        std::string err;
        if (!set_service_setting(layer.service, row.key, value, err))
          throw config_error(where + ": " + err);
        layer.origins[std::string{row.key}] = var;
        service = true;
      }
    if (service)
      continue;
    auto rest = std::string_view{var}.substr(prefix.size());
    std::string name;
    if (rest.starts_with(passthrough)) {
      auto key = lower(rest.substr(passthrough.size()));
      std::replace(key.begin(), key.end(), '_', '.');
      // `..._FILE` of a secret pass-through key: the suffix is not a dot.
      if (key.ends_with(".file") &&
          is_secret_option(std::string_view{key}.substr(0, key.size() - 5)))
        key.replace(key.size() - 5, 5, "_file");
      name = "librdkafka." + key;
    } else {
      name = lower(rest);
      if (find_option(name) == nullptr &&
          detail::secret_file_target(name).empty()) {
        if (auto best = detail::closest_name(var, known_views); !best.empty())
          warnings.push_back(var +
                             " is not a fastkafka setting and is "
                             "ignored; did you mean " +
                             std::string{best} + "?");
        continue;
      }
    }
    auto target = detail::apply_option(layer.options, name, value, where);
    if (auto [it, fresh] = seen_targets.emplace(target, var); !fresh)
      throw config_error(where + ": " + target + " is also set by " +
                         it->second + "; keep one");
    layer.origins["options." + target] = var;
  }
  return layer;
}

settings_layer environment_layer(std::vector<std::string>& warnings) {
  std::vector<std::string> entries;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (std::string_view{*e}.starts_with(prefix))
      entries.emplace_back(*e);
  return environment_layer(entries, warnings);
}

} // namespace fastkafka::ops
