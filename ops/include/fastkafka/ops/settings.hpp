#pragma once

// The settings of a running app beside its code: brokers, client options
// (app-wide and per registration), stop bound, metrics and stats
// listeners, logging, delivery, workers. Four layers set them: the code,
// the `--config` file, `FASTKAFKA_*` environment variables and the command
// line (`--set` and flags). `resolve_settings` is the one place that
// decides: command line > environment > file > code, per value; a value
// for a registration beats an app-wide one whatever their layers (the
// runtime merges the app-wide options under each registration's).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fastkafka/options.hpp"

namespace fastkafka::ops {

/// How log lines are written.
enum class log_encoding : uint8_t {
  /// One human-readable line per event.
  text,
  /// One JSON object per line.
  json,
};

/// Which delivery guarantee the runtime gives.
enum class delivery_guarantee : uint8_t {
  /// Offsets committed after handlers and their sends finished.
  at_least_once,
  /// Consume-transform-produce in Kafka transactions.
  exactly_once,
};

/// The settings beside client options, unset until a layer sets them.
struct service_settings {
  /// Which declared broker set to use (`--kafka-broker`).
  std::optional<std::string> kafka_broker;
  /// `host:port,...` replacing every address (`--bootstrap-servers`).
  std::optional<std::string> bootstrap_servers;
  /// Longest a stop may take (drain, commit, flush), in ms.
  std::optional<int64_t> stop_timeout_ms;
  /// Address of the metrics and health server.
  std::optional<std::string> metrics_bind;
  /// Port of the metrics and health server (0: any free one); the server
  /// runs only when some layer sets it.
  std::optional<int64_t> metrics_port;
  /// Address of the runtime's stats endpoint (the live view).
  std::optional<std::string> stats_bind;
  /// Port of the stats endpoint; off unless set.
  std::optional<int64_t> stats_port;
  /// `trace`, `debug`, `info`, `warn`, `error`, `critical` or `off`.
  std::optional<std::string> log_level;
  std::optional<log_encoding> log_format;
  std::optional<delivery_guarantee> delivery;
  /// Worker processes under `run --workers N`.
  std::optional<int64_t> workers;
  /// Readiness: a consumer whose lag grows while it handles nothing for
  /// this long (ms) is stalled.
  std::optional<int64_t> stall_timeout_ms;
};

/// One row of the table of service settings.
struct service_setting_info {
  /// The key in the file, dotted for nested ones: `metrics.port`.
  std::string_view key;
  /// The environment variable: `FASTKAFKA_METRICS_PORT`.
  std::string_view env;
  /// What it means, for errors and docs.
  std::string_view help;
};

/// Every service setting.
std::span<const service_setting_info> service_setting_table() noexcept;

/// Sets service setting `key` (a table key) from text; returns false and
/// fills `err` when the key is unknown or the value does not fit.
bool set_service_setting(service_settings& s, std::string_view key,
                         std::string_view value, std::string& err);

/// Values set by one layer, and where each came from.
struct settings_layer {
  service_settings service;
  /// App-wide client options.
  client_options options;
  /// Client options per registration name.
  std::map<std::string, client_options> registrations;
  /// Where each value this layer set came from, by key (`metrics.port`,
  /// `options.linger_ms`, `registrations.on_input.group_id`): e.g.
  /// `app.yaml:12`, `FASTKAFKA_LINGER_MS`, `--set`, `code`.
  std::map<std::string, std::string> origins;
};

/// Where a server listens.
struct listen_address {
  std::string bind;
  uint16_t port = 0;
};

/// The settings an app runs with, after every layer.
struct resolved_settings {
  /// Empty: the app's first declared broker.
  std::string kafka_broker;
  /// Empty: the chosen broker's addresses.
  std::string bootstrap_servers;
  std::chrono::milliseconds stop_timeout{30000};
  /// Set when a layer gave a metrics port; bind defaults to `0.0.0.0`.
  std::optional<listen_address> metrics;
  /// Set when a layer gave a stats port; bind defaults to `127.0.0.1`.
  std::optional<listen_address> stats;
  std::string log_level = "info";
  log_encoding log_format = log_encoding::text;
  delivery_guarantee delivery = delivery_guarantee::at_least_once;
  /// Worker processes; 0 when no layer asked for any (the app runs in this
  /// process). 1 is one supervised worker, as `--workers 1`.
  int workers = 0;
  std::chrono::milliseconds stall_timeout{60000};
  /// App-wide client options: code < file < environment < command line.
  client_options options;
  /// Per registration: code < file < command line (the environment has no
  /// per-registration variables). Holds every registration some layer set
  /// anything for.
  std::map<std::string, client_options> registrations;
  /// Where each value that some layer set came from (the winning layer).
  std::map<std::string, std::string> origins;
};

/// The default stop bound, also what the deploy files are checked against.
inline constexpr std::chrono::milliseconds default_stop_timeout{30000};

/// Overlays the layers: `command_line` > `environment` > `file` > `code`.
resolved_settings resolve_settings(const settings_layer& code,
                                   const settings_layer& file,
                                   const settings_layer& environment,
                                   const settings_layer& command_line);

} // namespace fastkafka::ops
