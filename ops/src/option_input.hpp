#pragma once

// Setting client options from text, shared by the file, environment and
// command-line layers: one place that knows `librdkafka.<key>`, secret
// files (`<secret option>_file: PATH`), and that a secret's value never
// appears in an error.

#include <span>
#include <string>
#include <string_view>

#include "fastkafka/options.hpp"

namespace fastkafka::ops::detail {

/// The secret option a `<name>_file` key reads, or empty when `name` is
/// not such a key. `librdkafka.<key>_file` works for secret pass-through
/// keys too.
std::string secret_file_target(std::string_view name);

/// The contents of a secret file without one trailing line feed; throws
/// `config_error` naming `where`, the file and the option, never its
/// contents.
std::string read_secret_file(std::string_view path, std::string_view option,
                             std::string_view where);

/// Sets option `name` (also `librdkafka.<key>` and `<secret>_file`) to
/// `value`; throws `config_error` starting with `where`, with a "did you
/// mean" for unknown names and without the value of a secret. Returns the
/// option name that was set (the secret's, for a `_file` key).
std::string apply_option(client_options& opts, std::string_view name,
                         std::string_view value, std::string_view where);

/// The candidate closest to `name` by edit distance, or empty when none is
/// close enough to be a likely typo.
std::string_view closest_name(std::string_view name,
                              std::span<const std::string_view> candidates);

} // namespace fastkafka::ops::detail
