#pragma once

// The client side of the live view: asks stats endpoints (workers, single
// processes, parents of workers) for their reports, all at once, and turns
// whatever happens into rows.

#include <chrono>
#include <vector>

#include "caf/fwd.hpp"

#include "fastkafka/stats_report.hpp"
#include "fastkafka/workers/endpoint.hpp"

namespace fastkafka::workers {

/// Time limits of one round of requests.
struct collect_options {
  /// For the TCP connection and CAF's handshake with an endpoint.
  std::chrono::milliseconds connect_timeout{2000};
  /// For each of the two requests (version, report).
  std::chrono::milliseconds request_timeout{2000};
};

/// Asks every endpoint in `where` in parallel: connect, compare protocol
/// versions, request the report. Returns the members of every answer in
/// the order of `where`, each with `endpoint` set; an endpoint that failed
/// is one row saying why (unreachable, timeout, version mismatch, not a
/// stats actor). Never throws for what a peer does; returns within about
/// `connect_timeout + 2 * request_timeout`. The actor system needs the
/// middleman (`load_middleman`).
std::vector<member_report> collect(caf::actor_system& sys,
                                   const std::vector<endpoint>& where,
                                   const collect_options& options = {});

} // namespace fastkafka::workers
