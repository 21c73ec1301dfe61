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
#include "fastkafka/docs/docs.hpp"
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
                      .at("subscribe")
                      .at("operationId")
                      .as_string(),
                  "on_input");
  CAF_CHECK_EQUAL(doc.at("channels")
                      .at("output")
                      .at("publish")
                      .at("operationId")
                      .as_string(),
                  "to_output");
  // Both registrations use InputData: one schema. AsyncAPI 2.x wants
  // unique messageIds after references are resolved, so 2.6 has a message
  // per operation; 3.0 shares one.
  CAF_CHECK_EQUAL(doc.at("components").at("schemas").as_object().size(), 1u);
  auto& messages = doc.at("components").at("messages").as_object();
  CAF_CHECK(messages.contains("InputData-on_input"));
  CAF_CHECK(messages.contains("InputData-to_output"));
  auto v3 = to_asyncapi(describe(a), asyncapi_version::v3_0_0);
  CAF_CHECK_EQUAL(v3.at("components").at("messages").as_object().size(), 1u);
}

CAF_TEST(two consumers of one topic share the 2.6 operation) {
  app a{pipeline::config()};
  a.consumes<pipeline::InputData>("on_input",
                                  [](const pipeline::InputData&) {});
  a.consumes<pipeline::InputData>(
      "audit_input", [](const pipeline::InputData&) {}, {.topic = "input"});
  auto v2 = to_asyncapi(describe(a));
  CAF_CHECK_EQUAL(v2.at("channels")
                      .at("input")
                      .at("subscribe")
                      .at("operationId")
                      .as_string(),
                  "on_input__audit_input");
  auto v3 = to_asyncapi(describe(a), asyncapi_version::v3_0_0);
  CAF_CHECK(v3.at("operations").as_object().contains("on_input"));
  CAF_CHECK(v3.at("operations").as_object().contains("audit_input"));
  CAF_CHECK_EQUAL(
      v3.at("operations").at("audit_input").at("action").as_string(),
      "receive");
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
