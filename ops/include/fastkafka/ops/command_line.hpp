#pragma once

// The command-line layer: `--set NAME=VALUE` (repeatable) and the flags the
// CLI has for service settings (`--kafka-broker`, `--bootstrap-servers`,
// `--metrics-port`, ...), which it passes in as a `service_settings`.
//
// NAME is a client option (`linger_ms`), `librdkafka.<property>`, a
// secret's `<option>_file`, a registration's option (`on_input.group_id`,
// `on_input.librdkafka.fetch.wait.max.ms`) or a service setting
// (`metrics.port`, `stop_timeout_ms`).

#include <span>
#include <string>

#include "fastkafka/ops/config_file.hpp"
#include "fastkafka/ops/settings.hpp"

namespace fastkafka::ops {

/// Builds the layer; throws `config_error` naming the `--set` argument
/// (without the value of a secret).
settings_layer
command_line_layer(std::span<const std::string> sets,
                   const service_settings& flags = {},
                   registration_names registrations = std::nullopt);

} // namespace fastkafka::ops
