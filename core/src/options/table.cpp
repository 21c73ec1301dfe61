#include <array>

#include "fields.hpp"

namespace fastkafka {

namespace {

using namespace std::string_view_literals;

constexpr std::array security_protocol_values{"PLAINTEXT"sv, "SSL"sv,
                                              "SASL_PLAINTEXT"sv, "SASL_SSL"sv};
constexpr std::array sasl_mechanism_values{"PLAIN"sv, "GSSAPI"sv,
                                           "SCRAM-SHA-256"sv, "SCRAM-SHA-512"sv,
                                           "OAUTHBEARER"sv};
constexpr std::array oauth_method_values{"default"sv, "oidc"sv};
constexpr std::array acks_values{"0"sv, "1"sv, "all"sv, "-1"sv};
constexpr std::array compression_values{"none"sv, "gzip"sv, "snappy"sv, "lz4"sv,
                                        "zstd"sv};
constexpr std::array auto_offset_reset_values{"earliest"sv, "latest"sv,
                                              "none"sv};
constexpr std::array assignment_values{"range"sv, "roundrobin"sv,
                                       "cooperative-sticky"sv};
constexpr std::array isolation_values{"read_uncommitted"sv, "read_committed"sv};
constexpr std::array delivery_values{"at_least_once"sv, "exactly_once"sv};

constexpr auto consumer = client_role::consumer;
constexpr auto producer = client_role::producer;
constexpr auto both = client_role::both;
constexpr int64_t int32_max = 2147483647;

// Row builders, one per kind, so that the table reads as a list.
constexpr option_info text(std::string_view name, std::string_view key,
                           client_role roles, std::string_view def = {}) {
  return {name, key, roles, option_kind::string, {}, 0, 0, def};
}

constexpr option_info number(std::string_view name, std::string_view key,
                             client_role roles, int64_t min, int64_t max,
                             std::string_view def = {}) {
  return {name, key, roles, option_kind::integer, {}, min, max, def};
}

constexpr option_info flag(std::string_view name, std::string_view key,
                           client_role roles, std::string_view def = {}) {
  return {name, key, roles, option_kind::boolean, {}, 0, 0, def};
}

constexpr option_info one_of(std::string_view name, std::string_view key,
                             client_role roles,
                             std::span<const std::string_view> choices,
                             std::string_view def = {}) {
  return {name, key, roles, option_kind::choice, choices, 0, 0, def};
}

constexpr option_info list_of(std::string_view name, std::string_view key,
                              client_role roles,
                              std::span<const std::string_view> choices,
                              std::string_view def = {}) {
  return {name, key, roles, option_kind::choice_list, choices, 0, 0, def};
}

// A FastKafka option without a librdkafka equivalent: kept so that a ported
// configuration fails with `why` instead of "unknown option".
constexpr option_info rejected(std::string_view name, client_role roles,
                               option_kind kind, std::string_view why) {
  return {name, {}, roles, kind, {}, INT64_MIN, INT64_MAX, {}, why};
}

// One row per field of `client_options`, in the same order. Ranges are
// librdkafka 2.0.2's, so that a bad value fails here, by FastKafka's name,
// rather than inside librdkafka by its own.
constexpr std::array<option_info, 52> table{{
    // -- both clients
    text("bootstrap_servers", "bootstrap.servers", both),
    text("client_id", "client.id", both),
    number("metadata_max_age_ms", "metadata.max.age.ms", both, 1, 86400000,
           "300000"),
    number("request_timeout_ms", "socket.timeout.ms", both, 10, 300000,
           "40000"),
    // librdkafka 2.0.2 knows retry.backoff.ms for producers only; consumers
    // back off fetch errors by fetch.error.backoff.ms instead.
    number("retry_backoff_ms", "retry.backoff.ms", producer, 1, 300000),
    text("api_version", "api.version.request", both, "auto"),
    number("connections_max_idle_ms", "connections.max.idle.ms", both, 0,
           int32_max, "540000"),
    one_of("security_protocol", "security.protocol", both,
           security_protocol_values),
    text("ssl_cafile", "ssl.ca.location", both),
    text("ssl_certfile", "ssl.certificate.location", both),
    text("ssl_keyfile", "ssl.key.location", both),
    text("ssl_password", "ssl.key.password", both),
    text("ssl_crlfile", "ssl.crl.location", both),
    flag("ssl_check_hostname", "ssl.endpoint.identification.algorithm", both),
    one_of("sasl_mechanism", "sasl.mechanisms", both, sasl_mechanism_values,
           "PLAIN"),
    text("sasl_plain_username", "sasl.username", both),
    text("sasl_plain_password", "sasl.password", both),
    text("sasl_kerberos_service_name", "sasl.kerberos.service.name", both),
    rejected("sasl_kerberos_domain_name", both, option_kind::string,
             "librdkafka always uses the broker's host name in the Kerberos "
             "service principal; set sasl_kerberos_service_name, or "
             "librdkafka.sasl.kerberos.principal for this client's own"),
    one_of("sasl_oauth_method", "sasl.oauthbearer.method", both,
           oauth_method_values),
    text("sasl_oauth_client_id", "sasl.oauthbearer.client.id", both),
    text("sasl_oauth_client_secret", "sasl.oauthbearer.client.secret", both),
    text("sasl_oauth_token_endpoint_url", "sasl.oauthbearer.token.endpoint.url",
         both),
    text("sasl_oauth_scope", "sasl.oauthbearer.scope", both),
    // -- producers
    one_of("acks", "acks", producer, acks_values, "1"),
    one_of("compression_type", "compression.type", producer,
           compression_values),
    number("max_batch_size", "batch.size", producer, 1, int32_max),
    number("linger_ms", "linger.ms", producer, 0, 900000, "5"),
    number("max_request_size", "message.max.bytes", producer, 1000, 1000000000,
           "1048576"),
    rejected("send_backoff_ms", producer, option_kind::integer,
             "librdkafka has no separate send backoff: a resend waits "
             "retry_backoff_ms; set that instead"),
    flag("enable_idempotence", "enable.idempotence", producer),
    text("transactional_id", "transactional.id", producer),
    number("transaction_timeout_ms", "transaction.timeout.ms", producer, 1000,
           int32_max),
    // -- consumers
    text("group_id", "group.id", consumer),
    number("fetch_max_wait_ms", "fetch.wait.max.ms", consumer, 0, 300000),
    number("fetch_max_bytes", "fetch.max.bytes", consumer, 0, 2147483135),
    number("fetch_min_bytes", "fetch.min.bytes", consumer, 1, 100000000),
    number("max_partition_fetch_bytes", "max.partition.fetch.bytes", consumer,
           1, 1000000000),
    one_of("auto_offset_reset", "auto.offset.reset", consumer,
           auto_offset_reset_values, "earliest"),
    flag("enable_auto_commit", "", consumer, "true"),
    number("auto_commit_interval_ms", "", consumer, 1, 86400000, "5000"),
    flag("check_crcs", "check.crcs", consumer, "true"),
    list_of("partition_assignment_strategy", "partition.assignment.strategy",
            consumer, assignment_values, "roundrobin"),
    number("max_poll_interval_ms", "max.poll.interval.ms", consumer, 1,
           86400000),
    rejected("rebalance_timeout_ms", consumer, option_kind::integer,
             "librdkafka sends max.poll.interval.ms as the rebalance "
             "timeout; set max_poll_interval_ms instead"),
    number("session_timeout_ms", "session.timeout.ms", consumer, 1, 3600000,
           "10000"),
    number("heartbeat_interval_ms", "heartbeat.interval.ms", consumer, 1,
           3600000),
    number("consumer_timeout_ms", "", consumer, 1, 60000, "200"),
    number("max_poll_records", "", consumer, 1, 1000000, "100"),
    // Only `true` can be honoured (see check_value).
    flag("exclude_internal_topics", "", consumer),
    one_of("isolation_level", "isolation.level", consumer, isolation_values,
           "read_uncommitted"),
    one_of("delivery", "", consumer, delivery_values, "at_least_once"),
}};

// librdkafka's own defaults where the rules of `validate_client` need them
// and the table has none (because FastKafka's are the same).
constexpr std::array<std::pair<std::string_view, int64_t>, 3> rdkafka_defaults{{
    {"fetch_max_wait_ms", 500},
    {"heartbeat_interval_ms", 3000},
    {"max_poll_interval_ms", 300000},
}};

} // namespace

std::span<const option_info> option_table() noexcept {
  return table;
}

const option_info* find_option(std::string_view name) noexcept {
  for (auto& row : table)
    if (row.name == name)
      return &row;
  return nullptr;
}

namespace options_detail {

int64_t rdkafka_default(std::string_view name) noexcept {
  for (auto& [n, x] : rdkafka_defaults)
    if (n == name)
      return x;
  return 0;
}

} // namespace options_detail

} // namespace fastkafka
