#include "fastkafka/docs/model.hpp"

#include <cctype>
#include <stdexcept>

#include <boost/json.hpp>

#include "fastkafka/app.hpp"
#include "fastkafka/dead_letter.hpp"
#include "fastkafka/retry_topic.hpp"

namespace fastkafka::docs {

namespace json = boost::json;

std::string safe_id(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) || c == '_' || c == '.' || c == '-' ? c : '_';
  }
  return out.empty() ? std::string{"_"} : out;
}

namespace {

std::string unique(std::string id, const std::vector<std::string>& taken) {
  auto used = [&](const std::string& s) {
    for (auto& t : taken)
      if (t == s)
        return true;
    return false;
  };
  if (!used(id))
    return id;
  for (int i = 2;; ++i)
    if (auto candidate = id + "_" + std::to_string(i); !used(candidate))
      return candidate;
}

void check_security(const std::string& broker, const broker_security& s) {
  auto bad = [&](const std::string& what) {
    throw std::invalid_argument("broker \"" + broker + "\": " + what);
  };
  auto& p = s.protocol;
  if (p != "PLAINTEXT" && p != "SSL" && p != "SASL_PLAINTEXT" &&
      p != "SASL_SSL")
    bad("unknown security protocol \"" + p +
        "\"; expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
  bool sasl = p.starts_with("SASL_");
  auto& m = s.sasl_mechanism;
  if (sasl && m != "PLAIN" && m != "SCRAM-SHA-256" && m != "SCRAM-SHA-512" &&
      m != "GSSAPI" && m != "OAUTHBEARER")
    bad("security protocol " + p +
        " needs sasl_mechanism PLAIN, "
        "SCRAM-SHA-256, SCRAM-SHA-512, GSSAPI or OAUTHBEARER, got \"" +
        m + "\"");
  if (!sasl && !m.empty())
    bad("sasl_mechanism \"" + m + "\" needs a SASL_* security protocol");
  if (m == "OAUTHBEARER" && s.oauth_token_url.empty())
    bad("OAUTHBEARER needs oauth_token_url: AsyncAPI's oauth2 scheme "
        "requires a token URL");
}

json::object bytes_schema(std::string description) {
  return json::object{{"type", "string"},
                      {"format", "binary"},
                      {"description", std::move(description)}};
}

json::object headers_schema(const std::vector<header_info>& headers) {
  json::object props;
  for (auto& h : headers) {
    json::object p{{"type", "string"}};
    if (!h.description.empty())
      p["description"] = h.description;
    props[h.name] = std::move(p);
  }
  return json::object{{"type", "object"}, {"properties", std::move(props)}};
}

/// Adds `m` unless an equal message is there; returns its name. Names stay
/// unique: a model sent in another way gets the codec's name (`Order_avro`),
/// then a number.
std::string add_message(app_description& out, message_description m) {
  std::vector<std::string> names;
  bool other_codec = false;
  for (auto& existing : out.messages) {
    if (existing == m)
      return existing.name;
    if (existing.name == m.name && existing.codec != m.codec)
      other_codec = true;
    names.push_back(existing.name);
  }
  if (other_codec)
    m.name = safe_id(m.name + "_" + m.codec);
  m.name = unique(m.name, names);
  out.messages.push_back(std::move(m));
  return out.messages.back().name;
}

/// The message of a `consumes` or `produces` registration.
template <class Spec>
message_description message_of(const Spec& spec) {
  message_description m;
  m.content_type = spec.content_type;
  m.codec = spec.codec_name;
  if (!m.codec.empty())
    m.description = "Encoded by the `" + m.codec + "` codec.";
  json::object schema;
  if (spec.schema)
    schema = spec.schema();
  if (auto* t = schema.if_contains("title"); t && t->is_string()) {
    m.title = t->get_string();
    m.name = safe_id(m.title);
  } else {
    m.name = safe_id(spec.name + "_payload");
  }
  if (auto* d = schema.if_contains("description"); d && d->is_string())
    m.summary = d->get_string();
  if (!spec.schema_format.empty() && spec.codec_schema) {
    // The codec's own schema is what readers of the topic need (e.g. the
    // Avro writer's schema); a JSON Schema of the type would be a second,
    // wrong description of the same bytes.
    m.schema_format = spec.schema_format;
    m.format_schema = json::parse(spec.codec_schema());
  } else if (!schema.empty()) {
    m.payload = std::move(schema);
  } else {
    m.payload = bytes_schema("Bytes in the codec's own format");
  }
  if (spec.key) {
    if (spec.key->schema)
      m.key = spec.key->schema();
    m.key_description = spec.key->description;
  }
  if (!spec.headers.empty())
    m.headers = headers_schema(spec.headers);
  return m;
}

/// The message of a retry topic of `stage`: the registration's, with the
/// `fastkafka.retry.*` headers after its own (written by the consumer
/// runtime, `retry_header`).
message_description
retry_message(const fastkafka::detail::consumer_spec& stage) {
  auto m = message_of(stage);
  m.name = safe_id(m.name + "_retry");
  m.description +=
      std::string{m.description.empty() ? "" : " "} +
      "A record moved here after its handler failed: key, value and "
      "headers unchanged, followed by `fastkafka.retry.*` headers.";
  auto text = [](std::string d) {
    return json::object{{"type", "string"}, {"description", std::move(d)}};
  };
  json::object props;
  if (auto* own = m.headers.if_contains("properties"))
    props = own->as_object();
  props[retry_header::attempts] =
      text("How often the handler was tried so far, in decimal");
  props[retry_header::topic] =
      text("The topic the record was first consumed from");
  props[retry_header::partition] = text("Its partition there, in decimal");
  props[retry_header::offset] = text("Its offset there, in decimal");
  props[retry_header::error] = text("The handler's last exception text");
  props[retry_header::due] =
      text("When the next try is due, in milliseconds since the epoch");
  props[retry_header::consumer] = text("The registration that retries it");
  json::array required;
  for (auto& kv : props)
    if (retry_header::is_retry_header(kv.key()))
      required.emplace_back(kv.key());
  m.headers = json::object{{"type", "object"},
                           {"properties", std::move(props)},
                           {"required", std::move(required)}};
  return m;
}

/// What a dead letter is: the input record, byte for byte, with headers
/// saying why (written by the consumer runtime, `dlq_header`).
message_description dead_letter_message() {
  message_description m;
  m.name = "DeadLetter";
  m.title = "Dead letter";
  m.summary = "A record a consumer could not decode, or whose handler kept "
              "failing";
  m.description =
      "The input record's key, value and headers, byte for byte as they "
      "were read, followed by `fastkafka.dlq.*` headers that say which "
      "consumer failed on which record, and why. Each consumer of a topic "
      "writes its own dead letter.";
  m.content_type = "application/octet-stream";
  m.payload = bytes_schema("The input record's value, unchanged (it may be "
                           "what could not be decoded)");
  m.key = bytes_schema("The input record's key, unchanged; none when it had "
                       "none");
  auto text = [](std::string d) {
    return json::object{{"type", "string"}, {"description", std::move(d)}};
  };
  auto reason = text("`decode`: the value could not be decoded; `handler`: "
                     "the handler kept failing");
  reason["enum"] = json::array{"decode", "handler"};
  json::object props;
  props[dlq_header::reason] = std::move(reason);
  props[dlq_header::error] =
      text("The decode error (`path: message`) or the handler's exception "
           "text");
  props[dlq_header::topic] = text("The input topic");
  props[dlq_header::partition] = text("The input partition, in decimal");
  props[dlq_header::offset] = text("The input offset, in decimal");
  props[dlq_header::consumer] = text("The registration that failed");
  props[dlq_header::attempts] = text(
      "How often the handler was tried, in decimal (1 for a decode failure)");
  json::array required;
  for (auto& kv : props)
    required.emplace_back(kv.key());
  // A model (it has a title): written once under components/schemas.
  m.headers = json::object{{"title", "DeadLetterHeaders"},
                           {"type", "object"},
                           {"properties", std::move(props)},
                           {"required", std::move(required)}};
  return m;
}

} // namespace

std::string slug(std::string_view text) {
  std::string out;
  bool dash = false;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      if (dash && !out.empty())
        out += '-';
      out += static_cast<char>(std::tolower(u));
      dash = false;
    } else {
      dash = true;
    }
  }
  return out.empty() ? std::string{"app"} : out;
}

app_description describe(const app& a) {
  auto& cfg = a.config();
  app_description out;
  out.title = cfg.title;
  out.version = cfg.version;
  out.description = cfg.description;
  out.contact = cfg.contact.value_or(contact_info{});
  for (auto& [name, brokers] : cfg.kafka_brokers) {
    for (size_t i = 0; i < brokers.size(); ++i) {
      auto& b = brokers[i];
      server_description s;
      s.id = safe_id(brokers.size() == 1
                         ? name
                         : name + "-bootstrap-server-" + std::to_string(i));
      s.broker_name = name;
      s.host = b.url;
      s.port = b.port;
      s.protocol = b.protocol;
      s.description = b.description;
      // The same fact the clients connect with (declared, or from the
      // app's client options).
      if (auto security = effective_security(name, brokers, cfg.options)) {
        check_security(name, *security);
        s.security = security;
        // TLS shows in the protocol unless the app chose one explicitly.
        if (s.protocol == "kafka" && security->protocol.ends_with("SSL"))
          s.protocol = "kafka-secure";
      }
      out.servers.push_back(std::move(s));
    }
  }
  std::vector<std::string> ids;
  auto add_op = [&](operation_kind kind, std::string_view name,
                    std::string topic, std::string description,
                    message_description m) {
    operation_description op;
    op.id = unique(safe_id(name), ids);
    ids.push_back(op.id);
    op.kind = kind;
    op.topic = std::move(topic);
    op.description = std::move(description);
    op.message = add_message(out, std::move(m));
    return op;
  };
  for (auto& c : a.consumers()) {
    auto op = add_op(operation_kind::consume, c->name, c->topic, c->description,
                     c->retry_stage > 0 ? retry_message(*c) : message_of(*c));
    op.group_id = a.group_id(*c, cfg.options);
    op.retry = c->retry_stage > 0;
    out.operations.push_back(std::move(op));
  }
  for (auto& p : a.producers())
    out.operations.push_back(add_op(operation_kind::produce, p->name, p->topic,
                                    p->description, message_of(*p)));
  // The app writes its retry topics too (the registration, then each stage
  // but the last).
  for (auto& c : a.consumers()) {
    if (c->retry_stage == 0)
      continue;
    auto from = c->retry_stage == 1
                    ? "`" + c->retry_of + "`"
                    : "the retry stage `" + c->origin_topic + ".retry." +
                          delay_name(c->retry.topics[c->retry_stage - 2]) + "`";
    auto op =
        add_op(operation_kind::produce, c->name + "_moves", c->topic,
               "Records of `" + c->origin_topic +
                   "` whose handler "
                   "failed in " +
                   from + ", to be tried again " +
                   delay_name(c->retry.topics[c->retry_stage - 1]) + " later.",
               retry_message(*c));
    op.retry = true;
    out.operations.push_back(std::move(op));
  }
  // Every registration produces to its dead-letter topic: readers of that
  // topic need to know what arrives there as much as readers of any other.
  // Its retry consumers write the same dead letters under its name.
  for (auto& c : a.consumers()) {
    if (c->retry_stage > 0)
      continue;
    auto tries = std::to_string(c->retry.max_attempts) +
                 (c->retry.max_attempts == 1 ? " attempt" : " attempts");
    if (!c->retry.topics.empty()) {
      tries += " and one more after each of";
      for (auto d : c->retry.topics)
        tries += " " + delay_name(d);
      tries += " (retry topics)";
    }
    auto op =
        add_op(operation_kind::produce, c->name + "_dead_letters",
               c->dead_letter_topic,
               "Records of `" + c->topic + "` that `" + c->name +
                   "` could not decode, or still failed to handle after " +
                   tries + ".",
               dead_letter_message());
    op.dead_letter = true;
    op.dead_letters_of = c->name;
    out.operations.push_back(std::move(op));
  }
  return out;
}

} // namespace fastkafka::docs
