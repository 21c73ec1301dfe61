#pragma once

// Makes a process's stats actor reachable: published on `--stats-port`
// (loopback unless `--stats-bind` says otherwise), and registered with the
// parent of `run --workers N` when there is one.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "caf/fwd.hpp"

#include "fastkafka/workers/aggregator.hpp"
#include "fastkafka/workers/stats_actor.hpp"

namespace fastkafka::workers {

/// Where and how a process offers its stats.
struct stats_options {
  /// Port to publish on; unset: not published; 0: any free port.
  std::optional<uint16_t> port;
  /// Address to listen on; `0.0.0.0` (or empty) for every interface.
  std::string bind = "127.0.0.1";
  /// `host:port` of the parent's stats actor to register with (a worker's
  /// `FASTKAFKA_STATS_PARENT`); empty: none.
  std::string parent;
  /// The worker index it registers as.
  int32_t worker = 0;
  stats_actor_options actor;
};

/// The stats actor of this process, published and/or registered for as
/// long as the object lives. The actor system must have the middleman
/// (`load_middleman`).
class stats_endpoint {
public:
  /// Spawns the stats actor over `provider`, publishes it (blocking until
  /// the port is bound) and starts registering it with the parent (in the
  /// background, again after the parent went away). Throws
  /// `std::runtime_error` naming the address when it cannot listen.
  stats_endpoint(caf::actor_system& sys, snapshot_provider provider,
                 stats_options options);
  /// Unpublishes and stops the actors.
  ~stats_endpoint();
  stats_endpoint(const stats_endpoint&) = delete;
  stats_endpoint& operator=(const stats_endpoint&) = delete;

  /// The port it listens on; 0 when not published.
  uint16_t port() const noexcept;

  stats_actor actor() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Publishes `whom` on `port` at `bind` (empty or `0.0.0.0`: every
/// interface); returns the bound port. Throws `std::runtime_error` saying
/// what could not be bound and why.
uint16_t publish_stats(caf::actor_system& sys, const stats_actor& whom,
                       uint16_t port, const std::string& bind);

/// The same for the parent's aggregator.
uint16_t publish_stats(caf::actor_system& sys, const aggregator_actor& whom,
                       uint16_t port, const std::string& bind);

} // namespace fastkafka::workers
