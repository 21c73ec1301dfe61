#pragma once

#include <memory>
#include <string>
#include <vector>

#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "fastkafka/detail/runtime.hpp"
#include "fastkafka/options.hpp"
#include "fastkafka/type_ids.hpp"

namespace fastkafka {

/// Polls one `consumes` registration's client and runs its handler; lives on
/// its own thread. `stop` finishes in-flight work, commits and closes.
using consumer_actor = caf::typed_actor<caf::reacts_to<poll_atom>,
                                        caf::replies_to<stop_atom>::with<bool>>;

/// Serves one producer client's delivery reports on its own thread; `stop`
/// flushes what is still outstanding.
using producer_actor = caf::typed_actor<caf::reacts_to<poll_atom>,
                                        caf::replies_to<stop_atom>::with<bool>>;

/// Owns the Kafka clients of one cluster, restarts failed consumers with
/// backoff and stops everything in order.
using client_supervisor_actor =
    caf::typed_actor<caf::replies_to<start_atom>::with<bool>,
                     caf::replies_to<stop_atom>::with<bool>,
                     caf::reacts_to<restart_atom, uint32_t>>;

/// Everything a client supervisor needs to know about its cluster.
struct cluster_plan {
  /// Name of the broker set, for logs.
  std::string broker_name;
  /// `host:port,...`.
  std::string bootstrap_servers;
  /// Title of the app, for logs.
  std::string app_title;
  /// The app's options, overrides applied.
  client_options app_options;
  /// Supplies OAUTHBEARER tokens to every client; may be null.
  std::shared_ptr<const oauth_token_provider> token_provider;
  std::vector<std::shared_ptr<const detail::consumer_spec>> consumers;
  /// Group ids of `consumers`, index for index.
  std::vector<std::string> group_ids;
  std::vector<std::shared_ptr<const detail::producer_spec>> producers;
};

/// Spawns a client supervisor for one cluster.
client_supervisor_actor spawn_client_supervisor(caf::actor_system& sys,
                                                cluster_plan plan);

} // namespace fastkafka

namespace fastkafka {

/// Starts and stops the client supervisors of every cluster the app uses,
/// in order; fails as a whole when one of them cannot start.
using app_supervisor_actor =
    caf::typed_actor<caf::replies_to<start_atom>::with<bool>,
                     caf::replies_to<stop_atom>::with<bool>>;

/// Spawns the app supervisor over one plan per cluster.
app_supervisor_actor spawn_app_supervisor(caf::actor_system& sys,
                                          std::vector<cluster_plan> plans);

} // namespace fastkafka

#include <chrono>
#include <functional>
#include <stop_token>

namespace fastkafka {

/// Runs one background task on its own thread; `stop` answers once the task
/// returned (the caller requests the stop through the task's stop token).
using background_actor =
    caf::typed_actor<caf::reacts_to<start_atom>,
                     caf::replies_to<stop_atom>::with<bool>>;

/// A task started after the consumers and cancelled before them.
struct background_task {
  std::string name;
  std::function<void(std::stop_token)> run;
};

/// Spawns the actor of one background task; it starts on `start_atom`.
background_actor spawn_background_task(caf::actor_system& sys,
                                       background_task task,
                                       std::stop_token token);

/// One registration the benchmark actor samples.
struct benchmark_target {
  /// Shown in the log line, e.g. `on_input`.
  std::string name;
  /// Reads the registration's running count of calls.
  std::function<uint64_t()> count;
  benchmark_options options;
};

/// Samples message counts each interval and logs throughput lines in
/// FastKafka's format; logs nothing for an interval without messages.
using benchmark_actor =
    caf::typed_actor<caf::reacts_to<sample_atom, uint32_t>,
                     caf::replies_to<stop_atom>::with<bool>>;

/// Spawns the benchmark actor over `targets`.
benchmark_actor spawn_benchmark_actor(caf::actor_system& sys,
                                      std::vector<benchmark_target> targets);

/// Renders `n` with thousands separators: 93598 -> `93,598`.
std::string with_thousands(uint64_t n);

} // namespace fastkafka
