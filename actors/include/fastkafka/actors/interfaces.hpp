#pragma once

// The actors of a running app, their interfaces and what each is spawned
// from. The tree:
//
//   app supervisor
//     ├─ client supervisor per cluster address
//     │    ├─ producer actor per `produces` (+ one for dead letters)
//     │    └─ consumer actor per `consumes`
//     ├─ one actor per background task
//     ├─ benchmark actor (when a registration asks for it)
//     └─ services handed in by the caller (the CLI's docs actor)
//
// Every supervisor monitors its children; a crash is restarted under the
// app's `restart_policy`, and when that is exhausted the app stops in
// order and reports a failure.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "caf/actor.hpp"
#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "fastkafka/actors/board.hpp"
#include "fastkafka/app.hpp"
#include "fastkafka/kafka/consumer_port.hpp"
#include "fastkafka/kafka/producer_port.hpp"
#include "fastkafka/kafka/transaction_port.hpp"
#include "fastkafka/options.hpp"
#include "fastkafka/restart_budget.hpp"
#include "fastkafka/supervision.hpp"
#include "fastkafka/type_ids.hpp"

namespace fastkafka::actors {

/// Polls one `consumes` registration's client and runs its handler on a
/// thread of its own. `resume` ends a partition's backoff; `stop` (with a
/// monotonic deadline in ms) finishes in-flight work, commits and closes,
/// answering whether all of it was confirmed in time.
using consumer_actor =
    caf::typed_actor<caf::reacts_to<poll_atom>,
                     caf::reacts_to<resume_atom, int32_t>,
                     caf::replies_to<stop_atom, int64_t>::with<bool>>;

/// Serves one producer client's delivery reports; `stop` flushes what is
/// outstanding until the deadline and answers whether all was delivered.
using producer_actor =
    caf::typed_actor<caf::reacts_to<poll_atom>,
                     caf::replies_to<stop_atom, int64_t>::with<bool>>;

/// Owns the Kafka clients of one cluster, restarts crashed consumer and
/// producer actors, says when the brokers are (not) reachable, and stops
/// everything in order.
using client_supervisor_actor =
    caf::typed_actor<caf::replies_to<start_atom>::with<bool>,
                     caf::replies_to<stop_atom, int64_t>::with<bool>,
                     caf::reacts_to<restart_atom, uint32_t>,
                     caf::reacts_to<tick_atom>>;

/// The root: starts the clusters, then the background tasks, benchmark and
/// services; stops them in reverse; stops everything when a child fails
/// beyond its restart policy.
using app_supervisor_actor =
    caf::typed_actor<caf::replies_to<start_atom>::with<bool>,
                     caf::replies_to<stop_atom, int64_t>::with<bool>,
                     caf::reacts_to<restart_atom, uint32_t>,
                     caf::reacts_to<timeout_atom, uint32_t>,
                     caf::reacts_to<fail_atom, std::string>>;

/// Runs one background task on a thread of its own; it quits when the task
/// returns (normally) or throws (with an error its supervisor sees).
using background_actor = caf::typed_actor<caf::reacts_to<start_atom>>;

/// Makes the clients of a cluster; the runtime's default makes librdkafka
/// clients, the supervision tests make clients without a broker.
struct client_factory {
  std::function<std::unique_ptr<kafka::producer_port>(
      const std::string& name, const std::string& topic,
      const client_options& options, std::string& err)>
      producer;
  std::function<std::unique_ptr<kafka::consumer_port>(
      const std::string& name, const std::string& topic,
      const client_options& options, const std::string& group_id,
      kafka::consumer_listener& listener, std::string& err)>
      consumer;
  /// The transactional producer of an exactly-once consumer (options
  /// carry its `transactional_id`).
  std::function<std::unique_ptr<kafka::transaction_port>(
      const std::string& name, const client_options& options, std::string& err)>
      transactional;
};

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
  std::vector<std::shared_ptr<const fastkafka::detail::consumer_spec>>
      consumers;
  /// Group ids of `consumers`, index for index.
  std::vector<std::string> group_ids;
  /// Client options that replace a registration's own, by name.
  std::map<std::string, client_options> registration_options;
  std::vector<std::shared_ptr<const fastkafka::detail::producer_spec>>
      producers;
  /// How crashed consumer and producer actors are restarted.
  restart_policy restarts;
  /// Makes the clients; librdkafka clients when empty.
  client_factory clients;
  /// Where the cluster reports; may be null.
  std::shared_ptr<runtime_board> board;
  /// Whether handler calls are timed (metrics on).
  bool timed = false;
  /// Whether children get threads of their own (false only in
  /// deterministic tests, which run every actor on the test scheduler).
  bool detached = true;
};

/// Spawns a client supervisor for one cluster.
client_supervisor_actor spawn_client_supervisor(caf::actor_system& sys,
                                                cluster_plan plan);

/// The librdkafka clients, with `tokens` for OAUTHBEARER (may be null).
client_factory
kafka_clients(std::shared_ptr<const oauth_token_provider> tokens);

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
using benchmark_actor = caf::typed_actor<caf::reacts_to<sample_atom, uint32_t>>;

/// Spawns the benchmark actor over `targets`.
benchmark_actor spawn_benchmark_actor(caf::actor_system& sys,
                                      std::vector<benchmark_target> targets);

/// Spawns the actor of one background task; it runs on `start_atom`.
background_actor spawn_background_task(caf::actor_system& sys,
                                       background_task task,
                                       std::stop_token token,
                                       bool detached = true);

/// An actor the caller adds to the tree (the CLI's docs actor): spawned
/// after everything else, monitored, restarted under the policy, and sent
/// an exit on stop.
struct service_spec {
  std::string name;
  std::function<caf::actor(caf::actor_system&)> spawn;
};

/// Everything the app supervisor starts.
struct app_plan {
  std::string title;
  std::vector<cluster_plan> clusters;
  std::vector<background_task> tasks;
  std::vector<benchmark_target> benchmarks;
  std::vector<service_spec> services;
  restart_policy restarts;
  /// The bound of a stop the supervisor starts itself (after a failure).
  std::chrono::milliseconds stop_timeout{30000};
  /// Where the tree reports its state; may be null.
  std::shared_ptr<runtime_board> board;
  /// See `cluster_plan::detached`.
  bool detached = true;
};

/// Spawns the app supervisor; it starts on `start_atom`.
app_supervisor_actor spawn_app_supervisor(caf::actor_system& sys,
                                          app_plan plan);

/// An error as a sentence: the context of the runtime's own errors (what
/// failed and why), CAF's rendering for the others.
std::string describe_error(caf::actor_system& sys, const caf::error& err);

/// Counts a crash of `what` (ended by `why`) in `budget` (core's, shared
/// with the parent of `run --workers`) and logs the decision: the wait
/// before its restart, or nothing when the policy is exhausted, with
/// `exhausted` saying so in a sentence.
std::optional<std::chrono::milliseconds>
after_crash(restart_budget& budget, const restart_policy& policy,
            const std::string& what, const std::string& why,
            std::string& exhausted);

} // namespace fastkafka::actors
