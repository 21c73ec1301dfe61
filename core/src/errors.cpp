#include "fastkafka/errors.hpp"

namespace fastkafka {

std::string to_string(error_code code) {
  switch (code) {
  case error_code::none:
    return "none";
  case error_code::invalid_configuration:
    return "invalid_configuration";
  case error_code::client_creation_failed:
    return "client_creation_failed";
  case error_code::handler_failed:
    return "handler_failed";
  case error_code::decode_failed:
    return "decode_failed";
  case error_code::delivery_failed:
    return "delivery_failed";
  case error_code::commit_failed:
    return "commit_failed";
  case error_code::stop_timeout:
    return "stop_timeout";
  case error_code::client_failed:
    return "client_failed";
  case error_code::task_failed:
    return "task_failed";
  case error_code::supervision_failed:
    return "supervision_failed";
  case error_code::actor_crashed:
    return "actor_crashed";
  }
  return "unknown";
}

} // namespace fastkafka
