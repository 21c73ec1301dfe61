#pragma once

#include <cstdint>
#include <functional>
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
/// then to the default in the option table. The comment on each field names
/// the librdkafka property it maps to and the default. "Default: FastKafka's"
/// means the framework sends it because librdkafka's own default differs;
/// "librdkafka's" means nothing is sent because both agree. Keys in
/// `librdkafka` are passed through unchanged (librdkafka rejects unknown ones
/// by name) and win over the mapped fields.
///
/// FastKafka options without a field, and why:
/// - `loop`: asyncio only; clients run on CAF actors and librdkafka threads.
/// - `key_serializer`, `value_serializer`, `key_deserializer`,
///   `value_deserializer`, `encoder`, `decoder`: Python callables; payloads
///   go through the codecs (`fastkafka/codecs/...`, chosen per registration).
/// - `partitioner`: a Python object; producers use librdkafka's
///   `murmur2_random` (the Java/kafka-python placement of keyed messages)
///   unless `librdkafka["partitioner"]` names another one.
/// - `ssl_context`: a Python `SSLContext`; replaced by the `ssl_*` fields
///   below, named after kafka-python's `ssl_cafile`, `ssl_certfile`, ...
/// - `sasl_oauth_token_provider`: a Python object; its C++ counterpart is
///   `app_config::oauth_tokens`, a function every client asks for tokens
///   (or librdkafka's built-in OIDC client: `sasl_oauth_method = "oidc"`).
/// - `topic`, `prefix`: registration parameters, not client settings.
struct client_options {
  // -- both clients ---------------------------------------------------------

  /// `bootstrap.servers`: `host:port,...`; default: the named broker's.
  std::optional<std::string> bootstrap_servers;
  /// `client.id`: names this client in broker logs; default: librdkafka's
  /// (`rdkafka`).
  std::optional<std::string> client_id;
  /// `metadata.max.age.ms`: forced metadata refresh period; default
  /// FastKafka's 300000 (librdkafka: 900000).
  std::optional<int64_t> metadata_max_age_ms;
  /// `socket.timeout.ms`, producers also `request.timeout.ms`: client
  /// request timeout, and the produce request's broker-side timeout as
  /// aiokafka sends it; default FastKafka's 40000 (librdkafka: 60000/30000).
  /// Consumers need it at least `fetch_max_wait_ms` + 1000.
  std::optional<int64_t> request_timeout_ms;
  /// `retry.backoff.ms`: wait before retrying a failed request; default:
  /// librdkafka's (100, as FastKafka).
  std::optional<int64_t> retry_backoff_ms;
  /// `api.version.request` (+ `broker.version.fallback`): `auto` (default)
  /// asks the broker; a version such as `0.9.0` skips the probe and assumes
  /// that broker version, as aiokafka does (only brokers < 0.10 need it).
  std::optional<std::string> api_version;
  /// `connections.max.idle.ms`: close idle connections after this many ms,
  /// 0 never; default FastKafka's 540000 (librdkafka: 0).
  std::optional<int64_t> connections_max_idle_ms;
  /// `security.protocol`: `PLAINTEXT`, `SSL`, `SASL_PLAINTEXT`, `SASL_SSL`;
  /// default: librdkafka's (plaintext, as FastKafka).
  std::optional<std::string> security_protocol;
  /// `ssl.ca.location`: CA bundle (PEM file or directory) to verify brokers.
  std::optional<std::string> ssl_cafile;
  /// `ssl.certificate.location`: this client's certificate (PEM file).
  std::optional<std::string> ssl_certfile;
  /// `ssl.key.location`: this client's private key (PEM file); the path is
  /// not secret, the key's password is.
  std::optional<std::string> ssl_keyfile;
  /// `ssl.key.password`: password of `ssl_keyfile`. Secret: masked in logs.
  std::optional<std::string> ssl_password;
  /// `ssl.crl.location`: certificate revocation list (PEM file).
  std::optional<std::string> ssl_crlfile;
  /// `ssl.endpoint.identification.algorithm` (`true` = `https`, `false` =
  /// `none`): verify the broker's host name; default: librdkafka's (true).
  std::optional<bool> ssl_check_hostname;
  /// `sasl.mechanisms`: `PLAIN`, `GSSAPI`, `SCRAM-SHA-256`, `SCRAM-SHA-512`,
  /// `OAUTHBEARER`; default FastKafka's `PLAIN` (librdkafka: `GSSAPI`).
  std::optional<std::string> sasl_mechanism;
  /// `sasl.username`: user for PLAIN and SCRAM.
  std::optional<std::string> sasl_plain_username;
  /// `sasl.password`: password for PLAIN and SCRAM. Secret: masked in logs.
  std::optional<std::string> sasl_plain_password;
  /// `sasl.kerberos.service.name`: the brokers' Kerberos service; default:
  /// librdkafka's (`kafka`, as FastKafka).
  std::optional<std::string> sasl_kerberos_service_name;
  /// Not supported; rejected when set: librdkafka always builds the service
  /// principal from the broker's host name and has no property to change it.
  std::optional<std::string> sasl_kerberos_domain_name;
  /// `sasl.oauthbearer.method`: `default` (librdkafka's unsecured JWT, for
  /// tests) or `oidc` (client-credentials flow against
  /// `sasl_oauth_token_endpoint_url`); default: librdkafka's (`default`).
  /// `oidc` needs a librdkafka built with libcurl (Debian's 2.0.2 is not).
  std::optional<std::string> sasl_oauth_method;
  /// `sasl.oauthbearer.client.id`: OIDC client id.
  std::optional<std::string> sasl_oauth_client_id;
  /// `sasl.oauthbearer.client.secret`: OIDC client secret. Secret: masked.
  std::optional<std::string> sasl_oauth_client_secret;
  /// `sasl.oauthbearer.token.endpoint.url`: OIDC token endpoint.
  std::optional<std::string> sasl_oauth_token_endpoint_url;
  /// `sasl.oauthbearer.scope`: OIDC scope requested (optional).
  std::optional<std::string> sasl_oauth_scope;

  // -- producers ------------------------------------------------------------

  /// `acks`: `0`, `1`, `all` (also `-1`); default FastKafka's `1`, or `all`
  /// when idempotence is on (librdkafka: `all`).
  std::optional<std::string> acks;
  /// `compression.type`: `none`, `gzip`, `snappy`, `lz4`, `zstd`; default:
  /// librdkafka's (`none`, as FastKafka).
  std::optional<std::string> compression_type;
  /// `batch.size`: most bytes batched per partition; default librdkafka's
  /// 1000000, not FastKafka's 16384: smaller batches mean more requests,
  /// which cost 15% more CPU per message in bench/pipeline.
  std::optional<int64_t> max_batch_size;
  /// `linger.ms`: batching delay in milliseconds, >= 0; default 5, as in
  /// librdkafka, not FastKafka's 0: at 0 every message becomes a request of
  /// its own, which doubled the CPU per message in bench/pipeline.
  std::optional<int64_t> linger_ms;
  /// `message.max.bytes`: largest request, so also largest record; default
  /// FastKafka's 1048576 (librdkafka: 1000000).
  std::optional<int64_t> max_request_size;
  /// Not supported; rejected when set: librdkafka has no separate send
  /// backoff, a resend waits `retry_backoff_ms`.
  std::optional<int64_t> send_backoff_ms;
  /// `enable.idempotence`: exactly one copy per message; implies `acks=all`;
  /// default: librdkafka's (false, as FastKafka).
  std::optional<bool> enable_idempotence;
  /// `transactional.id`: checked (it implies idempotence, and acks=all)
  /// but refused when the app starts: the runtime opens no transactions
  /// yet, so delivery stays at-least-once.
  std::optional<std::string> transactional_id;
  /// `transaction.timeout.ms`: default: librdkafka's (60000, as FastKafka).
  std::optional<int64_t> transaction_timeout_ms;

  // -- consumers ------------------------------------------------------------

  /// `group.id`: the consumer group. On a registration it is used as is;
  /// app-wide (or `--set group_id=G`) each registration joins `G.<name>`, so
  /// that two handlers of one topic never split its partitions; unset, the
  /// group is `fastkafka.<title as slug>.<name>` (see `app::group_id`).
  std::optional<std::string> group_id;
  /// `fetch.wait.max.ms`: longest a broker holds a fetch for
  /// `fetch_min_bytes`; default: librdkafka's (500, as FastKafka).
  std::optional<int64_t> fetch_max_wait_ms;
  /// `fetch.max.bytes`: most bytes per fetch response; default: librdkafka's
  /// (52428800, as FastKafka). librdkafka wants it >= `message.max.bytes`.
  std::optional<int64_t> fetch_max_bytes;
  /// `fetch.min.bytes`: default: librdkafka's (1, as FastKafka).
  std::optional<int64_t> fetch_min_bytes;
  /// `max.partition.fetch.bytes`: default: librdkafka's (1048576, as
  /// FastKafka).
  std::optional<int64_t> max_partition_fetch_bytes;
  /// `auto.offset.reset`: `earliest` (default, the framework's choice over
  /// FastKafka's `latest`), `latest`, `none` (sent as `error`: no committed
  /// offset is an error).
  std::optional<std::string> auto_offset_reset;
  /// Framework (never `enable.auto.commit`, which stays false): the
  /// framework always commits only offsets whose handler finished
  /// (at-least-once is not optional). `true` (default): also commit every
  /// `auto_commit_interval_ms` while busy; `false`: commit only when a poll
  /// finds nothing, on rebalance and on stop.
  std::optional<bool> enable_auto_commit;
  /// Framework: period of the busy-time commits of `enable_auto_commit`, in
  /// ms; default 5000.
  std::optional<int64_t> auto_commit_interval_ms;
  /// `check.crcs`: verify record CRC32s; default FastKafka's true
  /// (librdkafka: false).
  std::optional<bool> check_crcs;
  /// `partition.assignment.strategy`: comma-separated, in preference order,
  /// from `range`, `roundrobin`, `cooperative-sticky` (not mixed with the
  /// others); default FastKafka's `roundrobin` (librdkafka:
  /// `range,roundrobin`).
  std::optional<std::string> partition_assignment_strategy;
  /// `max.poll.interval.ms`: default: librdkafka's (300000, as FastKafka);
  /// must be >= `session_timeout_ms`. Also librdkafka's rebalance timeout.
  std::optional<int64_t> max_poll_interval_ms;
  /// Not supported; rejected when set: librdkafka sends
  /// `max.poll.interval.ms` as the rebalance timeout.
  std::optional<int64_t> rebalance_timeout_ms;
  /// `session.timeout.ms`: default FastKafka's 10000 (librdkafka: 45000).
  std::optional<int64_t> session_timeout_ms;
  /// `heartbeat.interval.ms`: must be below `session_timeout_ms`; default:
  /// librdkafka's (3000, as FastKafka).
  std::optional<int64_t> heartbeat_interval_ms;
  /// Framework: longest an idle consumer waits for a message per poll, in
  /// ms; default 200.
  std::optional<int64_t> consumer_timeout_ms;
  /// Framework: most records one poll hands out; default 100 (the
  /// framework's choice over FastKafka's "no limit").
  std::optional<int64_t> max_poll_records;
  /// Framework: only `true` (FastKafka's default) is accepted: consumers
  /// subscribe to one topic by its exact name, so internal topics are never
  /// read; `false` cannot be honoured and is rejected.
  std::optional<bool> exclude_internal_topics;
  /// `isolation.level`: `read_uncommitted` or `read_committed`; default
  /// FastKafka's `read_uncommitted` (librdkafka: `read_committed`).
  std::optional<std::string> isolation_level;
  /// Framework: `at_least_once` (the default) or `exactly_once`: each
  /// poll's outputs, dead letters and consumed offsets commit together in
  /// one transaction (see `delivery_mode`). Not in the description below
  /// (Boost.Describe takes at most 52 members): `merge` and the option
  /// code name it by hand.
  std::optional<std::string> delivery;

  /// Any other librdkafka property, passed through as is.
  std::map<std::string, std::string> librdkafka;
};

BOOST_DESCRIBE_STRUCT(
    client_options, (),
    (bootstrap_servers, client_id, metadata_max_age_ms, request_timeout_ms,
     retry_backoff_ms, api_version, connections_max_idle_ms, security_protocol,
     ssl_cafile, ssl_certfile, ssl_keyfile, ssl_password, ssl_crlfile,
     ssl_check_hostname, sasl_mechanism, sasl_plain_username,
     sasl_plain_password, sasl_kerberos_service_name, sasl_kerberos_domain_name,
     sasl_oauth_method, sasl_oauth_client_id, sasl_oauth_client_secret,
     sasl_oauth_token_endpoint_url, sasl_oauth_scope, acks, compression_type,
     max_batch_size, linger_ms, max_request_size, send_backoff_ms,
     enable_idempotence, transactional_id, transaction_timeout_ms, group_id,
     fetch_max_wait_ms, fetch_max_bytes, fetch_min_bytes,
     max_partition_fetch_bytes, auto_offset_reset, enable_auto_commit,
     auto_commit_interval_ms, check_crcs, partition_assignment_strategy,
     max_poll_interval_ms, rebalance_timeout_ms, session_timeout_ms,
     heartbeat_interval_ms, consumer_timeout_ms, max_poll_records,
     exclude_internal_topics, isolation_level, librdkafka))

/// A SASL/OAUTHBEARER token, as a token provider hands it out.
struct oauth_token {
  /// The token itself (usually a JWT).
  std::string value;
  /// When it expires, in milliseconds since the epoch.
  int64_t expires_at_ms = 0;
  /// The principal the token stands for.
  std::string principal;
  /// SASL extensions sent with the token.
  std::map<std::string, std::string> extensions;
};

/// Returns a fresh token whenever librdkafka needs one (at start and before
/// the current one expires); throws to report that none can be had. The
/// C++ counterpart of FastKafka's `sasl_oauth_token_provider`; used when
/// `sasl_mechanism` is `OAUTHBEARER`.
using oauth_token_provider = std::function<oauth_token()>;

/// Which kind of client an option applies to.
enum class client_role : uint8_t { consumer = 1, producer = 2, both = 3 };

/// The value type of an option, used to parse `--set name=value`.
enum class option_kind : uint8_t {
  /// Any text.
  string,
  /// A decimal integer within `[min, max]`.
  integer,
  /// `true` or `false`.
  boolean,
  /// One of `choices`.
  choice,
  /// A comma-separated list of distinct `choices`, in preference order.
  choice_list,
};

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
  /// Allowed values for `option_kind::choice` and `choice_list`.
  std::span<const std::string_view> choices;
  /// Smallest accepted value for `option_kind::integer`.
  int64_t min = 0;
  /// Largest accepted value for `option_kind::integer`.
  int64_t max = INT64_MAX;
  /// The default applied when nothing sets the option; empty when
  /// librdkafka's own default already is FastKafka's.
  std::string_view default_value;
  /// Non-empty for options kept only to reject them with this reason.
  std::string_view unsupported;
};

/// Whether an option of `option_roles` applies to a client of `role`.
bool applies_to(client_role option_roles, client_role role) noexcept;

/// The items of a comma-separated option value, blanks around each trimmed.
std::vector<std::string_view> split_option_list(std::string_view value);

/// All options the framework knows, in declaration order.
std::span<const option_info> option_table() noexcept;

/// Looks up an option by its FastKafka name; null if unknown.
const option_info* find_option(std::string_view name) noexcept;

/// The known option closest to a misspelled `name` (edit distance, also
/// matching librdkafka keys such as `batch.size`); empty if none is close.
std::string_view closest_option(std::string_view name) noexcept;

/// Sets option `name` from text as given on a command line.
/// Returns false and fills `err` (naming option and value) on failure.
bool set_option(client_options& opts, std::string_view name,
                std::string_view value, std::string& err);

/// Throwing form of `set_option`; throws `config_error`.
void set_option(client_options& opts, std::string_view name,
                std::string_view value);

/// Checks every set value against the table, and the rules between values
/// set in the same struct (e.g. `acks=1` with `enable_idempotence=true`);
/// returns one message per problem (empty when all is well). Safe for a
/// partial struct such as the app-wide options: unset values are not
/// judged.
std::vector<std::string> validate(const client_options& opts);

/// `validate` plus the rules that also involve defaults (heartbeat below
/// session timeout, ...), for the merged options of one client of `role`.
std::vector<std::string> validate_client(const client_options& opts,
                                         client_role role);

/// Field-wise overlay: values set in `top` win over those in `base`;
/// pass-through maps are merged the same way.
client_options merge(const client_options& base, const client_options& top);

/// Options after defaults, merging and implications (`acks` becomes `all`
/// under idempotence), as text, keyed by FastKafka name. Pass-through keys
/// appear under `librdkafka.<key>`.
std::map<std::string, std::string> effective_values(const client_options& opts,
                                                    client_role role);

/// Whether an option's value must be masked in logs and documents: any name
/// containing `pass`, `secret`, `credential`, `jaas` or `private`, and names
/// about tokens or key material (`token`, `oauthbearer`, `ssl.key`,
/// `keystore`) unless they name a path or address (`...location`,
/// `...file`, `...url`).
bool is_secret_option(std::string_view name) noexcept;

/// Renders `key=value` pairs for a log line, with secrets masked.
std::string describe_for_log(const std::map<std::string, std::string>& values);

} // namespace fastkafka
