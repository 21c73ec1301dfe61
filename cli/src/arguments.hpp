#pragma once

// Command-line plumbing shared by every subcommand: log options, errors
// that say what is wrong, and masking of secrets in what is echoed back.

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace fastkafka::cli {

/// `--log-level` and `--log-format` as given.
struct log_args {
  std::string level;
  std::string format;
};

/// Adds `--log-level` and `--log-format` (global; environment variables
/// FASTKAFKA_LOG_LEVEL and FASTKAFKA_LOG_FORMAT when absent).
void add_log_options(CLI::App& cli, log_args& args);

/// Applies them to the framework's logger; false (after saying why on
/// stderr) for an unknown level or format.
bool apply_log_options(const log_args& args);

/// When the first words of `argv` name a subcommand that does not exist
/// (`pipeline testing`, `pipeline docs bogus`), a message saying so and
/// listing those that do.
std::optional<std::string> unknown_subcommand(CLI::App& cli, int argc,
                                              char** argv);

/// Prints a parse error (or the help CLI11 asked for) with the values of
/// secret options masked; returns the exit code (0 for help, 2 otherwise).
int report_parse_error(CLI::App& cli, const CLI::ParseError& e, int argc,
                       char** argv);

/// `kv` with its value masked when `kv` is `NAME=VALUE` of a secret option.
std::string masked(const std::string& kv);

} // namespace fastkafka::cli
