#define CAF_SUITE docs_gen.spec

#include "fastkafka/docs/asyncapi.hpp"

#include "caf/test/unit_test.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "docs_demo_app.hpp"
#include "fastkafka/codecs/avro.hpp"
#include "fastkafka/dead_letter.hpp"
#include "fastkafka/docs/docs.hpp"
#include "fastkafka/retry_topic.hpp"
#include "pipeline_app.hpp"

using namespace fastkafka;
using namespace fastkafka::docs;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

app_description demo_description() {
  app a{docs_demo::config()};
  docs_demo::install(a);
  return describe(a);
}

/// Reads YAML back into JSON; quoted scalars stay strings, plain ones are
/// resolved as YAML 1.2's core schema does.
json::value from_yaml(const YAML::Node& n) {
  switch (n.Type()) {
  case YAML::NodeType::Map: {
    json::object obj;
    for (auto it = n.begin(); it != n.end(); ++it)
      obj[it->first.Scalar()] = from_yaml(it->second);
    return obj;
  }
  case YAML::NodeType::Sequence: {
    json::array arr;
    for (auto& e : n)
      arr.emplace_back(from_yaml(e));
    return arr;
  }
  case YAML::NodeType::Null:
    return nullptr;
  default:
    break;
  }
  auto& s = n.Scalar();
  if (n.Tag() == "!")
    return json::value(s);
  if (s == "true" || s == "false")
    return s == "true";
  if (s == "null" || s == "~")
    return nullptr;
  try {
    size_t used = 0;
    auto i = std::stoll(s, &used);
    if (used == s.size())
      return i;
    auto d = std::stod(s, &used);
    if (used == s.size())
      return d;
  } catch (...) {
  }
  return json::value(s);
}

/// Integral doubles as integers: `19.0` and `19` are one JSON number.
json::value normalized(json::value v) {
  if (auto* obj = v.if_object()) {
    for (auto& kv : *obj)
      kv.value() = normalized(kv.value());
  } else if (auto* arr = v.if_array()) {
    for (auto& e : *arr)
      e = normalized(e);
  } else if (v.is_double() && std::trunc(v.get_double()) == v.get_double()) {
    return static_cast<std::int64_t>(v.get_double());
  }
  return v;
}

/// Compares against `golden/<name>`; FASTKAFKA_UPDATE_GOLDEN=1 rewrites it.
bool matches_golden(const std::string& name, const std::string& actual) {
  fs::path golden = fs::path{DOCS_GOLDEN_DIR} / name;
  if (auto* u = std::getenv("FASTKAFKA_UPDATE_GOLDEN"); u && *u == '1') {
    std::ofstream{golden, std::ios::binary} << actual;
    return true;
  }
  if (slurp(golden) == actual)
    return true;
  auto out = fs::current_path() / ("actual-" + name);
  std::ofstream{out, std::ios::binary} << actual;
  CAF_MESSAGE("golden mismatch: diff " << golden.string() << " " << out.string()
                                       << " (FASTKAFKA_UPDATE_GOLDEN=1 "
                                          "rewrites the golden files)");
  return false;
}

/// The component schemas of `doc` whose title is `title`.
size_t schemas_titled(const json::object& doc, std::string_view title) {
  size_t n = 0;
  for (auto& kv : doc.at("components").at("schemas").as_object())
    if (auto* t = kv.value().as_object().if_contains("title");
        t && t->as_string() == title)
      ++n;
  return n;
}

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() /
           ("fastkafka-docs-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

} // namespace

CAF_TEST(asyncapi versions parse) {
  CAF_CHECK(parse_asyncapi_version("2.6.0") == asyncapi_version::v2_6_0);
  CAF_CHECK(parse_asyncapi_version("3.0") == asyncapi_version::v3_0_0);
  CAF_CHECK(!parse_asyncapi_version("2.5.0"));
  CAF_CHECK_EQUAL(to_string(asyncapi_version::v3_0_0), "3.0.0");
}

CAF_TEST(the docs demo matches its golden 2.6.0 spec) {
  auto doc = to_asyncapi(demo_description(), asyncapi_version::v2_6_0);
  CAF_CHECK(matches_golden("docs_demo-2.6.0.yml", to_yaml(doc)));
}

CAF_TEST(the docs demo matches its golden 3.0.0 spec) {
  auto doc = to_asyncapi(demo_description(), asyncapi_version::v3_0_0);
  CAF_CHECK(matches_golden("docs_demo-3.0.0.yml", to_yaml(doc)));
}

CAF_TEST(yaml reads back as the same document in both versions) {
  for (auto v : {asyncapi_version::v2_6_0, asyncapi_version::v3_0_0}) {
    json::value doc = to_asyncapi(demo_description(), v);
    auto back = from_yaml(YAML::Load(to_yaml(doc)));
    CAF_CHECK_EQUAL(json::serialize(normalized(back)),
                    json::serialize(normalized(doc)));
    CAF_CHECK_EQUAL(json::serialize(normalized(json::parse(to_json(doc)))),
                    json::serialize(normalized(doc)));
  }
}

CAF_TEST(yaml quotes strings that would read as other types) {
  json::array tricky{"1.0",        "2.6.0",      "true",
                     "False",      "",           "null",
                     "~",          "yes",        "off",
                     "0x1F",       "1e3",        "12:30",
                     "-",          "a: b",       "#x",
                     "@at",        "plain text", "9092",
                     ".5",         "-7",         "2024-01-02T00:00:00Z",
                     "2024-01-02", "n"};
  json::value doc =
      json::object{{"values", tricky}, {"9092", 1.5}, {"none", nullptr}};
  auto back = from_yaml(YAML::Load(to_yaml(doc)));
  CAF_CHECK_EQUAL(json::serialize(back), json::serialize(doc));
  CAF_CHECK(to_yaml(doc).find("1.5") != std::string::npos);
  CAF_CHECK_EQUAL(to_json(json::value(2.5)), "2.5\n");
}

CAF_TEST(nested models become component schema references) {
  auto text = to_json(to_asyncapi(demo_description()));
  CAF_CHECK(text.find("#/$defs/") == std::string::npos);
  CAF_CHECK(text.find("\"$defs\"") == std::string::npos);
  auto doc = to_asyncapi(demo_description());
  auto& schemas = doc.at("components").at("schemas").as_object();
  for (auto name : {"Order", "LineItem", "OrderStatus", "OrderConfirmation"})
    CAF_CHECK(schemas.contains(name));
  CAF_CHECK_EQUAL(
      json::serialize(
          schemas.at("Order").at("properties").at("items").at("items")),
      R"({"$ref":"#/components/schemas/LineItem"})");
  CAF_CHECK_EQUAL(
      json::serialize(schemas.at("Order").at("properties").at("status")),
      R"({"$ref":"#/components/schemas/OrderStatus","title":"Status"})");
}

CAF_TEST(a list of brokers becomes numbered servers with security) {
  auto doc = to_asyncapi(demo_description());
  auto& servers = doc.at("servers").as_object();
  CAF_CHECK(servers.contains("localhost"));
  CAF_CHECK(servers.contains("production-bootstrap-server-0"));
  CAF_CHECK(servers.contains("production-bootstrap-server-1"));
  auto& prod = servers.at("production-bootstrap-server-1");
  CAF_CHECK_EQUAL(prod.at("url").as_string(),
                  "kafka-2.shop.example.com:{port}");
  CAF_CHECK_EQUAL(prod.at("protocol").as_string(), "kafka-secure");
  CAF_CHECK_EQUAL(prod.at("variables").at("port").at("default").as_string(),
                  "9093");
  CAF_CHECK_EQUAL(json::serialize(prod.at("security")),
                  R"([{"production-bootstrap-server-1-security":[]}])");
  CAF_CHECK_EQUAL(doc.at("components")
                      .at("securitySchemes")
                      .at("production-bootstrap-server-1-security")
                      .at("type")
                      .as_string(),
                  "scramSha512");
  auto v3 = to_asyncapi(demo_description(), asyncapi_version::v3_0_0);
  CAF_CHECK_EQUAL(
      json::serialize(
          v3.at("servers").at("production-bootstrap-server-0").at("security")),
      R"([{"$ref":"#/components/securitySchemes/production-bootstrap-server-0-security"}])");
}

CAF_TEST(no secret from the client options reaches the spec) {
  auto cfg = docs_demo::config();
  cfg.options.librdkafka["sasl.username"] = "svc-orders";
  cfg.options.librdkafka["sasl.password"] = "hunter2-do-not-leak";
  cfg.options.librdkafka["ssl.key.password"] = "key-pass-do-not-leak";
  app a{cfg};
  docs_demo::install(a);
  for (auto v : {asyncapi_version::v2_6_0, asyncapi_version::v3_0_0}) {
    auto text = to_yaml(to_asyncapi(describe(a), v));
    CAF_CHECK(text.find("do-not-leak") == std::string::npos);
    CAF_CHECK(text.find("svc-orders") == std::string::npos);
    CAF_CHECK(text.find("password") == std::string::npos);
  }
}

CAF_TEST(an app without contact gets the placeholder) {
  app a{pipeline::config()};
  pipeline::install(a);
  auto doc = to_asyncapi(describe(a));
  CAF_CHECK_EQUAL(doc.at("info").at("contact").at("name").as_string(),
                  "Author");
  CAF_CHECK_EQUAL(doc.at("info").at("contact").at("email").as_string(),
                  "noreply@gmail.com");
  CAF_CHECK_EQUAL(doc.at("channels")
                      .at("input")
                      .at("publish")
                      .at("operationId")
                      .as_string(),
                  "on_input");
  CAF_CHECK_EQUAL(doc.at("channels")
                      .at("output")
                      .at("subscribe")
                      .at("operationId")
                      .as_string(),
                  "to_output");
  // Both registrations use InputData: one schema. AsyncAPI 2.x wants
  // unique messageIds after references are resolved, so 2.6 has a message
  // per operation; 3.0 shares one.
  CAF_CHECK_EQUAL(schemas_titled(doc, "InputData"), 1u);
  auto& messages = doc.at("components").at("messages").as_object();
  CAF_CHECK(messages.contains("InputData-on_input"));
  CAF_CHECK(messages.contains("InputData-to_output"));
  auto v3 = to_asyncapi(describe(a), asyncapi_version::v3_0_0);
  // InputData and the dead letters of on_input.
  CAF_CHECK_EQUAL(v3.at("components").at("messages").as_object().size(), 2u);
  CAF_CHECK(
      v3.at("components").at("messages").as_object().contains("InputData"));
}

CAF_TEST(two consumers of one topic each carry their consumer group) {
  app a{pipeline::config()};
  a.consumes<pipeline::InputData>("on_input",
                                  [](const pipeline::InputData&) {});
  a.consumes<pipeline::InputData>(
      "audit_input", [](const pipeline::InputData&) {},
      {.topic = "input", .options = {.group_id = "auditors"}});
  // 2.6 allows one `publish` per channel: both registrations share it, and
  // its binding lists both groups (it had none).
  auto v2 = to_asyncapi(describe(a));
  auto& op = v2.at("channels").at("input").at("publish");
  CAF_CHECK_EQUAL(op.at("operationId").as_string(), "on_input__audit_input");
  CAF_CHECK_EQUAL(
      json::serialize(op.at("bindings").at("kafka").at("groupId")),
      R"({"type":"string","enum":["fastkafka.pipeline.on_input","auditors"]})");
  auto& text = op.at("description").as_string();
  CAF_CHECK(text.find("`audit_input` (group `auditors`)") != std::string::npos);
  // 3.0: one operation per registration, each with its own group.
  auto v3 = to_asyncapi(describe(a), asyncapi_version::v3_0_0);
  auto group = [&](const char* id) {
    return json::serialize(v3.at("operations")
                               .at(id)
                               .at("bindings")
                               .at("kafka")
                               .at("groupId")
                               .at("enum"));
  };
  CAF_CHECK_EQUAL(group("on_input"), R"(["fastkafka.pipeline.on_input"])");
  CAF_CHECK_EQUAL(group("audit_input"), R"(["auditors"])");
  CAF_CHECK_EQUAL(
      v3.at("operations").at("audit_input").at("action").as_string(),
      "receive");
}

CAF_TEST(a 2.6 consumer is a publish operation and a producer a subscribe) {
  // AsyncAPI 2.x names operations from the clients' view; the parser (and
  // so the page) reads `subscribe` as the app sending.
  app a{pipeline::config()};
  pipeline::install(a);
  auto channels = to_asyncapi(describe(a)).at("channels");
  CAF_CHECK(channels.at("input").as_object().contains("publish"));
  CAF_CHECK(!channels.at("input").as_object().contains("subscribe"));
  CAF_CHECK(channels.at("output").as_object().contains("subscribe"));
  CAF_CHECK(!channels.at("output").as_object().contains("publish"));
}

CAF_TEST(registrations declare keys and headers for both versions) {
  app a{pipeline::config()};
  a.consumes<pipeline::InputData>(
      "on_input", [](const pipeline::InputData&) {},
      {.key = key_schema<std::string>("The sensor"),
       .headers = {{"traceparent", "W3C trace context"}}});
  a.produces<pipeline::InputData>(
      "to_output", {.key = key_schema<pipeline::InputData>("A model as key")});
  a.produces<pipeline::InputData>("to_ids",
                                  {.key = key_schema<std::uint16_t>()});
  for (auto v : {asyncapi_version::v2_6_0, asyncapi_version::v3_0_0}) {
    auto doc = to_asyncapi(describe(a), v);
    auto& messages = doc.at("components").at("messages").as_object();
    const json::object* in = nullptr;
    const json::object* out = nullptr;
    const json::object* ids = nullptr;
    for (auto& kv : messages) {
      auto& m = kv.value().as_object();
      auto key = m.contains("bindings")
                     ? json::serialize(m.at("bindings").at("kafka").at("key"))
                     : std::string{};
      if (key.find("The sensor") != std::string::npos)
        in = &m;
      else if (key.find("A model as key") != std::string::npos)
        out = &m;
      else if (key.find("65535") != std::string::npos)
        ids = &m;
    }
    CAF_REQUIRE(in && out && ids);
    CAF_CHECK_EQUAL(json::serialize(in->at("bindings").at("kafka").at("key")),
                    R"({"type":"string","description":"The sensor"})");
    CAF_CHECK_EQUAL(
        json::serialize(in->at("headers")),
        R"({"type":"object","properties":{"traceparent":{"type":"string","description":"W3C trace context"}}})");
    CAF_CHECK_EQUAL(
        in->at("bindings").at("kafka").at("bindingVersion").as_string(),
        v == asyncapi_version::v3_0_0 ? "0.5.0" : "0.4.0");
    // A model as key is a component schema, like a payload.
    CAF_CHECK_EQUAL(
        json::serialize(out->at("bindings").at("kafka").at("key")),
        R"({"$ref":"#/components/schemas/InputData","description":"A model as key"})");
    CAF_CHECK(!out->contains("headers"));
    CAF_CHECK_EQUAL(json::serialize(ids->at("bindings").at("kafka").at("key")),
                    R"({"type":"integer","minimum":0,"maximum":65535})");
  }
  // Messages of one model that differ in key or headers are distinct
  // messages over one schema.
  auto v3 = to_asyncapi(describe(a), asyncapi_version::v3_0_0);
  CAF_CHECK_EQUAL(v3.at("components").at("messages").as_object().size(), 4u);
  CAF_CHECK_EQUAL(schemas_titled(v3, "InputData"), 1u);
}

CAF_TEST(an avro payload is its avro schema and no second json schema) {
  app a{pipeline::config()};
  a.consumes<pipeline::InputData>("on_input",
                                  [](const pipeline::InputData&) {});
  a.consumes<pipeline::InputData>(
      "on_avro", [](const pipeline::InputData&) {},
      {.decoder = avro_codec<pipeline::InputData>()});
  auto avro = json::parse(avro_schema_json<pipeline::InputData>());
  auto v2 = to_asyncapi(describe(a));
  // One JSON Schema: the Avro registration's is the Avro schema.
  CAF_CHECK_EQUAL(schemas_titled(v2, "InputData"), 1u);
  CAF_CHECK(
      !v2.at("components").at("schemas").as_object().contains("InputData_2"));
  auto& m2 = v2.at("components").at("messages").at("InputData_avro");
  CAF_CHECK_EQUAL(m2.at("schemaFormat").as_string(),
                  "application/vnd.apache.avro;version=1.9.0");
  CAF_CHECK_EQUAL(m2.at("contentType").as_string(),
                  "application/vnd.apache.avro");
  CAF_CHECK_EQUAL(json::serialize(m2.at("payload")), json::serialize(avro));
  CAF_CHECK(!m2.as_object().contains("examples"));
  CAF_CHECK_EQUAL(m2.at("title").as_string(), "InputData");
  auto v3 = to_asyncapi(describe(a), asyncapi_version::v3_0_0);
  CAF_CHECK_EQUAL(schemas_titled(v3, "InputData"), 1u);
  auto& m3 = v3.at("components").at("messages").at("InputData_avro");
  CAF_CHECK(!m3.as_object().contains("schemaFormat"));
  CAF_CHECK_EQUAL(m3.at("payload").at("schemaFormat").as_string(),
                  "application/vnd.apache.avro;version=1.9.0");
  CAF_CHECK_EQUAL(json::serialize(m3.at("payload").at("schema")),
                  json::serialize(avro));
  CAF_CHECK_EQUAL(
      json::serialize(
          v3.at("components").at("messages").at("InputData").at("payload")),
      R"({"$ref":"#/components/schemas/InputData"})");
}

CAF_TEST(every dead letter topic is a channel the app sends to) {
  app a{pipeline::config()};
  a.consumes<pipeline::InputData>("on_input",
                                  [](const pipeline::InputData&) {});
  a.consumes<pipeline::InputData>(
      "on_other", [](const pipeline::InputData&) {},
      {.retry = {.max_attempts = 1}, .dead_letter_topic = "other.rejected"});
  auto headers_of = [](const json::value& schema, const json::object& doc) {
    auto* h = &schema;
    if (auto* r = h->as_object().if_contains("$ref"))
      h = &doc.at("components")
               .at("schemas")
               .at(std::string{r->as_string()}.substr(
                   sizeof("#/components/schemas/") - 1));
    std::vector<std::string> names;
    for (auto& kv : h->at("properties").as_object())
      names.emplace_back(kv.key());
    return names;
  };
  std::vector<std::string> expected{dlq_header::reason,  dlq_header::error,
                                    dlq_header::topic,   dlq_header::partition,
                                    dlq_header::offset,  dlq_header::consumer,
                                    dlq_header::attempts};
  auto v2 = to_asyncapi(describe(a));
  for (auto [topic, consumer] : {std::pair{"input.dlq", "on_input"},
                                 std::pair{"other.rejected", "on_other"}}) {
    auto& channel = v2.at("channels").at(topic).as_object();
    CAF_CHECK(!channel.contains("publish"));
    auto& op = channel.at("subscribe");
    CAF_CHECK_EQUAL(op.at("operationId").as_string(),
                    std::string{consumer} + "_dead_letters");
    CAF_CHECK_EQUAL(json::serialize(op.at("tags")),
                    R"([{"name":"dead-letters"}])");
    std::string ref{op.at("message").at("$ref").as_string()};
    auto& m = v2.at("components")
                  .at("messages")
                  .at(ref.substr(sizeof("#/components/messages/") - 1));
    CAF_CHECK(headers_of(m.at("headers"), v2) == expected);
    CAF_CHECK_EQUAL(m.at("payload").at("format").as_string(), "binary");
    CAF_CHECK_EQUAL(
        m.at("bindings").at("kafka").at("key").at("format").as_string(),
        "binary");
  }
  CAF_CHECK(v2.at("channels")
                .at("other.rejected")
                .at("description")
                .as_string()
                .find("after 1 attempt.") != std::string::npos);
  auto v3 = to_asyncapi(describe(a), asyncapi_version::v3_0_0);
  auto& op = v3.at("operations").at("on_other_dead_letters");
  CAF_CHECK_EQUAL(op.at("action").as_string(), "send");
  CAF_CHECK_EQUAL(v3.at("channels").at("other.rejected").at("address"),
                  "other.rejected");
  CAF_CHECK(
      headers_of(
          v3.at("components").at("messages").at("DeadLetter").at("headers"),
          v3) == expected);
}

CAF_TEST(every retry topic is a channel the app consumes and sends to) {
  using namespace std::chrono_literals;
  app a{pipeline::config()};
  a.consumes<pipeline::InputData>(
      "on_input", [](const pipeline::InputData&) {},
      {.headers = {{"traceparent", "W3C trace context"}},
       .retry = retry_topics{{1s, 10s}}});
  auto desc = describe(a);
  // One dead-letter operation for the registration and its stages.
  size_t dead_letter_ops = 0;
  for (auto& op : desc.operations)
    dead_letter_ops += op.dead_letter ? 1 : 0;
  CAF_CHECK_EQUAL(dead_letter_ops, 1u);
  auto v2 = to_asyncapi(desc);
  auto message_of = [&](const json::value& op) -> const json::value& {
    std::string ref{op.at("message").at("$ref").as_string()};
    return v2.at("components")
        .at("messages")
        .at(ref.substr(sizeof("#/components/messages/") - 1));
  };
  for (auto [topic, from] :
       {std::pair{"input.retry.1s", "`on_input`"},
        std::pair{"input.retry.10s", "`input.retry.1s`"}}) {
    auto& channel = v2.at("channels").at(topic).as_object();
    // The stage consumes it (AsyncAPI 2: the app is published to) and the
    // app moves failed records to it.
    auto& consume = channel.at("publish");
    auto& move = channel.at("subscribe");
    CAF_CHECK_EQUAL(consume.at("operationId").as_string(),
                    "on_input.retry." +
                        std::string{topic}.substr(sizeof("input.retry.") - 1));
    CAF_CHECK_EQUAL(json::serialize(move.at("tags")),
                    R"([{"name":"retries"}])");
    CAF_CHECK_EQUAL(json::serialize(consume.at("tags")),
                    R"([{"name":"retries"}])");
    CAF_CHECK(std::string_view{channel.at("description").as_string()}.find(
                  from) != std::string_view::npos);
    auto& m = message_of(consume);
    // One message for both (each operation names it with its own id).
    CAF_CHECK_EQUAL(m.at("name"), message_of(move).at("name"));
    auto& props = m.at("headers").at("properties").as_object();
    for (auto* h :
         {retry_header::attempts, retry_header::topic, retry_header::partition,
          retry_header::offset, retry_header::error, retry_header::due,
          retry_header::consumer, "traceparent"})
      CAF_CHECK(props.contains(h));
    CAF_CHECK_EQUAL(m.at("headers").at("required").as_array().size(), 7u);
    // The group follows the registration's, with the stage's suffix.
    CAF_CHECK(json::serialize(consume.at("bindings")).find("on_input.retry.") !=
              std::string::npos);
  }
  auto& dlq = v2.at("channels").at("input.dlq").as_object();
  CAF_CHECK(std::string_view{dlq.at("description").as_string()}.find(
                "after each of 1s 10s") != std::string_view::npos);
  auto v3 = to_asyncapi(desc, asyncapi_version::v3_0_0);
  CAF_CHECK_EQUAL(
      v3.at("operations").at("on_input.retry.10s_moves").at("action"), "send");
  CAF_CHECK_EQUAL(v3.at("operations").at("on_input.retry.10s").at("action"),
                  "receive");
  CAF_CHECK_EQUAL(v3.at("channels").at("input.retry.10s").at("address"),
                  "input.retry.10s");
  CAF_CHECK(v3.at("components")
                .at("messages")
                .as_object()
                .contains("InputData_retry"));
}

CAF_TEST(tag descriptions are plain text) {
  // The HTML template shows a tag's description as a tooltip, where
  // Markdown (backticks) stays literal.
  for (auto v : {asyncapi_version::v2_6_0, asyncapi_version::v3_0_0}) {
    auto doc = to_asyncapi(demo_description(), v);
    auto& tags = v == asyncapi_version::v3_0_0 ? doc.at("info").at("tags")
                                               : doc.at("tags");
    CAF_CHECK_EQUAL(tags.as_array().size(), 3u);
    for (auto& t : tags.as_array())
      CAF_CHECK(std::string_view{t.at("description").as_string()}.find('`') ==
                std::string_view::npos);
  }
}

CAF_TEST(security the docs cannot express is refused with the broker name) {
  auto cfg = pipeline::config();
  cfg.kafka_brokers["secure"] = {
      {.url = "k", .security = broker_security{.protocol = "SASL_SSL"}}};
  app a{cfg};
  try {
    describe(a);
    CAF_FAIL("describe accepted SASL_SSL without a mechanism");
  } catch (const std::invalid_argument& e) {
    CAF_CHECK(std::string{e.what()}.find("\"secure\"") != std::string::npos);
  }
}

CAF_TEST(the spec is rewritten only when it changed) {
  temp_dir tmp;
  layout where{tmp.path};
  auto desc = demo_description();
  auto first = write_spec(desc, where);
  CAF_CHECK(first.changed);
  CAF_CHECK_EQUAL(first.path, tmp.path / "asyncapi/spec/asyncapi.yml");
  auto stamp = fs::last_write_time(first.path);
  auto second = write_spec(desc, where);
  CAF_CHECK(!second.changed);
  CAF_CHECK(fs::last_write_time(first.path) == stamp);
  desc.version = "9.9.9";
  CAF_CHECK(write_spec(desc, where).changed);
  CAF_CHECK(slurp(first.path).find("version: 9.9.9") != std::string::npos);
}
