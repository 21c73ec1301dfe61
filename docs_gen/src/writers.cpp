#include "fastkafka/docs/asyncapi.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <regex>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

namespace fastkafka::docs {

namespace json = boost::json;

namespace {

std::string shortest(double d) {
  std::array<char, 32> buf;
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  return std::string(buf.data(), end);
}

/// True when a plain YAML scalar `s` would not read back as this string:
/// numbers, booleans and null of YAML 1.1 and 1.2 (js-yaml, which the
/// AsyncAPI tools use, reads 1.2; older readers 1.1), and the empty string.
bool needs_quotes(std::string_view s) {
  if (s.empty())
    return true;
  static const std::regex number{
      R"(^[-+]?(\.?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN)$)"};
  if (std::regex_match(s.begin(), s.end(), number))
    return true;
  std::string lower;
  for (char c : s)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto word :
       {"null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"})
    if (lower == word)
      return true;
  // Dates and times are timestamps in YAML 1.1, and js-yaml (which the
  // AsyncAPI parser uses) reads them as dates.
  static const std::regex timestamp{
      R"(^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$)"};
  if (std::regex_match(s.begin(), s.end(), timestamp))
    return true;
  // Digits with colons are sexagesimal numbers in YAML 1.1 (e.g. 1:30).
  static const std::regex sexagesimal{
      R"(^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$)"};
  return std::regex_match(s.begin(), s.end(), sexagesimal);
}

void emit_string(YAML::Emitter& out, std::string_view s) {
  if (needs_quotes(s))
    out << YAML::DoubleQuoted;
  out << std::string{s};
}

void emit(YAML::Emitter& out, const json::value& v) {
  switch (v.kind()) {
  case json::kind::object: {
    auto& obj = v.get_object();
    if (obj.empty()) {
      out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
      return;
    }
    out << YAML::BeginMap;
    for (auto& kv : obj) {
      out << YAML::Key;
      emit_string(out, kv.key());
      out << YAML::Value;
      emit(out, kv.value());
    }
    out << YAML::EndMap;
    return;
  }
  case json::kind::array: {
    auto& arr = v.get_array();
    if (arr.empty()) {
      out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
      return;
    }
    out << YAML::BeginSeq;
    for (auto& e : arr)
      emit(out, e);
    out << YAML::EndSeq;
    return;
  }
  case json::kind::string:
    emit_string(out, v.get_string());
    return;
  case json::kind::int64:
    out << v.get_int64();
    return;
  case json::kind::uint64:
    out << v.get_uint64();
    return;
  case json::kind::double_:
    out << shortest(v.get_double());
    return;
  case json::kind::bool_:
    out << (v.get_bool() ? "true" : "false");
    return;
  case json::kind::null:
    out << YAML::Null;
    return;
  }
}

void write_json(std::string& out, const json::value& v, int indent) {
  auto newline = [&](int n) {
    out += '\n';
    out.append(static_cast<size_t>(n) * 2, ' ');
  };
  switch (v.kind()) {
  case json::kind::object: {
    auto& obj = v.get_object();
    if (obj.empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (auto& kv : obj) {
      if (!first)
        out += ',';
      first = false;
      newline(indent + 1);
      out += json::serialize(json::string_view{kv.key()});
      out += ": ";
      write_json(out, kv.value(), indent + 1);
    }
    newline(indent);
    out += '}';
    return;
  }
  case json::kind::array: {
    auto& arr = v.get_array();
    if (arr.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    bool first = true;
    for (auto& e : arr) {
      if (!first)
        out += ',';
      first = false;
      newline(indent + 1);
      write_json(out, e, indent + 1);
    }
    newline(indent);
    out += ']';
    return;
  }
  case json::kind::double_:
    out += shortest(v.get_double());
    return;
  default:
    out += json::serialize(v);
    return;
  }
}

} // namespace

std::string to_yaml(const json::value& doc) {
  YAML::Emitter out;
  out.SetIndent(2);
  // Sequences of maps indented under their key, as most YAML is written.
  out.SetSeqFormat(YAML::Block);
  out.SetNullFormat(YAML::LowerNull);
  emit(out, doc);
  std::string text = out.c_str();
  text += '\n';
  return text;
}

std::string to_json(const json::value& doc) {
  std::string out;
  write_json(out, doc, 0);
  out += '\n';
  return out;
}

} // namespace fastkafka::docs
