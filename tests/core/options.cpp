#define CAF_SUITE core.options

#include "fastkafka/options.hpp"

#include "caf/test/unit_test.hpp"

#include <algorithm>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include "fastkafka/errors.hpp"

using namespace fastkafka;

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
  CAF_CHECK_EQUAL(fields, option_table().size());
}

CAF_TEST(defaults follow FastKafka) {
  client_options opts;
  auto consumer = rdkafka_properties(opts, client_role::consumer);
  CAF_CHECK_EQUAL(value_of(consumer, "auto.offset.reset"), "earliest");
  auto values = effective_values(opts, client_role::consumer);
  CAF_CHECK_EQUAL(values["max_poll_records"], "100");
  auto producer = rdkafka_properties(opts, client_role::producer);
  CAF_CHECK_EQUAL(value_of(producer, "acks"), "1");
  CAF_CHECK_EQUAL(value_of(producer, "linger.ms"), "0");
}

CAF_TEST(options map onto librdkafka keys by role) {
  client_options opts;
  opts.group_id = "g1";
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
  // max_poll_records is implemented by the framework, not librdkafka.
  for (auto& [k, v] : consumer)
    CAF_CHECK(k.find("max") == std::string::npos ||
              k == "max.poll.interval.ms");
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
