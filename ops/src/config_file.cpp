#include "fastkafka/ops/config_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "fastkafka/errors.hpp"
#include "option_input.hpp"

namespace fastkafka::ops {

namespace {

using namespace std::string_view_literals;

constexpr std::array top_level_keys{
    "kafka_broker"sv, "bootstrap_servers"sv, "stop_timeout_ms"sv, "delivery"sv,
    "workers"sv,      "metrics"sv,           "stats"sv,           "log"sv,
    "health"sv,       "options"sv,           "registrations"sv};

constexpr std::array section_keys{"metrics"sv, "stats"sv, "log"sv, "health"sv};

/// Reads one file: carries its name for errors and the layer it fills.
struct reader {
  std::string_view source;
  registration_names registrations;
  settings_layer layer;

  std::string where(const YAML::Node& node) const {
    return std::string{source} + ":" + std::to_string(node.Mark().line + 1);
  }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& msg) const {
    throw config_error(where(at) + ": " + msg);
  }

  // Unknown `key` among `known`, as the error every layer gives.
  [[noreturn]] void unknown(const YAML::Node& at, const std::string& key,
                            std::string_view section,
                            std::span<const std::string_view> known) const {
    std::string msg = "unknown key \"" + key + "\"";
    if (!section.empty())
      msg += " in " + std::string{section};
    if (auto best = detail::closest_name(key, known); !best.empty())
      msg += "; did you mean " + std::string{best} + "?";
    fail(at, msg);
  }

  // A scalar's text, or a list of scalars joined by commas (broker lists,
  // preference lists).
  std::string text(const YAML::Node& key, const YAML::Node& value) const {
    if (value.IsScalar())
      return value.Scalar();
    if (value.IsSequence()) {
      std::string out;
      for (auto item : value) {
        if (!item.IsScalar())
          fail(item, key.Scalar() + " takes a value or a list of values");
        out += out.empty() ? "" : ",";
        out += item.Scalar();
      }
      return out;
    }
    if (value.IsNull())
      fail(key, key.Scalar() + " has no value");
    fail(value, key.Scalar() + " takes a value, not a mapping");
  }

  // Checks that `node` is a mapping with no key twice, and visits each pair.
  template <class F>
  void each(const YAML::Node& owner, const YAML::Node& node,
            std::string_view what, F visit) const {
    if (node.IsNull())
      return;
    if (!node.IsMap())
      fail(node.IsDefined() ? node : owner, std::string{what} +
                                                " must be a mapping of keys "
                                                "to values");
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      auto key = it->first.Scalar();
      if (!seen.insert(key).second)
        fail(it->first,
             "key \"" + key + "\" appears twice in " + std::string{what});
      visit(it->first, it->second);
    }
  }

  void service(const YAML::Node& key, const YAML::Node& value,
               const std::string& name) {
    std::string err;
    if (!set_service_setting(layer.service, name, text(key, value), err))
      fail(key, err);
    layer.origins[name] = where(key);
  }

  void options(const YAML::Node& owner, const YAML::Node& node,
               client_options& opts, const std::string& prefix) {
    std::set<std::string> targets;
    auto set_one = [&](const YAML::Node& key, const std::string& name,
                       const std::string& value) {
      auto target = detail::apply_option(opts, name, value, where(key));
      if (!targets.insert(target).second)
        fail(key, target + " is set twice in " + prefix +
                      " (a value and a file?); keep one");
      layer.origins[prefix + "." + target] = where(key);
    };
    each(owner, node, prefix, [&](const YAML::Node& key, const YAML::Node& v) {
      if (key.Scalar() == "librdkafka") {
        each(key, v, prefix + ".librdkafka",
             [&](const YAML::Node& k, const YAML::Node& pv) {
               set_one(k, "librdkafka." + k.Scalar(), text(k, pv));
             });
        return;
      }
      set_one(key, key.Scalar(), text(key, v));
    });
  }

  void registration(const YAML::Node& key, const YAML::Node& value) {
    auto name = key.Scalar();
    if (registrations) {
      std::vector<std::string_view> known{registrations->begin(),
                                          registrations->end()};
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        std::string list;
        for (auto k : known)
          list += (list.empty() ? "" : ", ") + std::string{k};
        std::string msg = "unknown registration \"" + name + "\"";
        if (auto best = detail::closest_name(name, known); !best.empty())
          msg += "; did you mean " + std::string{best} + "?";
        fail(key, msg + " (the app registers: " +
                      (list.empty() ? "nothing" : list) + ")");
      }
    }
    options(key, value, layer.registrations[name], "registrations." + name);
  }

  void top(const YAML::Node& key, const YAML::Node& value) {
    auto name = key.Scalar();
    if (name == "options")
      return options(key, value, layer.options, "options");
    if (name == "registrations")
      return each(key, value, "registrations",
                  [&](const YAML::Node& k, const YAML::Node& v) {
                    registration(k, v);
                  });
    if (std::find(section_keys.begin(), section_keys.end(), name) !=
        section_keys.end()) {
      std::vector<std::string_view> known;
      for (auto& row : service_setting_table())
        if (row.key.starts_with(name + "."))
          known.push_back(row.key.substr(name.size() + 1));
      return each(
          key, value, name, [&](const YAML::Node& k, const YAML::Node& v) {
            auto sub = k.Scalar();
            if (std::find(known.begin(), known.end(), sub) == known.end())
              unknown(k, sub, name, known);
            service(k, v, name + "." + sub);
          });
    }
    if (std::find(top_level_keys.begin(), top_level_keys.end(), name) !=
        top_level_keys.end())
      return service(key, value, name);
    if (find_option(name) != nullptr || name.starts_with("librdkafka"))
      fail(key, "\"" + name +
                    "\" is a client option: put it under "
                    "options: (app-wide) or registrations: NAME:");
    unknown(key, name, "", top_level_keys);
  }
};

} // namespace

settings_layer parse_config(std::string_view text, std::string_view source,
                            registration_names registrations) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string{text});
  } catch (const YAML::Exception& e) {
    throw config_error(std::string{source} + ":" +
                       std::to_string(e.mark.line + 1) +
                       ": not valid YAML: " + e.msg);
  }
  reader r{source, registrations, {}};
  if (root.IsNull())
    return {};
  if (!root.IsMap())
    r.fail(root, "the file must be a mapping of settings (key: value)");
  r.each(root, root, "the file",
         [&](const YAML::Node& k, const YAML::Node& v) { r.top(k, v); });
  return std::move(r.layer);
}

settings_layer load_config_file(const std::filesystem::path& path,
                                registration_names registrations) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw config_error("cannot read the config file " + path.string() + ": " +
                       std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_config(buf.str(), path.string(), registrations);
}

std::vector<std::string> config_file_keys() {
  std::vector<std::string> out;
  for (auto& row : service_setting_table())
    out.emplace_back(row.key);
  for (auto scope : {"options"sv, "registrations.*"sv}) {
    for (auto& row : option_table()) {
      out.push_back(std::string{scope} + "." + std::string{row.name});
      if (!detail::secret_file_target(std::string{row.name} + "_file").empty())
        out.push_back(std::string{scope} + "." + std::string{row.name} +
                      "_file");
    }
    out.push_back(std::string{scope} + ".librdkafka.*");
  }
  return out;
}

} // namespace fastkafka::ops
