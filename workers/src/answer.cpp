#include "answer.hpp"

#include "caf/sec.hpp"

namespace fastkafka::workers {

member_status status_of(const caf::error& err) {
  if (err.category() != caf::atom("system"))
    return member_status::error;
  switch (static_cast<caf::sec>(err.code())) {
  case caf::sec::request_timeout:
  case caf::sec::connection_timeout:
    return member_status::timeout;
  case caf::sec::request_receiver_down:
  case caf::sec::cannot_connect_to_node:
  case caf::sec::no_route_to_receiving_node:
  case caf::sec::disconnect_during_handshake:
  case caf::sec::network_syscall_failed:
  case caf::sec::socket_disconnected:
  case caf::sec::socket_operation_failed:
    return member_status::unreachable;
  case caf::sec::unexpected_message:
  case caf::sec::unexpected_response:
  case caf::sec::no_actor_published_at_port:
  case caf::sec::unexpected_actor_messaging_interface:
  case caf::sec::incompatible_versions:
  case caf::sec::incompatible_application_ids:
  case caf::sec::malformed_basp_message:
    return member_status::not_stats;
  default:
    return member_status::error;
  }
}

member_report failed_member(const caf::error& err, std::string reason) {
  member_report m;
  m.status = status_of(err);
  m.reason = std::move(reason);
  return m;
}

} // namespace fastkafka::workers
