#pragma once

#include <string>
#include <string_view>

namespace fastkafka {

/// Checks a Kafka topic name (1-249 of `[a-zA-Z0-9._-]`, not `.` or `..`).
/// Returns an empty string when valid, else the reason.
std::string check_topic_name(std::string_view topic);

/// The topic of a registration: `topic` when given, else `name` minus
/// `prefix` (`on_input` -> `input`); with an empty `prefix`, `name` itself
/// (as in FastKafka). Throws `config_error` naming the
/// registration and the prefix when neither yields a valid topic.
std::string infer_topic(std::string_view kind, std::string_view name,
                        std::string_view topic, std::string_view prefix);

} // namespace fastkafka
