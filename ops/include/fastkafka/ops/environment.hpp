#pragma once

// The environment layer: `FASTKAFKA_<OPTION>` for every app-wide client
// option (`FASTKAFKA_LINGER_MS=10`), `FASTKAFKA_<OPTION>_FILE` for secret
// ones (`FASTKAFKA_SASL_PLAIN_PASSWORD_FILE=/run/secrets/kafka`),
// `FASTKAFKA_LIBRDKAFKA_<PROPERTY>` with dots written as underscores
// (`FASTKAFKA_LIBRDKAFKA_STATISTICS_INTERVAL_MS=10000`: librdkafka's
// properties have no underscores), and one variable per service setting
// (`service_setting_table`: `FASTKAFKA_METRICS_PORT`, ...).
//
// Other `FASTKAFKA_*` variables are not errors: container platforms and
// test tools put their own there (Kubernetes adds `FASTKAFKA_PORT` for a
// Service called `fastkafka`). One close to a known name is reported as a
// warning with a "did you mean".

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fastkafka/ops/settings.hpp"

namespace fastkafka::ops {

/// Reads the layer from `NAME=VALUE` entries (as in `environ`); throws
/// `config_error` naming the variable for a bad value (without the value
/// of a secret). Appends to `warnings` one line per likely typo.
settings_layer environment_layer(std::span<const std::string> entries,
                                 std::vector<std::string>& warnings);

/// Reads the layer from the process's environment.
settings_layer environment_layer(std::vector<std::string>& warnings);

/// The variable that sets client option `name`: `FASTKAFKA_LINGER_MS`.
std::string environment_name(std::string_view option);

} // namespace fastkafka::ops
