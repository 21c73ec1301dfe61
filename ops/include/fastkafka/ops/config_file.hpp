#pragma once

// The `--config FILE` layer: a YAML file of service settings and client
// options.
//
//   kafka_broker: production          # a declared broker set
//   bootstrap_servers: kafka:9092     # or: a list of host:port
//   stop_timeout_ms: 30000
//   delivery: at_least_once           # or exactly_once
//   workers: 1
//   metrics: {bind: 0.0.0.0, port: 9464}
//   stats: {bind: 127.0.0.1, port: 9465}
//   log: {level: info, format: json}
//   health: {stall_timeout_ms: 60000}
//   options:                          # app-wide client options by name
//     linger_ms: 10
//     sasl_plain_password_file: /run/secrets/kafka-password
//     librdkafka: {statistics.interval.ms: 10000}
//   registrations:                    # per registration, by name
//     on_input: {max_poll_records: 50}
//
// Every unknown key is an error naming the file, the line and the key, with
// a "did you mean" when a known key is close. `<secret>_file: PATH` reads a
// secret option from a file at load time; the secret is never in an error.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fastkafka/ops/settings.hpp"

namespace fastkafka::ops {

/// Which registrations a file may name; `std::nullopt` accepts any name.
using registration_names = std::optional<std::span<const std::string>>;

/// Reads `text` as a config file called `source` (for errors); throws
/// `config_error` (`source:LINE: ...`) for a syntax error, an unknown key,
/// a bad value or an unreadable secret file.
settings_layer parse_config(std::string_view text, std::string_view source,
                            registration_names registrations = std::nullopt);

/// Reads the file at `path`; throws `config_error` as `parse_config`, and
/// when the file cannot be read.
settings_layer
load_config_file(const std::filesystem::path& path,
                 registration_names registrations = std::nullopt);

/// Every key a config file may hold, dotted (`metrics.port`,
/// `options.linger_ms`, `options.librdkafka.*`, `registrations.*.*`), for
/// docs and for checking deploy files.
std::vector<std::string> config_file_keys();

} // namespace fastkafka::ops
