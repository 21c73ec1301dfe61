#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include <spdlog/spdlog.h>

namespace fastkafka {

/// The framework's logger: one line per event on stderr.
spdlog::logger& log();

/// Replaces the framework's logger, e.g. to capture lines in tests.
void set_logger(std::shared_ptr<spdlog::logger> logger);

/// How log lines are written.
enum class log_format {
  /// `2026-12-01 10:00:00.000 info  [fastkafka] text`, for people.
  text,
  /// One JSON object per line with the same fields (`time`, `level`,
  /// `logger`, `message`), for log collectors.
  json,
};

/// Sets the level of the framework's logger (librdkafka's debug output
/// shows at `debug`).
void set_log_level(spdlog::level::level_enum level);

/// Sets the line format of the framework's logger.
void set_log_format(log_format format);

/// While alive, log lines of this thread carry `traceparent` (a W3C trace
/// context) in the JSON format: the framework opens one around each handler
/// call whose input has that header. Scopes nest.
class trace_log_scope {
public:
  explicit trace_log_scope(std::string_view traceparent) noexcept;
  trace_log_scope(const trace_log_scope&) = delete;
  trace_log_scope& operator=(const trace_log_scope&) = delete;
  ~trace_log_scope() noexcept;

  /// The trace of this thread's innermost scope; empty when none.
  static std::string_view current() noexcept;

private:
  std::string_view previous_;
};

/// Parses a level name (`trace`, `debug`, `info`, `warn`, `error`,
/// `critical`, `off`); empty when unknown.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);

/// Parses a format name (`text`, `json`); empty when unknown.
std::optional<log_format> parse_log_format(std::string_view name);

} // namespace fastkafka
