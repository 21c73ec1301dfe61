#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "caf/error.hpp"
#include "caf/make_message.hpp"

namespace fastkafka {

/// Error codes that actors of the runtime report as `caf::error` values.
enum class error_code : uint8_t {
  /// Not an error.
  none = 0,
  /// A setting was invalid; the context names the option and the value.
  invalid_configuration,
  /// librdkafka refused to create a client or a topic handle.
  client_creation_failed,
  /// A handler threw; the actor stops so its supervisor can restart it.
  handler_failed,
  /// A message could not be decoded into the handler's type.
  decode_failed,
  /// A produced message was not acknowledged by the broker.
  delivery_failed,
  /// Committing consumed offsets failed.
  commit_failed,
  /// A stop did not finish within its deadline.
  stop_timeout,
  /// A Kafka client raised a fatal error and must be replaced.
  client_failed,
  /// A background task threw.
  task_failed,
  /// A child crashed more often than the restart policy allows.
  supervision_failed,
  /// An actor of the runtime threw; the context says which and what.
  actor_crashed,
};

/// Renders an `error_code` as its enumerator name.
std::string to_string(error_code code);

/// Thrown outside actors when the app's configuration cannot work; the
/// message names the setting, the offending value and how to fix it.
class config_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

} // namespace fastkafka

CAF_ERROR_CODE_ENUM(fastkafka::error_code, "fastkafka")
