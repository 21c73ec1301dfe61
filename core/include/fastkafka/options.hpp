#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/describe/class.hpp>

namespace fastkafka {

/// Kafka client settings under FastKafka's names (see the seed reference).
///
/// Every field is optional: an unset field falls back to the app-wide value,
/// then to the default in the option table. The comment after each field
/// names the librdkafka property it maps to. Keys in `librdkafka` are passed
/// through unchanged (librdkafka rejects unknown ones by name).
struct client_options {
  /// `bootstrap.servers`: `host:port,...`; normally from the named broker.
  std::optional<std::string> bootstrap_servers;
  /// `client.id`: names this client in broker logs.
  std::optional<std::string> client_id;
  /// `group.id` (consumers): the consumer group; default derived from the
  /// app title and the registration name, see `default_group_id`.
  std::optional<std::string> group_id;
  /// `auto.offset.reset` (consumers): `earliest` (default), `latest`, `none`.
  std::optional<std::string> auto_offset_reset;
  /// `acks` (producers): `0`, `1` (default), `all` (also `-1`).
  std::optional<std::string> acks;
  /// `linger.ms` (producers): batching delay in milliseconds, >= 0.
  std::optional<int64_t> linger_ms;
  /// `compression.type` (producers): `none`, `gzip`, `snappy`, `lz4`, `zstd`.
  std::optional<std::string> compression_type;
  /// Framework (consumers): most records one poll hands out, default 100.
  std::optional<int64_t> max_poll_records;
  /// Framework (consumers): how often processed offsets are committed while
  /// busy, in ms (default 5000); an idle consumer commits at once.
  std::optional<int64_t> auto_commit_interval_ms;
  /// Any other librdkafka property, passed through as is.
  std::map<std::string, std::string> librdkafka;
};

BOOST_DESCRIBE_STRUCT(client_options, (),
                      (bootstrap_servers, client_id, group_id,
                       auto_offset_reset, acks, linger_ms, compression_type,
                       max_poll_records, auto_commit_interval_ms, librdkafka))

/// Which kind of client an option applies to.
enum class client_role : uint8_t { consumer = 1, producer = 2, both = 3 };

/// The value type of an option, used to parse `--set name=value`.
enum class option_kind : uint8_t { string, integer, boolean, choice };

/// One row of the option table: a FastKafka name and how it reaches Kafka.
struct option_info {
  /// FastKafka's (and the seed's) name, e.g. `linger_ms`.
  std::string_view name;
  /// The librdkafka property; empty when the framework implements it itself.
  std::string_view rdkafka_key;
  /// Clients that use the option; others ignore it.
  client_role roles;
  /// How the value is parsed and checked.
  option_kind kind;
  /// Allowed values for `option_kind::choice`.
  std::span<const std::string_view> choices;
  /// Smallest accepted value for `option_kind::integer`.
  int64_t min = 0;
  /// Largest accepted value for `option_kind::integer`.
  int64_t max = INT64_MAX;
  /// The default applied when nothing sets the option; empty for none.
  std::string_view default_value;
};

/// All options the framework knows, in declaration order.
std::span<const option_info> option_table() noexcept;

/// Looks up an option by its FastKafka name; null if unknown.
const option_info* find_option(std::string_view name) noexcept;

/// Sets option `name` from text as given on a command line.
/// Returns false and fills `err` (naming option and value) on failure.
bool set_option(client_options& opts, std::string_view name,
                std::string_view value, std::string& err);

/// Throwing form of `set_option`; throws `config_error`.
void set_option(client_options& opts, std::string_view name,
                std::string_view value);

/// Checks every set value against the table; returns one message per
/// problem (empty when all is well).
std::vector<std::string> validate(const client_options& opts);

/// Field-wise overlay: values set in `top` win over those in `base`;
/// pass-through maps are merged the same way.
client_options merge(const client_options& base, const client_options& top);

/// Options after defaults and merging, as text, keyed by FastKafka name.
/// Pass-through keys appear under `librdkafka.<key>`.
std::map<std::string, std::string> effective_values(const client_options& opts,
                                                    client_role role);

/// The librdkafka properties for a client of `role`, in the order they
/// should be applied. Framework-owned keys are not included.
std::vector<std::pair<std::string, std::string>>
rdkafka_properties(const client_options& opts, client_role role);

/// Whether an option's value must be masked in logs and documents: any name
/// containing `pass`, `secret`, `token` or `key` (but not `key_` prefixes of
/// non-secret settings such as `key.serializer`).
bool is_secret_option(std::string_view name) noexcept;

/// Renders `key=value` pairs for a log line, with secrets masked.
std::string describe_for_log(const std::map<std::string, std::string>& values);

} // namespace fastkafka
