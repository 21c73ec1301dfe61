#include "fastkafka/ops/command_line.hpp"

#include <algorithm>

#include "fastkafka/errors.hpp"
#include "option_input.hpp"
#include "service_fields.hpp"

namespace fastkafka::ops {

namespace {

// Keeps the origins of the flags that were given.
void flag_origins(const service_settings& f, settings_layer& layer) {
  detail::for_each_service_field(
      f, f, [&](const char* key, const auto& field, const auto&) {
        if (field)
          layer.origins[key] = "command line";
      });
}

bool is_registration(std::string_view name, registration_names known) {
  if (!known)
    return false;
  return std::find(known->begin(), known->end(), name) != known->end();
}

} // namespace

settings_layer command_line_layer(std::span<const std::string> sets,
                                  const service_settings& flags,
                                  registration_names registrations) {
  settings_layer layer;
  layer.service = flags;
  flag_origins(flags, layer);
  for (auto& arg : sets) {
    auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0)
      throw config_error("--set expects NAME=VALUE, got \"" +
                         arg.substr(0, eq) +
                         (eq == std::string::npos ? "\"" : "=...\""));
    auto name = arg.substr(0, eq);
    auto value = std::string_view{arg}.substr(eq + 1);
    auto where = "--set " + name;
    bool service = false;
    for (auto& row : service_setting_table())
      if (row.key == name) {
        std::string err;
        if (!set_service_setting(layer.service, name, value, err))
          throw config_error(where + ": " + err);
        layer.origins[name] = "--set";
        service = true;
      }
    if (service)
      continue;
    // `REG.option`: only when REG is a registration, so that
    // `librdkafka.fetch.wait.max.ms` stays app-wide.
    auto dot = name.find('.');
    if (dot != std::string::npos &&
        is_registration(std::string_view{name}.substr(0, dot), registrations)) {
      auto reg = name.substr(0, dot);
      auto target = detail::apply_option(layer.registrations[reg],
                                         name.substr(dot + 1), value, where);
      layer.origins["registrations." + reg + "." + target] = "--set";
      continue;
    }
    auto target = detail::apply_option(layer.options, name, value, where);
    layer.origins["options." + target] = "--set";
  }
  return layer;
}

} // namespace fastkafka::ops
