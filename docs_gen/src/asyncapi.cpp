#include "fastkafka/docs/asyncapi.hpp"

#include <algorithm>
#include <map>

#include <boost/json.hpp>

namespace fastkafka::docs {

namespace json = boost::json;

std::string_view to_string(asyncapi_version v) noexcept {
  return v == asyncapi_version::v3_0_0 ? "3.0.0" : "2.6.0";
}

std::optional<asyncapi_version> parse_asyncapi_version(std::string_view text) {
  if (text == "2.6.0" || text == "2.6")
    return asyncapi_version::v2_6_0;
  if (text == "3.0.0" || text == "3.0")
    return asyncapi_version::v3_0_0;
  return std::nullopt;
}

namespace {

constexpr std::string_view defs_prefix = "#/$defs/";
const std::string schemas_prefix = "#/components/schemas/";

/// Rewrites JSON Schema references into component references: `$defs`
/// move to `components/schemas`, and `#` (a recursive model) is the root.
void rewrite_refs(json::value& v, const std::string& root) {
  if (auto* obj = v.if_object()) {
    if (auto* ref = obj->if_contains("$ref"); ref && ref->is_string()) {
      std::string_view r = ref->get_string();
      if (r == "#")
        *ref = schemas_prefix + root;
      else if (r.starts_with(defs_prefix))
        *ref = schemas_prefix + safe_id(r.substr(defs_prefix.size()));
    }
    for (auto& kv : *obj)
      rewrite_refs(kv.value(), root);
  } else if (auto* arr = v.if_array()) {
    for (auto& e : *arr)
      rewrite_refs(e, root);
  }
}

json::object ref(std::string target) {
  return json::object{{"$ref", std::move(target)}};
}

/// Escapes a JSON pointer token (RFC 6901).
std::string pointer_token(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

json::object info_of(const app_description& app) {
  json::object info;
  info["title"] = app.title;
  info["version"] = app.version;
  if (!app.description.empty())
    info["description"] = app.description;
  info["contact"] = json::object{{"name", app.contact.name},
                                 {"url", app.contact.url},
                                 {"email", app.contact.email}};
  // The app declares no license (app_config has none): the spec says
  // nothing rather than invent one.
  return info;
}

std::string scheme_id(const server_description& s) {
  return s.id + "-security";
}

/// The AsyncAPI security scheme of a broker; none for plain PLAINTEXT.
std::optional<json::object> scheme_of(const server_description& s,
                                      asyncapi_version v) {
  if (!s.security || s.security->protocol == "PLAINTEXT")
    return std::nullopt;
  auto& sec = *s.security;
  json::object out;
  auto& m = sec.sasl_mechanism;
  if (sec.protocol == "SSL") {
    out["type"] = "X509";
  } else if (m == "PLAIN") {
    out["type"] = "plain";
  } else if (m == "SCRAM-SHA-256") {
    out["type"] = "scramSha256";
  } else if (m == "SCRAM-SHA-512") {
    out["type"] = "scramSha512";
  } else if (m == "GSSAPI") {
    out["type"] = "gssapi";
  } else { // OAUTHBEARER, checked by describe()
    out["type"] = "oauth2";
    json::object flow{{"tokenUrl", sec.oauth_token_url}};
    flow[v == asyncapi_version::v3_0_0 ? "availableScopes" : "scopes"] =
        json::object{};
    out["flows"] = json::object{{"clientCredentials", std::move(flow)}};
  }
  std::string text = sec.protocol;
  if (!m.empty())
    text += " with SASL mechanism " + m;
  if (!sec.description.empty())
    text += ". " + sec.description;
  out["description"] = std::move(text);
  return out;
}

json::object servers_of(const app_description& app, asyncapi_version v,
                        json::object& schemes) {
  json::object servers;
  for (auto& s : app.servers) {
    json::object server;
    // The port is a variable, as FastKafka writes it, so that readers can
    // see and change it apart from the host.
    auto address = s.host + ":{port}";
    if (v == asyncapi_version::v3_0_0)
      server["host"] = address;
    else
      server["url"] = address;
    server["protocol"] = s.protocol;
    if (!s.description.empty())
      server["description"] = s.description;
    server["variables"] = json::object{
        {"port", json::object{{"default", std::to_string(s.port)}}}};
    if (auto scheme = scheme_of(s, v)) {
      auto id = scheme_id(s);
      schemes[id] = std::move(*scheme);
      json::array security;
      if (v == asyncapi_version::v3_0_0)
        security.emplace_back(ref("#/components/securitySchemes/" + id));
      else
        security.emplace_back(json::object{{id, json::array{}}});
      server["security"] = std::move(security);
    }
    servers[s.id] = std::move(server);
  }
  return servers;
}

std::string_view binding_version(asyncapi_version v) {
  return v == asyncapi_version::v3_0_0 ? "0.5.0" : "0.4.0";
}

/// Moves the `$defs` of `schema` into `schemas` and returns what goes in its
/// place: a reference when `schema` is a model (it has a title), else
/// `schema` itself with its references rewritten. The first definition of a
/// name wins: equal titles are the same model in one app.
json::value place_schema(json::object schema, json::object& schemas) {
  std::string root;
  if (auto* t = schema.if_contains("title"); t && t->is_string())
    root = safe_id(t->get_string());
  if (auto* defs = schema.if_contains("$defs"); defs && defs->is_object()) {
    for (auto& kv : defs->get_object()) {
      auto id = safe_id(kv.key());
      if (schemas.contains(id))
        continue;
      json::value def = kv.value();
      rewrite_refs(def, root);
      schemas[id] = std::move(def);
    }
    schema.erase("$defs");
  }
  json::value v = std::move(schema);
  rewrite_refs(v, root);
  if (root.empty())
    return v;
  if (!schemas.contains(root))
    schemas[root] = std::move(v);
  return ref(schemas_prefix + root);
}

json::object message_of(const message_description& m, const std::string& id,
                        asyncapi_version v, json::object& schemas) {
  json::object msg;
  if (v == asyncapi_version::v2_6_0)
    msg["messageId"] = id;
  msg["name"] = m.name;
  if (!m.title.empty())
    msg["title"] = m.title;
  if (!m.summary.empty())
    msg["summary"] = m.summary;
  msg["contentType"] = m.content_type;
  if (!m.description.empty())
    msg["description"] = m.description;
  if (!m.schema_format.empty()) {
    // 2.x names the payload's format on the message; 3.0 wraps the payload
    // in a multi-format schema.
    if (v == asyncapi_version::v3_0_0) {
      msg["payload"] = json::object{{"schemaFormat", m.schema_format},
                                    {"schema", m.format_schema}};
    } else {
      msg["schemaFormat"] = m.schema_format;
      msg["payload"] = m.format_schema;
    }
  } else {
    msg["payload"] = place_schema(m.payload, schemas);
  }
  if (!m.headers.empty())
    msg["headers"] = place_schema(m.headers, schemas);
  if (!m.key.empty()) {
    auto key = place_schema(m.key, schemas);
    if (!m.key_description.empty())
      key.as_object()["description"] = m.key_description;
    msg["bindings"] = json::object{
        {"kafka", json::object{{"key", std::move(key)},
                               {"bindingVersion", binding_version(v)}}}};
  }
  // Examples are JSON values of the JSON Schema; another format (Avro)
  // encodes them differently, so they are left out there.
  if (auto* ex = m.payload.if_contains("examples"); ex && ex->is_array()) {
    json::array examples;
    int i = 0;
    for (auto& e : ex->get_array()) {
      json::value payload = e;
      examples.emplace_back(
          json::object{{"name", m.name + "-example-" + std::to_string(++i)},
                       {"payload", std::move(payload)}});
    }
    msg["examples"] = std::move(examples);
  }
  return msg;
}

std::string_view tag_of(const operation_description& op) {
  if (op.dead_letter)
    return "dead-letters";
  if (op.retry)
    return "retries";
  return op.kind == operation_kind::consume ? "consumers" : "producers";
}

/// The tags of the registrations behind one operation, in order.
json::array op_tags(const std::vector<const operation_description*>& ops) {
  json::array tags;
  for (auto* op : ops) {
    json::value tag = json::object{{"name", tag_of(*op)}};
    if (std::find(tags.begin(), tags.end(), tag) == tags.end())
      tags.push_back(std::move(tag));
  }
  return tags;
}

json::array root_tags(const app_description& app) {
  // Tag descriptions are shown as tooltips (plain text) by the HTML
  // template, not as Markdown: no backticks here.
  static const std::pair<std::string_view, std::string_view> known[] = {
      {"consumers", "Topics the app consumes (its consumes handlers)"},
      {"producers", "Topics the app produces to (its produces calls)"},
      {"retries", "Retry topics: failed records wait there for their next "
                  "try, without holding up their topic"},
      {"dead-letters", "Where consumers put the records they could not "
                       "decode or handle"},
  };
  json::array tags;
  for (auto& [name, text] : known)
    for (auto& op : app.operations)
      if (tag_of(op) == name) {
        tags.emplace_back(json::object{{"name", name}, {"description", text}});
        break;
      }
  return tags;
}

/// The Kafka binding with the consumer groups of `ops` (one for a 3.0
/// operation; a 2.x operation may stand for several consumers of a topic).
json::object group_binding(const std::vector<const operation_description*>& ops,
                           asyncapi_version v) {
  json::array groups;
  for (auto* op : ops)
    if (std::find(groups.begin(), groups.end(), json::value(op->group_id)) ==
        groups.end())
      groups.emplace_back(op->group_id);
  return json::object{
      {"kafka",
       json::object{{"groupId", json::object{{"type", "string"},
                                             {"enum", std::move(groups)}}},
                    {"bindingVersion", binding_version(v)}}}};
}

/// Topics in order of first use.
std::vector<std::string> topics_of(const app_description& app) {
  std::vector<std::string> topics;
  for (auto& op : app.operations)
    if (std::find(topics.begin(), topics.end(), op.topic) == topics.end())
      topics.push_back(op.topic);
  return topics;
}

/// The distinct descriptions of the registrations on `topic`, except those
/// in `skip` (described elsewhere).
std::string channel_description(
    const app_description& app, const std::string& topic,
    const std::vector<const operation_description*>& skip = {}) {
  std::string text;
  for (auto& op : app.operations) {
    if (op.topic != topic || op.description.empty() ||
        std::find(skip.begin(), skip.end(), &op) != skip.end())
      continue;
    if (text.find(op.description) != std::string::npos)
      continue;
    if (!text.empty())
      text += "\n\n";
    text += op.description;
  }
  return text;
}

/// One AsyncAPI 2.x operation: the registrations of one kind on one topic.
struct v2_operation {
  std::string topic;
  operation_kind kind;
  std::string id;
  std::vector<const operation_description*> ops;
  std::vector<std::string> messages;
};

std::vector<v2_operation> v2_operations(const app_description& app) {
  std::vector<v2_operation> out;
  for (auto& topic : topics_of(app)) {
    // AsyncAPI 2.x allows one operation of each kind per channel, so
    // several registrations of one kind on one topic share it.
    for (auto kind : {operation_kind::consume, operation_kind::produce}) {
      v2_operation v2{topic, kind, {}, {}, {}};
      for (auto& op : app.operations) {
        if (op.topic != topic || op.kind != kind)
          continue;
        v2.id += (v2.id.empty() ? "" : "__") + op.id;
        v2.ops.push_back(&op);
        if (std::find(v2.messages.begin(), v2.messages.end(), op.message) ==
            v2.messages.end())
          v2.messages.push_back(op.message);
      }
      if (!v2.ops.empty())
        out.push_back(std::move(v2));
    }
  }
  return out;
}

/// Component ids of 2.x messages: the parser demands unique messageIds
/// after references are resolved, so a model used by several operations
/// gets one message per operation (`<Model>-<operationId>`), all pointing at
/// one schema.
std::map<std::pair<std::string, std::string>, std::string>
v2_message_ids(const std::vector<v2_operation>& ops) {
  std::map<std::string, int> uses;
  for (auto& op : ops)
    for (auto& m : op.messages)
      ++uses[m];
  std::map<std::pair<std::string, std::string>, std::string> ids;
  for (auto& op : ops)
    for (auto& m : op.messages)
      ids[{op.id, m}] = uses[m] == 1 ? m : m + "-" + op.id;
  return ids;
}

json::object channels_v2(
    const app_description& app, const std::vector<v2_operation>& ops,
    const std::map<std::pair<std::string, std::string>, std::string>& ids) {
  json::object channels;
  for (auto& topic : topics_of(app)) {
    // Registrations that share an operation are described there, each
    // with its name; the channel says only what the others do.
    std::vector<const operation_description*> shared;
    for (auto& v2 : ops)
      if (v2.topic == topic && v2.ops.size() > 1)
        shared.insert(shared.end(), v2.ops.begin(), v2.ops.end());
    json::object channel;
    if (auto d = channel_description(app, topic, shared); !d.empty())
      channel["description"] = std::move(d);
    for (auto& v2 : ops) {
      if (v2.topic != topic)
        continue;
      json::object operation;
      operation["operationId"] = v2.id;
      // One registration: the channel already shows its text. Several:
      // each is named (with its group), so that the reader sees which
      // handler does what.
      std::string description;
      for (auto* op : v2.ops) {
        if (v2.ops.size() == 1)
          break;
        if (!description.empty())
          description += "\n\n";
        description += "`" + op->id + "`";
        if (op->kind == operation_kind::consume)
          description += " (group `" + op->group_id + "`)";
        if (!op->description.empty())
          description += ": " + op->description;
      }
      if (!description.empty())
        operation["description"] = description;
      operation["tags"] = op_tags(v2.ops);
      if (v2.kind == operation_kind::consume)
        operation["bindings"] = group_binding(v2.ops, asyncapi_version::v2_6_0);
      auto message_ref = [&](const std::string& m) {
        return ref("#/components/messages/" + ids.at({v2.id, m}));
      };
      if (v2.messages.size() == 1) {
        operation["message"] = message_ref(v2.messages[0]);
      } else {
        json::array one_of;
        for (auto& m : v2.messages)
          one_of.emplace_back(message_ref(m));
        operation["message"] = json::object{{"oneOf", std::move(one_of)}};
      }
      // AsyncAPI 2.x names operations from the view of the app's clients:
      // `publish` holds what they publish and the app consumes, `subscribe`
      // what the app produces (the parser's `isSend()`). FastKafka writes
      // them the other way round, and the rendered page then calls a
      // consumer a send operation.
      channel[v2.kind == operation_kind::consume ? "publish" : "subscribe"] =
          std::move(operation);
    }
    channels[topic] = std::move(channel);
  }
  return channels;
}

void channels_v3(const app_description& app, json::object& channels,
                 json::object& operations) {
  for (auto& topic : topics_of(app)) {
    json::object channel;
    channel["address"] = topic;
    if (auto d = channel_description(app, topic); !d.empty())
      channel["description"] = std::move(d);
    json::object messages;
    for (auto& op : app.operations)
      if (op.topic == topic && !messages.contains(op.message))
        messages[op.message] = ref("#/components/messages/" + op.message);
    channel["messages"] = std::move(messages);
    channels[topic] = std::move(channel);
  }
  for (auto& op : app.operations) {
    json::object operation;
    operation["action"] =
        op.kind == operation_kind::consume ? "receive" : "send";
    operation["channel"] = ref("#/channels/" + pointer_token(op.topic));
    operation["title"] = op.id;
    if (!op.description.empty())
      operation["description"] = op.description;
    operation["tags"] = op_tags({&op});
    if (op.kind == operation_kind::consume)
      operation["bindings"] = group_binding({&op}, asyncapi_version::v3_0_0);
    operation["messages"] =
        json::array{ref("#/channels/" + pointer_token(op.topic) + "/messages/" +
                        pointer_token(op.message))};
    operations[op.id] = std::move(operation);
  }
}

} // namespace

json::object to_asyncapi(const app_description& app, asyncapi_version v) {
  json::object doc;
  doc["asyncapi"] = to_string(v);
  doc["id"] = "urn:fastkafka:" + slug(app.title);
  auto info = info_of(app);
  auto tags = root_tags(app);
  if (v == asyncapi_version::v3_0_0 && !tags.empty())
    info["tags"] = tags;
  doc["info"] = std::move(info);
  doc["defaultContentType"] = "application/json";
  json::object schemes;
  doc["servers"] = servers_of(app, v, schemes);
  json::object messages;
  json::object schemas;
  if (v == asyncapi_version::v3_0_0) {
    for (auto& m : app.messages)
      messages[m.name] = message_of(m, m.name, v, schemas);
    json::object channels, operations;
    channels_v3(app, channels, operations);
    doc["channels"] = std::move(channels);
    doc["operations"] = std::move(operations);
  } else {
    auto ops = v2_operations(app);
    auto ids = v2_message_ids(ops);
    // Messages in the order the operations use them.
    for (auto& op : ops)
      for (auto& name : op.messages)
        for (auto& m : app.messages)
          if (m.name == name)
            messages[ids.at({op.id, name})] =
                message_of(m, ids.at({op.id, name}), v, schemas);
    doc["channels"] = channels_v2(app, ops, ids);
  }
  json::object components;
  if (!messages.empty())
    components["messages"] = std::move(messages);
  if (!schemas.empty())
    components["schemas"] = std::move(schemas);
  if (!schemes.empty())
    components["securitySchemes"] = std::move(schemes);
  doc["components"] = std::move(components);
  if (v == asyncapi_version::v2_6_0 && !tags.empty())
    doc["tags"] = std::move(tags);
  return doc;
}

} // namespace fastkafka::docs
