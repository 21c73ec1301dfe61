#include "fastkafka/docs/model.hpp"

#include <cctype>
#include <stdexcept>

#include <boost/json.hpp>

#include "fastkafka/app.hpp"

namespace fastkafka::docs {

namespace {

// AsyncAPI component and server ids must match ^[A-Za-z0-9_.-]+$.
std::string safe_id(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) || c == '_' || c == '.' || c == '-' ? c : '_';
  }
  return out.empty() ? std::string{"_"} : out;
}

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

template <class Spec>
std::string add_message(app_description& out, const Spec& spec) {
  message_description m;
  m.content_type = spec.content_type;
  m.codec = spec.codec_name;
  if (spec.schema)
    m.payload = spec.schema();
  if (auto* title = m.payload.if_contains("title"); title && title->is_string())
    m.name = safe_id(title->get_string());
  else
    m.name = safe_id(spec.name + "_payload");
  // The same model used by several registrations is one message; a
  // different payload under an equal title gets its own id.
  std::vector<std::string> names;
  for (auto& existing : out.messages) {
    if (existing.name == m.name && existing.payload == m.payload &&
        existing.content_type == m.content_type)
      return existing.name;
    names.push_back(existing.name);
  }
  m.name = unique(m.name, names);
  out.messages.push_back(std::move(m));
  return out.messages.back().name;
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
      if (b.security) {
        check_security(name, *b.security);
        s.security = b.security;
        // TLS shows in the protocol unless the app chose one explicitly.
        if (s.protocol == "kafka" && b.security->protocol.ends_with("SSL"))
          s.protocol = "kafka-secure";
      }
      out.servers.push_back(std::move(s));
    }
  }
  std::vector<std::string> ids;
  auto add_op = [&](operation_kind kind, const auto& spec) {
    operation_description op;
    op.id = unique(safe_id(spec.name), ids);
    ids.push_back(op.id);
    op.kind = kind;
    op.topic = spec.topic;
    op.description = spec.description;
    op.message = add_message(out, spec);
    return op;
  };
  for (auto& c : a.consumers()) {
    auto op = add_op(operation_kind::consume, *c);
    op.group_id = a.group_id(*c, cfg.options);
    out.operations.push_back(std::move(op));
  }
  for (auto& p : a.producers())
    out.operations.push_back(add_op(operation_kind::produce, *p));
  return out;
}

} // namespace fastkafka::docs
