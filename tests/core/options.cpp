#define CAF_SUITE core.options

#include "fastkafka/options.hpp"

#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <set>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <librdkafka/rdkafka.h>

#include "fastkafka/errors.hpp"
#include "fastkafka/kafka/config.hpp"
#include "fastkafka/kafka/handles.hpp"
#include "fastkafka/settings.hpp"

using namespace fastkafka;
using fastkafka::kafka::rdkafka_properties;

namespace {

std::string value_of(const std::vector<std::pair<std::string, std::string>>& xs,
                     const std::string& key) {
  for (auto& [k, v] : xs)
    if (k == key)
      return v;
  return "<unset>";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool has_key(const std::vector<std::pair<std::string, std::string>>& xs,
             const std::string& key) {
  return value_of(xs, key) != "<unset>";
}

bool mentions(const std::vector<std::string>& problems,
              std::initializer_list<std::string> words) {
  return std::any_of(problems.begin(), problems.end(), [&](auto& p) {
    return std::all_of(words.begin(), words.end(),
                       [&](auto& w) { return contains(p, w); });
  });
}

// A valid value for every option, distinct per option so that a leak of one
// into a log line is visible.
std::string sample_value(const option_info& info) {
  if (info.name == "api_version")
    return "0.10.2";
  if (info.name == "bootstrap_servers")
    return "localhost:9092";
  if (info.name == "sasl_oauth_token_endpoint_url")
    return "https://idp.example/token";
  switch (info.kind) {
  case option_kind::string:
    return "v-" + std::string{info.name};
  case option_kind::integer:
    return info.default_value.empty() ? std::to_string(info.min)
                                      : std::string{info.default_value};
  case option_kind::boolean:
    return "true";
  case option_kind::choice:
    return std::string{info.choices.back()};
  case option_kind::choice_list:
    return std::string{info.choices.back()};
  }
  return {};
}

// Every supported option set to its sample, plus secret pass-throughs.
client_options fully_populated() {
  client_options opts;
  for (auto& info : option_table())
    if (info.unsupported.empty())
      set_option(opts, info.name, sample_value(info));
  opts.librdkafka["ssl.keystore.password"] = "v-keystore-password";
  opts.librdkafka["sasl.oauthbearer.config"] = "principal=v-oauth-config";
  return opts;
}

// Whether this librdkafka can do OIDC (needs libcurl at build time).
bool rdkafka_has_oidc() {
  fastkafka::kafka::conf_ptr conf{rd_kafka_conf_new()};
  char buf[1024];
  size_t size = sizeof(buf);
  rd_kafka_conf_get(conf.get(), "builtin.features", buf, &size);
  return contains(buf, "oidc");
}

// Creates a client from `props`; returns librdkafka's complaint, if any.
std::string
try_create(rd_kafka_type_t type,
           const std::vector<std::pair<std::string, std::string>>& props) {
  auto all = props;
  all.insert(all.begin(), {"log_level", "0"});
  std::string err;
  auto conf = fastkafka::kafka::make_conf(all, err);
  if (!conf)
    return err;
  auto rk = fastkafka::kafka::make_client(type, std::move(conf), err);
  return rk ? std::string{} : err;
}

} // namespace

CAF_TEST(every field of client_options has a row in the option table) {
  using members =
      boost::describe::describe_members<client_options,
                                        boost::describe::mod_public>;
  size_t fields = 0;
  boost::mp11::mp_for_each<members>([&](auto member) {
    std::string_view name = member.name;
    if (name == "librdkafka")
      return;
    ++fields;
    CAF_CHECK(find_option(name) != nullptr);
  });
  // `delivery` is beyond Boost.Describe's member limit, named by hand.
  CAF_CHECK(find_option("delivery") != nullptr);
  CAF_CHECK_EQUAL(fields + 1, option_table().size());
}

CAF_TEST(defaults follow FastKafka) {
  client_options opts;
  auto consumer = rdkafka_properties(opts, client_role::consumer);
  CAF_CHECK_EQUAL(value_of(consumer, "auto.offset.reset"), "earliest");
  auto values = effective_values(opts, client_role::consumer);
  CAF_CHECK_EQUAL(values["max_poll_records"], "100");
  auto producer = rdkafka_properties(opts, client_role::producer);
  CAF_CHECK_EQUAL(value_of(producer, "acks"), "1");
  // The one deliberate difference: librdkafka's linger of 5 ms, not 0.
  CAF_CHECK_EQUAL(value_of(producer, "linger.ms"), "5");
}

CAF_TEST(defaults are sent only where librdkafka disagrees with FastKafka) {
  client_options opts;
  auto consumer = rdkafka_properties(opts, client_role::consumer);
  auto producer = rdkafka_properties(opts, client_role::producer);
  for (auto* props : {&consumer, &producer}) {
    CAF_CHECK_EQUAL(value_of(*props, "metadata.max.age.ms"), "300000");
    CAF_CHECK_EQUAL(value_of(*props, "socket.timeout.ms"), "40000");
    CAF_CHECK_EQUAL(value_of(*props, "connections.max.idle.ms"), "540000");
    // Without a SASL protocol no SASL setting is sent (no CONFWARN).
    CAF_CHECK_EQUAL(value_of(*props, "sasl.mechanisms"), "<unset>");
    // Same default in both: nothing sent.
    for (auto key : {"security.protocol", "client.id", "api.version.request",
                     "sasl.kerberos.service.name",
                     "ssl.endpoint.identification.algorithm"})
      CAF_CHECK(!has_key(*props, key));
  }
  CAF_CHECK_EQUAL(value_of(producer, "request.timeout.ms"), "40000");
  CAF_CHECK_EQUAL(value_of(producer, "message.max.bytes"), "1048576");
  // batch.size keeps librdkafka's default on purpose (see options.hpp).
  for (auto key : {"batch.size", "compression.type", "enable.idempotence",
                   "retry.backoff.ms", "transaction.timeout.ms"})
    CAF_CHECK(!has_key(producer, key));
  CAF_CHECK_EQUAL(value_of(consumer, "check.crcs"), "true");
  CAF_CHECK_EQUAL(value_of(consumer, "partition.assignment.strategy"),
                  "roundrobin");
  CAF_CHECK_EQUAL(value_of(consumer, "session.timeout.ms"), "10000");
  CAF_CHECK_EQUAL(value_of(consumer, "isolation.level"), "read_uncommitted");
  CAF_CHECK(!has_key(consumer, "request.timeout.ms"));
  for (auto key : {"fetch.wait.max.ms", "fetch.max.bytes", "fetch.min.bytes",
                   "max.partition.fetch.bytes", "max.poll.interval.ms",
                   "heartbeat.interval.ms", "retry.backoff.ms"})
    CAF_CHECK(!has_key(consumer, key));
  auto values = effective_values(opts, client_role::consumer);
  CAF_CHECK_EQUAL(values["enable_auto_commit"], "true");
  CAF_CHECK_EQUAL(values["auto_commit_interval_ms"], "5000");
  CAF_CHECK_EQUAL(values["consumer_timeout_ms"], "200");
}

CAF_TEST(options map onto librdkafka keys by role) {
  client_options opts;
  // emplace, not `= "g1"`: GCC 12 warns falsely (-Wmaybe-uninitialized)
  // about assigning a literal to an optional string of this large struct.
  opts.group_id.emplace("g1");
  opts.client_id = "svc";
  opts.acks = "all";
  opts.linger_ms = 5;
  opts.compression_type = "zstd";
  auto consumer = rdkafka_properties(opts, client_role::consumer);
  CAF_CHECK_EQUAL(value_of(consumer, "group.id"), "g1");
  CAF_CHECK_EQUAL(value_of(consumer, "client.id"), "svc");
  CAF_CHECK_EQUAL(value_of(consumer, "acks"), "<unset>");
  auto producer = rdkafka_properties(opts, client_role::producer);
  CAF_CHECK_EQUAL(value_of(producer, "acks"), "all");
  CAF_CHECK_EQUAL(value_of(producer, "linger.ms"), "5");
  CAF_CHECK_EQUAL(value_of(producer, "compression.type"), "zstd");
  CAF_CHECK_EQUAL(value_of(producer, "group.id"), "<unset>");
  // Options the framework implements never reach librdkafka; at-least-once
  // commits stay the framework's.
  for (auto& [k, v] : consumer)
    CAF_CHECK(k != "max.poll.records" && k != "enable.auto.commit" &&
              k != "auto.commit.interval.ms");
  for (auto& info : option_table()) {
    if (!info.rdkafka_key.empty())
      continue;
    std::string dotted{info.name};
    std::replace(dotted.begin(), dotted.end(), '_', '.');
    for (auto* props : {&consumer, &producer})
      CAF_CHECK(!has_key(*props, dotted));
  }
}

CAF_TEST(pass - through properties come last and win) {
  client_options opts;
  opts.linger_ms = 5;
  opts.librdkafka["linger.ms"] = "7";
  opts.librdkafka["queue.buffering.max.messages"] = "1000";
  auto producer = rdkafka_properties(opts, client_role::producer);
  CAF_CHECK_EQUAL(producer.back().first, "queue.buffering.max.messages");
  auto last_linger =
      std::find_if(producer.rbegin(), producer.rend(),
                   [](auto& kv) { return kv.first == "linger.ms"; });
  CAF_REQUIRE(last_linger != producer.rend());
  CAF_CHECK_EQUAL(last_linger->second, "7");
}

CAF_TEST(set_option parses text like the command line gives it) {
  client_options opts;
  set_option(opts, "group_id", "replay-7");
  set_option(opts, "linger_ms", "25");
  set_option(opts, "acks", "all");
  set_option(opts, "librdkafka.fetch.wait.max.ms", "10");
  CAF_CHECK_EQUAL(*opts.group_id, "replay-7");
  CAF_CHECK_EQUAL(*opts.linger_ms, 25);
  CAF_CHECK_EQUAL(*opts.acks, "all");
  CAF_CHECK_EQUAL(opts.librdkafka["fetch.wait.max.ms"], "10");
}

CAF_TEST(delivery is an option like the others and resolves into the settings) {
  client_options app;
  CAF_CHECK(!resolve_consumer_settings(app).exactly_once);
  set_option(app, "delivery", "exactly_once");
  CAF_CHECK_EQUAL(*app.delivery, "exactly_once");
  CAF_CHECK(resolve_consumer_settings(app).exactly_once);
  // A registration's own value wins over the app's, like every option.
  client_options reg;
  set_option(reg, "delivery", "at_least_once");
  CAF_CHECK(!resolve_consumer_settings(merge(app, reg)).exactly_once);
  CAF_CHECK(
      resolve_consumer_settings(merge(app, client_options{})).exactly_once);
  std::string err;
  CAF_CHECK(!set_option(reg, "delivery", "twice", err));
  CAF_CHECK(contains(err, "exactly_once"));
  // A framework option: no librdkafka property.
  for (auto& [k, v] : rdkafka_properties(app, client_role::consumer))
    CAF_CHECK(!contains(k, "delivery"));
  CAF_CHECK_EQUAL(
      effective_values(client_options{}, client_role::consumer).at("delivery"),
      "at_least_once");
}

CAF_TEST(transactional ids are derived per group registration and worker) {
  client_options opts;
  CAF_CHECK_EQUAL(consumer_transactional_id(opts, "g", "on_input", -1),
                  "g.on_input");
  CAF_CHECK_EQUAL(consumer_transactional_id(opts, "g", "on_input", 3),
                  "g.on_input.3");
  opts.transactional_id = "mine";
  CAF_CHECK_EQUAL(consumer_transactional_id(opts, "g", "on_input", -1), "mine");
  CAF_CHECK_EQUAL(consumer_transactional_id(opts, "g", "on_input", 0),
                  "mine.0");
}

CAF_TEST(set_option rejects unknown options by name) {
  client_options opts;
  std::string err;
  CAF_CHECK(!set_option(opts, "lingerms", "5", err));
  CAF_CHECK(contains(err, "unknown option \"lingerms\""));
  CAF_CHECK(contains(err, "linger_ms"));
  bool thrown = false;
  try {
    set_option(opts, "nope", "1");
  } catch (const config_error&) {
    thrown = true;
  }
  CAF_CHECK(thrown);
}

CAF_TEST(set_option rejects bad values naming option and value) {
  client_options opts;
  std::string err;
  CAF_CHECK(!set_option(opts, "acks", "2", err));
  CAF_CHECK(contains(err, "acks") && contains(err, "\"2\""));
  CAF_CHECK(!set_option(opts, "auto_offset_reset", "sometimes", err));
  CAF_CHECK(contains(err, "sometimes") && contains(err, "earliest"));
  CAF_CHECK(!set_option(opts, "linger_ms", "-1", err));
  CAF_CHECK(contains(err, "linger_ms") && contains(err, "-1"));
  CAF_CHECK(!set_option(opts, "linger_ms", "soon", err));
  CAF_CHECK(contains(err, "expected an integer"));
  CAF_CHECK(!set_option(opts, "max_poll_records", "0", err));
  CAF_CHECK(!opts.acks && !opts.linger_ms && !opts.max_poll_records);
}

CAF_TEST(validate reports every bad value set in code) {
  client_options opts;
  opts.acks = "2";
  opts.linger_ms = -5;
  opts.auto_offset_reset = "sometimes";
  auto problems = validate(opts);
  CAF_CHECK_EQUAL(problems.size(), 3u);
  opts = client_options{};
  opts.acks = "all";
  CAF_CHECK(validate(opts).empty());
}

CAF_TEST(merge lets the registration override the app) {
  client_options app;
  app.group_id = "app-group";
  app.linger_ms = 5;
  app.librdkafka["a"] = "1";
  client_options reg;
  reg.linger_ms = 10;
  reg.librdkafka["b"] = "2";
  auto merged = merge(app, reg);
  CAF_CHECK_EQUAL(*merged.group_id, "app-group");
  CAF_CHECK_EQUAL(*merged.linger_ms, 10);
  CAF_CHECK_EQUAL(merged.librdkafka.size(), 2u);
}

CAF_TEST(secrets are masked in log lines) {
  CAF_CHECK(is_secret_option("sasl_plain_password"));
  CAF_CHECK(is_secret_option("librdkafka.sasl.password"));
  CAF_CHECK(is_secret_option("librdkafka.ssl.key.pem"));
  CAF_CHECK(is_secret_option("sasl_oauth_token_provider"));
  CAF_CHECK(!is_secret_option("group_id"));
  CAF_CHECK(!is_secret_option("key_serializer"));
  auto line = describe_for_log(
      {{"librdkafka.sasl.password", "hunter2"}, {"group_id", "g"}});
  CAF_CHECK(!contains(line, "hunter2"));
  CAF_CHECK(contains(line, "librdkafka.sasl.password=*****"));
  CAF_CHECK(contains(line, "group_id=g"));
}

// -- mapping ------------------------------------------------------------------

CAF_TEST(every option maps onto its librdkafka key for its role) {
  struct mapping {
    const char* name;
    const char* value;
    client_role role;
    const char* key;
    const char* expected;
  };
  using enum client_role;
  const mapping cases[] = {
      {"bootstrap_servers", "b:9092", consumer, "bootstrap.servers", "b:9092"},
      {"client_id", "svc", producer, "client.id", "svc"},
      {"metadata_max_age_ms", "1000", consumer, "metadata.max.age.ms", "1000"},
      {"request_timeout_ms", "20000", consumer, "socket.timeout.ms", "20000"},
      {"request_timeout_ms", "20000", producer, "socket.timeout.ms", "20000"},
      {"request_timeout_ms", "20000", producer, "request.timeout.ms", "20000"},
      {"retry_backoff_ms", "250", producer, "retry.backoff.ms", "250"},
      {"api_version", "0.9.0", consumer, "api.version.request", "false"},
      {"api_version", "0.9.0", producer, "broker.version.fallback", "0.9.0"},
      {"connections_max_idle_ms", "0", producer, "connections.max.idle.ms",
       "0"},
      {"security_protocol", "SASL_SSL", consumer, "security.protocol",
       "SASL_SSL"},
      {"ssl_cafile", "/ca.pem", producer, "ssl.ca.location", "/ca.pem"},
      {"ssl_certfile", "/c.pem", producer, "ssl.certificate.location",
       "/c.pem"},
      {"ssl_keyfile", "/k.pem", consumer, "ssl.key.location", "/k.pem"},
      {"ssl_password", "pw", consumer, "ssl.key.password", "pw"},
      {"ssl_crlfile", "/crl.pem", consumer, "ssl.crl.location", "/crl.pem"},
      {"ssl_check_hostname", "false", consumer,
       "ssl.endpoint.identification.algorithm", "none"},
      {"ssl_check_hostname", "true", producer,
       "ssl.endpoint.identification.algorithm", "https"},
      {"sasl_mechanism", "SCRAM-SHA-512", consumer, "sasl.mechanisms",
       "SCRAM-SHA-512"},
      {"sasl_plain_username", "u", consumer, "sasl.username", "u"},
      {"sasl_plain_password", "p", producer, "sasl.password", "p"},
      {"sasl_kerberos_service_name", "kfk", consumer,
       "sasl.kerberos.service.name", "kfk"},
      {"sasl_oauth_method", "oidc", consumer, "sasl.oauthbearer.method",
       "oidc"},
      {"sasl_oauth_client_id", "id", producer, "sasl.oauthbearer.client.id",
       "id"},
      {"sasl_oauth_client_secret", "s", producer,
       "sasl.oauthbearer.client.secret", "s"},
      {"sasl_oauth_token_endpoint_url", "https://t", consumer,
       "sasl.oauthbearer.token.endpoint.url", "https://t"},
      {"sasl_oauth_scope", "kafka", consumer, "sasl.oauthbearer.scope",
       "kafka"},
      {"acks", "0", producer, "acks", "0"},
      {"compression_type", "lz4", producer, "compression.type", "lz4"},
      {"max_batch_size", "65536", producer, "batch.size", "65536"},
      {"linger_ms", "20", producer, "linger.ms", "20"},
      {"max_request_size", "2000000", producer, "message.max.bytes", "2000000"},
      {"enable_idempotence", "true", producer, "enable.idempotence", "true"},
      {"transactional_id", "tx", producer, "transactional.id", "tx"},
      {"transaction_timeout_ms", "30000", producer, "transaction.timeout.ms",
       "30000"},
      {"group_id", "g", consumer, "group.id", "g"},
      {"fetch_max_wait_ms", "100", consumer, "fetch.wait.max.ms", "100"},
      {"fetch_max_bytes", "10000000", consumer, "fetch.max.bytes", "10000000"},
      {"fetch_min_bytes", "10", consumer, "fetch.min.bytes", "10"},
      {"max_partition_fetch_bytes", "4096", consumer,
       "max.partition.fetch.bytes", "4096"},
      {"auto_offset_reset", "latest", consumer, "auto.offset.reset", "latest"},
      {"auto_offset_reset", "none", consumer, "auto.offset.reset", "error"},
      {"check_crcs", "false", consumer, "check.crcs", "false"},
      {"partition_assignment_strategy", "range, roundrobin", consumer,
       "partition.assignment.strategy", "range,roundrobin"},
      {"max_poll_interval_ms", "600000", consumer, "max.poll.interval.ms",
       "600000"},
      {"session_timeout_ms", "30000", consumer, "session.timeout.ms", "30000"},
      {"heartbeat_interval_ms", "1000", consumer, "heartbeat.interval.ms",
       "1000"},
      {"isolation_level", "read_committed", consumer, "isolation.level",
       "read_committed"},
  };
  std::set<std::string_view> covered;
  for (auto& c : cases) {
    client_options opts;
    // SASL settings reach librdkafka only under a SASL protocol.
    if (std::string_view{c.name}.starts_with("sasl_"))
      set_option(opts, "security_protocol", "SASL_SSL");
    set_option(opts, c.name, c.value);
    auto props = rdkafka_properties(opts, c.role);
    CAF_MESSAGE(c.name << "=" << c.value);
    CAF_CHECK_EQUAL(value_of(props, c.key), c.expected);
    covered.insert(c.name);
  }
  // Every row with a librdkafka key appears above.
  for (auto& info : option_table())
    if (!info.rdkafka_key.empty())
      CAF_CHECK(covered.count(info.name) == 1);
}

CAF_TEST(options for the other role are not sent) {
  client_options opts;
  opts.retry_backoff_ms = 300;
  opts.max_batch_size = 1024;
  opts.fetch_min_bytes = 5;
  opts.isolation_level = "read_committed";
  auto consumer = rdkafka_properties(opts, client_role::consumer);
  CAF_CHECK(!has_key(consumer, "retry.backoff.ms"));
  CAF_CHECK(!has_key(consumer, "batch.size"));
  CAF_CHECK_EQUAL(value_of(consumer, "fetch.min.bytes"), "5");
  auto producer = rdkafka_properties(opts, client_role::producer);
  CAF_CHECK(!has_key(producer, "fetch.min.bytes"));
  CAF_CHECK(!has_key(producer, "isolation.level"));
  CAF_CHECK_EQUAL(value_of(producer, "batch.size"), "1024");
}

CAF_TEST(api_version auto probes the broker and a version pins it) {
  client_options opts;
  set_option(opts, "api_version", "auto");
  auto props = rdkafka_properties(opts, client_role::consumer);
  CAF_CHECK(!has_key(props, "api.version.request"));
  CAF_CHECK(!has_key(props, "broker.version.fallback"));
  for (auto version : {"0.9", "0.9.0", "0.8.2.2", "2.0.0"})
    CAF_CHECK(validate([&] {
                client_options x;
                x.api_version = version;
                return x;
              }())
                  .empty());
  std::string err;
  for (auto bad : {"latest", "0", "1.", ".9", "v2.0", "1.2.3.4.5", ""}) {
    CAF_CHECK(!set_option(opts, "api_version", bad, err));
    CAF_CHECK(contains(err, "api_version") &&
              contains(err, "\"" + std::string{bad} + "\""));
  }
}

CAF_TEST(framework options never reach librdkafka) {
  client_options opts;
  set_option(opts, "enable_auto_commit", "false");
  set_option(opts, "auto_commit_interval_ms", "1000");
  set_option(opts, "consumer_timeout_ms", "50");
  set_option(opts, "max_poll_records", "10");
  set_option(opts, "exclude_internal_topics", "true");
  auto values = effective_values(opts, client_role::consumer);
  CAF_CHECK_EQUAL(values["enable_auto_commit"], "false");
  CAF_CHECK_EQUAL(values["auto_commit_interval_ms"], "1000");
  CAF_CHECK_EQUAL(values["consumer_timeout_ms"], "50");
  CAF_CHECK_EQUAL(values["exclude_internal_topics"], "true");
  for (auto role : {client_role::consumer, client_role::producer})
    for (auto& [k, v] : rdkafka_properties(opts, role))
      CAF_CHECK(k != "enable.auto.commit" && k != "auto.commit.interval.ms");
}

CAF_TEST(options that would do nothing are refused with the reason) {
  client_options opts;
  std::string err;
  // Accepted before and ignored: now each says why it cannot be honoured.
  CAF_CHECK(!set_option(opts, "send_backoff_ms", "10", err));
  CAF_CHECK(err.find("retry_backoff_ms") != std::string::npos);
  CAF_CHECK(!set_option(opts, "exclude_internal_topics", "false", err));
  CAF_CHECK(err.find("exact name") != std::string::npos);
  CAF_CHECK(set_option(opts, "exclude_internal_topics", "true", err));
}

CAF_TEST(python only options say what a cpp app uses instead) {
  client_options opts;
  std::string err;
  // Was "unknown option ...; did you mean sasl_oauth_scope?".
  CAF_CHECK(
      !set_option(opts, "sasl_oauth_token_provider", "secret-value", err));
  CAF_MESSAGE(err);
  CAF_CHECK(err.find("app_config::oauth_tokens") != std::string::npos);
  CAF_CHECK(err.find("did you mean") == std::string::npos);
  CAF_CHECK(err.find("secret-value") == std::string::npos);
  CAF_CHECK(!set_option(opts, "ssl_context", "ctx", err));
  CAF_CHECK(err.find("ssl_cafile") != std::string::npos);
  CAF_CHECK(!set_option(opts, "partitioner", "p", err));
  CAF_CHECK(err.find("murmur2_random") != std::string::npos);
}

CAF_TEST(sasl properties are sent only under a sasl protocol) {
  // FastKafka's default sasl_mechanism=PLAIN made librdkafka warn at every
  // start (CONFWARN) although no SASL was in use.
  client_options plain;
  for (auto& [k, v] : rdkafka_properties(plain, client_role::consumer))
    CAF_CHECK(!k.starts_with("sasl."));
  client_options sasl;
  set_option(sasl, "security_protocol", "SASL_SSL");
  set_option(sasl, "sasl_plain_username", "u");
  auto props = rdkafka_properties(sasl, client_role::producer);
  auto has = [&](const char* key) {
    return std::any_of(props.begin(), props.end(),
                       [&](auto& kv) { return kv.first == key; });
  };
  CAF_CHECK(has("sasl.mechanisms"));
  CAF_CHECK(has("sasl.username"));
  // The clients' start lines show effective values: without SASL they
  // showed sasl_mechanism=PLAIN although nothing of it was sent.
  for (auto role : {client_role::consumer, client_role::producer}) {
    for (auto& [k, v] : effective_values(plain, role))
      CAF_CHECK(!k.starts_with("sasl_"));
    CAF_CHECK_EQUAL(effective_values(sasl, role)["sasl_mechanism"], "PLAIN");
  }
  // What a user sets stays (the rules check it), but is still not sent.
  client_options set_only;
  set_option(set_only, "sasl_plain_username", "u");
  CAF_CHECK_EQUAL(
      effective_values(set_only, client_role::consumer)["sasl_plain_username"],
      "u");
  for (auto& [k, v] : rdkafka_properties(set_only, client_role::consumer))
    CAF_CHECK(!k.starts_with("sasl."));
}

CAF_TEST(a name cut short gets its full name suggested) {
  CAF_CHECK_EQUAL(closest_option("linger"), "linger_ms");
  CAF_CHECK_EQUAL(closest_option("max_poll"), "max_poll_records");
  std::string err;
  client_options opts;
  CAF_CHECK(!set_option(opts, "linger", "5", err));
  CAF_CHECK(err.find("did you mean linger_ms?") != std::string::npos);
}

// -- rules --------------------------------------------------------------------

CAF_TEST(idempotence implies acks all) {
  client_options opts;
  opts.enable_idempotence = true;
  CAF_CHECK(validate_client(opts, client_role::producer).empty());
  auto props = rdkafka_properties(opts, client_role::producer);
  CAF_CHECK_EQUAL(value_of(props, "acks"), "all");
  CAF_CHECK_EQUAL(value_of(props, "enable.idempotence"), "true");
  auto producer_values = effective_values(opts, client_role::producer);
  CAF_CHECK_EQUAL(producer_values["acks"], "all");
  opts.acks = "all";
  CAF_CHECK(validate(opts).empty());
  opts.acks = "-1";
  CAF_CHECK(validate(opts).empty());
  // Without idempotence FastKafka's acks=1 stays.
  opts = client_options{};
  opts.enable_idempotence = false;
  props = rdkafka_properties(opts, client_role::producer);
  CAF_CHECK_EQUAL(value_of(props, "acks"), "1");
}

CAF_TEST(acks 0 or 1 with idempotence is an error naming both) {
  for (auto acks : {"0", "1"}) {
    client_options opts;
    opts.enable_idempotence = true;
    opts.acks = acks;
    auto problems = validate(opts);
    CAF_CHECK_EQUAL(problems.size(), 1u);
    CAF_CHECK(mentions(
        problems, {std::string{"acks="} + acks, "enable_idempotence=true"}));
  }
}

CAF_TEST(the acks rule also holds across app and registration) {
  client_options app;
  app.acks.emplace("1");
  client_options reg;
  reg.enable_idempotence = true;
  CAF_CHECK(validate(app).empty());
  CAF_CHECK(validate(reg).empty());
  auto problems = validate_client(merge(app, reg), client_role::producer);
  CAF_CHECK_EQUAL(problems.size(), 1u);
  CAF_CHECK(mentions(problems, {"acks=1", "enable_idempotence"}));
  // Idempotence requested through the pass-through counts too.
  client_options raw;
  raw.librdkafka["enable.idempotence"] = "true";
  CAF_CHECK_EQUAL(
      value_of(rdkafka_properties(raw, client_role::producer), "acks"), "all");
  raw.acks = "0";
  CAF_CHECK(mentions(validate_client(raw, client_role::producer),
                     {"acks=0", "enable_idempotence"}));
  // Consumers do not care about producer rules.
  CAF_CHECK(validate_client(raw, client_role::consumer).empty());
}

CAF_TEST(transactional_id implies idempotence) {
  client_options opts;
  opts.transactional_id.emplace("orders-tx");
  CAF_CHECK(validate_client(opts, client_role::producer).empty());
  auto props = rdkafka_properties(opts, client_role::producer);
  CAF_CHECK_EQUAL(value_of(props, "transactional.id"), "orders-tx");
  CAF_CHECK_EQUAL(value_of(props, "enable.idempotence"), "true");
  CAF_CHECK_EQUAL(value_of(props, "acks"), "all");
  auto values = effective_values(opts, client_role::producer);
  CAF_CHECK_EQUAL(values["enable_idempotence"], "true");
  opts.enable_idempotence = false;
  CAF_CHECK(mentions(validate(opts), {"enable_idempotence=false",
                                      "transactional_id=orders-tx"}));
  opts.enable_idempotence.reset();
  opts.acks = "1";
  CAF_CHECK(mentions(validate(opts), {"acks=1", "transactional_id"}));
  CAF_CHECK_EQUAL(validate_client(opts, client_role::producer).size(), 1u);
}

CAF_TEST(consumer timing rules use defaults) {
  client_options opts;
  CAF_CHECK(validate_client(opts, client_role::consumer).empty());
  CAF_CHECK(validate_client(opts, client_role::producer).empty());
  // Heartbeats at librdkafka's 3000 ms cannot keep a 2000 ms session alive.
  opts.session_timeout_ms = 2000;
  CAF_CHECK(validate(opts).empty());
  CAF_CHECK(
      mentions(validate_client(opts, client_role::consumer),
               {"heartbeat_interval_ms=3000", "session_timeout_ms=2000"}));
  opts.heartbeat_interval_ms = 500;
  CAF_CHECK(validate_client(opts, client_role::consumer).empty());
  opts = client_options{};
  opts.max_poll_interval_ms = 5000;
  CAF_CHECK(
      mentions(validate_client(opts, client_role::consumer),
               {"max_poll_interval_ms=5000", "session_timeout_ms=10000"}));
  opts = client_options{};
  opts.request_timeout_ms = 1000;
  CAF_CHECK(mentions(validate_client(opts, client_role::consumer),
                     {"request_timeout_ms=1000", "fetch_max_wait_ms=500"}));
  // Producers do not fetch.
  CAF_CHECK(validate_client(opts, client_role::producer).empty());
  // A pass-through value is what librdkafka will see.
  opts = client_options{};
  opts.librdkafka["session.timeout.ms"] = "2500";
  CAF_CHECK(mentions(validate_client(opts, client_role::consumer),
                     {"session_timeout_ms=2500"}));
}

CAF_TEST(oidc needs its settings and the OAUTHBEARER mechanism) {
  client_options opts;
  opts.sasl_oauth_method = "oidc";
  auto problems = validate_client(opts, client_role::consumer);
  CAF_CHECK(mentions(problems, {"sasl_mechanism=OAUTHBEARER", "PLAIN"}));
  CAF_CHECK(mentions(problems, {"sasl_oauth_client_id"}));
  CAF_CHECK(mentions(problems, {"sasl_oauth_client_secret"}));
  CAF_CHECK(mentions(problems, {"sasl_oauth_token_endpoint_url"}));
  opts.sasl_mechanism = "OAUTHBEARER";
  opts.sasl_oauth_client_id = "svc";
  opts.sasl_oauth_client_secret = "s";
  opts.sasl_oauth_token_endpoint_url = "https://idp/token";
  CAF_CHECK(validate_client(opts, client_role::consumer).empty());
}

CAF_TEST(options without a librdkafka equivalent are rejected with a reason) {
  client_options opts;
  std::string err;
  CAF_CHECK(!set_option(opts, "rebalance_timeout_ms", "10000", err));
  CAF_CHECK(contains(err, "rebalance_timeout_ms=10000") &&
            contains(err, "max_poll_interval_ms"));
  CAF_CHECK(!set_option(opts, "sasl_kerberos_domain_name", "corp", err));
  CAF_CHECK(contains(err, "sasl_kerberos_domain_name=corp") &&
            contains(err, "host name"));
  opts.rebalance_timeout_ms = 10000;
  opts.sasl_kerberos_domain_name = "corp";
  auto problems = validate(opts);
  CAF_CHECK_EQUAL(problems.size(), 2u);
  CAF_CHECK(mentions(problems, {"rebalance_timeout_ms", "not supported"}));
  CAF_CHECK(mentions(problems, {"sasl_kerberos_domain_name", "not supported"}));
}

CAF_TEST(assignment strategies are a list of one protocol) {
  client_options opts;
  std::string err;
  CAF_CHECK(set_option(opts, "partition_assignment_strategy",
                       "roundrobin,range", err));
  CAF_CHECK(set_option(opts, "partition_assignment_strategy",
                       "cooperative-sticky", err));
  for (auto bad : {"sticky", "range,range", "range,cooperative-sticky", "",
                   "range,,roundrobin"}) {
    CAF_CHECK(!set_option(opts, "partition_assignment_strategy", bad, err));
    CAF_CHECK(contains(err, "partition_assignment_strategy") &&
              contains(err, "\"" + std::string{bad} + "\""));
  }
  CAF_CHECK_EQUAL(*opts.partition_assignment_strategy, "cooperative-sticky");
}

// -- parsing and errors -------------------------------------------------------

CAF_TEST(every option accepts its sample and default through set_option) {
  for (auto& info : option_table()) {
    if (!info.unsupported.empty())
      continue;
    client_options opts;
    std::string err;
    CAF_MESSAGE(info.name);
    CAF_CHECK(set_option(opts, info.name, sample_value(info), err));
    CAF_CHECK_EQUAL(err, "");
    if (!info.default_value.empty())
      CAF_CHECK(set_option(opts, info.name, info.default_value, err));
    CAF_CHECK(validate(opts).empty());
    auto values = effective_values(opts, info.roles);
    std::string expected = info.default_value.empty()
                               ? sample_value(info)
                               : std::string{info.default_value};
    CAF_CHECK_EQUAL(values[std::string{info.name}], expected);
  }
}

CAF_TEST(every bad value fails naming option and value) {
  for (auto& info : option_table()) {
    std::vector<std::string> bad;
    switch (info.kind) {
    case option_kind::integer:
      bad = {"soon", "1.5", "", "12ms"};
      if (info.min > INT64_MIN)
        bad.push_back(std::to_string(info.min - 1));
      if (info.max < INT64_MAX)
        bad.push_back(std::to_string(info.max + 1));
      break;
    case option_kind::boolean:
      bad = {"yes", "1", "TRUE", ""};
      break;
    case option_kind::choice:
    case option_kind::choice_list:
      bad = {"sometimes", ""};
      break;
    case option_kind::string:
      if (info.name == "api_version" || !info.unsupported.empty())
        bad = {"x"};
      break;
    }
    for (auto& value : bad) {
      client_options opts;
      std::string err;
      CAF_MESSAGE(info.name << "=" << value);
      CAF_CHECK(!set_option(opts, info.name, value, err));
      CAF_CHECK(contains(err, std::string{info.name}));
      CAF_CHECK(contains(err, value));
      CAF_CHECK(validate(opts).empty());
    }
  }
  // A choice error lists what would have been accepted.
  client_options opts;
  std::string err;
  CAF_CHECK(!set_option(opts, "isolation_level", "dirty", err));
  CAF_CHECK(contains(err, "read_uncommitted, read_committed"));
  CAF_CHECK(!set_option(opts, "security_protocol", "TLS", err));
  CAF_CHECK(contains(err, "SASL_SSL"));
  CAF_CHECK(!set_option(opts, "sasl_mechanism", "SCRAM", err));
  CAF_CHECK(contains(err, "SCRAM-SHA-256"));
  CAF_CHECK(!set_option(opts, "acks", "2", err));
  CAF_CHECK_EQUAL(err, "invalid value \"2\" for option acks: expected one of "
                       "0, 1, all, -1");
}

CAF_TEST(validate names every bad value set in code) {
  client_options opts;
  opts.max_batch_size = 0;
  opts.session_timeout_ms = -1;
  opts.security_protocol.emplace("plaintext");
  opts.sasl_mechanism = "PLAIN ";
  opts.isolation_level = "committed";
  opts.partition_assignment_strategy = "sticky";
  opts.api_version = "newest";
  auto problems = validate(opts);
  CAF_CHECK_EQUAL(problems.size(), 7u);
  CAF_CHECK(mentions(problems, {"max_batch_size", "0"}));
  CAF_CHECK(mentions(problems, {"session_timeout_ms", "-1"}));
  CAF_CHECK(mentions(problems, {"security_protocol", "\"plaintext\""}));
  CAF_CHECK(mentions(problems, {"sasl_mechanism", "\"PLAIN \""}));
  CAF_CHECK(mentions(problems, {"isolation_level", "\"committed\""}));
  CAF_CHECK(mentions(problems, {"partition_assignment_strategy", "sticky"}));
  CAF_CHECK(mentions(problems, {"api_version", "\"newest\""}));
}

CAF_TEST(unknown options get the closest known name) {
  client_options opts;
  std::string err;
  CAF_CHECK(!set_option(opts, "lingerms", "5", err));
  CAF_CHECK(contains(err, "unknown option \"lingerms\"; did you mean "
                          "linger_ms?"));
  CAF_CHECK(!set_option(opts, "sesion_timeout_ms", "5", err));
  CAF_CHECK(contains(err, "did you mean session_timeout_ms?"));
  CAF_CHECK(!set_option(opts, "Group-Id", "g", err));
  CAF_CHECK(contains(err, "did you mean group_id?"));
  // librdkafka's names lead to FastKafka's, and the pass-through is named.
  CAF_CHECK(!set_option(opts, "batch.size", "5", err));
  CAF_CHECK(contains(err, "did you mean max_batch_size?"));
  CAF_CHECK(contains(err, "librdkafka.<property>"));
  CAF_CHECK(!set_option(opts, "message.max.bytes", "5", err));
  CAF_CHECK(contains(err, "did you mean max_request_size?"));
  // Nothing close: no guess.
  CAF_CHECK(!set_option(opts, "nope", "1", err));
  CAF_CHECK(contains(err, "unknown option \"nope\""));
  CAF_CHECK(!contains(err, "did you mean"));
  CAF_CHECK_EQUAL(closest_option("linger_ms"), "linger_ms");
  CAF_CHECK_EQUAL(closest_option("completely_unrelated_thing"), "");
}

CAF_TEST(pass - through keys the framework owns are rejected) {
  client_options opts;
  std::string err;
  for (auto key :
       {"enable.auto.commit", "enable.auto.offset.store",
        "auto.commit.interval.ms", "group.id", "enable.partition.eof"}) {
    CAF_CHECK(!set_option(opts, "librdkafka." + std::string{key}, "true", err));
    CAF_CHECK(contains(err, std::string{"librdkafka."} + key + "=true"));
  }
  CAF_CHECK(contains(err, "at-least-once") || contains(err, "poll loop"));
  CAF_CHECK(opts.librdkafka.empty());
  opts.librdkafka["enable.auto.commit"] = "true";
  opts.librdkafka[""] = "x";
  auto problems = validate(opts);
  CAF_CHECK_EQUAL(problems.size(), 2u);
  CAF_CHECK(mentions(
      problems, {"librdkafka.enable.auto.commit=true", "enable_auto_commit"}));
  CAF_CHECK(mentions(problems, {"empty name"}));
  CAF_CHECK(!set_option(opts, "librdkafka.", "x", err));
}

// -- secrets ------------------------------------------------------------------

CAF_TEST(every secret option is recognised and paths are not ) {
  for (auto name :
       {"ssl_password", "sasl_plain_password", "sasl_oauth_client_secret",
        "librdkafka.ssl.key.password", "librdkafka.sasl.password",
        "librdkafka.sasl.oauthbearer.client.secret",
        "librdkafka.sasl.oauthbearer.config",
        "librdkafka.ssl.keystore.password", "librdkafka.ssl.key.pem",
        "ssl.key.password", "sasl.password"})
    CAF_CHECK(is_secret_option(name));
  for (auto name :
       {"ssl_keyfile", "ssl_cafile", "ssl_certfile", "ssl_crlfile",
        "librdkafka.ssl.key.location", "librdkafka.ssl.keystore.location",
        "sasl_oauth_token_endpoint_url", "sasl_oauth_client_id",
        "sasl_plain_username", "sasl_oauth_scope", "transactional_id",
        "value_serializer"})
    CAF_CHECK(!is_secret_option(name));
}

CAF_TEST(no secret of a fully populated struct reaches a log line) {
  auto opts = fully_populated();
  CAF_CHECK(validate(opts).empty());
  std::vector<std::string> secrets;
  for (auto& info : option_table())
    if (is_secret_option(info.name))
      secrets.push_back(sample_value(info));
  CAF_CHECK_EQUAL(secrets.size(), 3u);
  secrets.push_back("v-keystore-password");
  secrets.push_back("principal=v-oauth-config");
  for (auto role :
       {client_role::consumer, client_role::producer, client_role::both}) {
    auto line = describe_for_log(effective_values(opts, role));
    for (auto& secret : secrets) {
      CAF_MESSAGE("secret " << secret);
      CAF_CHECK(!contains(line, secret));
    }
    // The rest is there, so the test would see a leak.
    CAF_CHECK(contains(line, "sasl_plain_username=v-sasl_plain_username"));
    CAF_CHECK(contains(line, "ssl_keyfile=v-ssl_keyfile"));
    CAF_CHECK(contains(line, "sasl_plain_password=*****"));
  }
}

// -- librdkafka 2.0.2 agrees
// ----------------------------------------------------

CAF_TEST(librdkafka knows every mapped key and value) {
  auto opts = fully_populated();
  bool oidc = rdkafka_has_oidc();
  std::set<std::string> sent;
  for (auto role : {client_role::consumer, client_role::producer}) {
    for (auto& [key, value] : rdkafka_properties(opts, role)) {
      sent.insert(key);
      fastkafka::kafka::conf_ptr conf{rd_kafka_conf_new()};
      char err[512] = "";
      auto rc = rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), err,
                                  sizeof(err));
      CAF_MESSAGE(key << "=" << value << ": " << err);
      if (!oidc && key.starts_with("sasl.oauthbearer.") &&
          key != "sasl.oauthbearer.config") {
        // Debian's librdkafka 2.0.2 is built without libcurl: it knows the
        // key (or it would say RD_KAFKA_CONF_UNKNOWN) but refuses it.
        CAF_CHECK_EQUAL(rc, RD_KAFKA_CONF_INVALID);
        CAF_CHECK(contains(err, "not supported in this build"));
      } else {
        CAF_CHECK_EQUAL(rc, RD_KAFKA_CONF_OK);
      }
    }
  }
  for (auto& info : option_table())
    if (!info.rdkafka_key.empty())
      CAF_CHECK(sent.count(std::string{info.rdkafka_key}) == 1);
  CAF_CHECK(sent.count("broker.version.fallback") == 1);
  CAF_CHECK(sent.count("request.timeout.ms") == 1);
  // Every choice of every option, too.
  for (auto& info : option_table()) {
    if (info.kind != option_kind::choice || info.rdkafka_key.empty())
      continue;
    for (auto choice : info.choices) {
      client_options one;
      set_option(one, info.name, choice);
      for (auto& [key, value] : rdkafka_properties(one, info.roles)) {
        if (key != info.rdkafka_key ||
            (!oidc && key.starts_with("sasl.oauthbearer.")))
          continue;
        fastkafka::kafka::conf_ptr conf{rd_kafka_conf_new()};
        char err[512] = "";
        CAF_MESSAGE(key << "=" << value);
        CAF_CHECK_EQUAL(rd_kafka_conf_set(conf.get(), key.c_str(),
                                          value.c_str(), err, sizeof(err)),
                        RD_KAFKA_CONF_OK);
      }
    }
  }
}

CAF_TEST(librdkafka creates clients from the defaults and the rules) {
  client_options opts;
  auto consumer = rdkafka_properties(opts, client_role::consumer);
  consumer.emplace_back("group.id", "g");
  CAF_CHECK_EQUAL(try_create(RD_KAFKA_CONSUMER, consumer), "");
  CAF_CHECK_EQUAL(try_create(RD_KAFKA_PRODUCER,
                             rdkafka_properties(opts, client_role::producer)),
                  "");
  // Implied settings satisfy librdkafka's own checks.
  opts.enable_idempotence = true;
  CAF_CHECK_EQUAL(try_create(RD_KAFKA_PRODUCER,
                             rdkafka_properties(opts, client_role::producer)),
                  "");
  opts = client_options{};
  opts.transactional_id = "tx";
  CAF_CHECK_EQUAL(try_create(RD_KAFKA_PRODUCER,
                             rdkafka_properties(opts, client_role::producer)),
                  "");
  // What librdkafka rejects, validate_client rejects first, by name.
  opts = client_options{};
  opts.max_poll_interval_ms = 5000;
  CAF_CHECK(!validate_client(opts, client_role::consumer).empty());
  consumer = rdkafka_properties(opts, client_role::consumer);
  consumer.emplace_back("group.id", "g");
  CAF_CHECK_NOT_EQUAL(try_create(RD_KAFKA_CONSUMER, consumer), "");
}
