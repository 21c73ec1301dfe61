#include "fastkafka/topic.hpp"

#include "fastkafka/errors.hpp"

namespace fastkafka {

std::string check_topic_name(std::string_view topic) {
  if (topic.empty())
    return "a topic name must not be empty";
  if (topic == "." || topic == "..")
    return "a topic name must not be \".\" or \"..\"";
  if (topic.size() > 249)
    return "a topic name has at most 249 characters, got " +
           std::to_string(topic.size());
  for (char c : topic) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok)
      return "a topic name may only contain letters, digits, '.', '_' and "
             "'-', got '" +
             std::string(1, c) + "' in \"" + std::string{topic} + "\"";
  }
  return {};
}

std::string infer_topic(std::string_view kind, std::string_view name,
                        std::string_view topic, std::string_view prefix) {
  std::string result;
  if (!topic.empty()) {
    result = topic;
  } else if (prefix.empty()) {
    // As in FastKafka: without a prefix the name is the topic.
    result = name;
  } else if (name.starts_with(prefix) && name.size() > prefix.size()) {
    result = name.substr(prefix.size());
  } else {
    throw config_error(
        std::string{kind} + " registration \"" + std::string{name} +
        "\" has no topic and its name does not start with "
        "the prefix \"" +
        std::string{prefix} + "\": name it \"" + std::string{prefix} +
        "<topic>\" or give the topic explicitly");
  }
  if (auto err = check_topic_name(result); !err.empty())
    throw config_error(std::string{kind} + " registration \"" +
                       std::string{name} + "\": " + err);
  return result;
}

} // namespace fastkafka
