#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caf/actor.hpp"
#include "caf/fwd.hpp"

#include "fastkafka/actors/interfaces.hpp"
#include "fastkafka/app.hpp"
#include "fastkafka/stats.hpp"

namespace fastkafka {

/// Where and how a runtime connects.
struct start_options {
  /// The broker name chosen at run time (for logs).
  std::string broker_name;
  /// `host:port,...` to bootstrap from; required.
  std::string bootstrap_servers;
  /// Overrides of the app-wide options (e.g. from `--set`).
  client_options overrides;
  /// Options beneath the app's own: what suits the broker (the embedded
  /// broker's short fetch wait); the app and its registrations win.
  client_options defaults;
  /// Whether `bootstrap_servers` replaces every address, also those of
  /// registrations with brokers of their own (set for `--bootstrap-servers`
  /// and the embedded broker).
  bool override_all = false;
  /// Actors the caller adds to the supervision tree (the CLI's docs actor).
  std::vector<actors::service_spec> services;
  /// Whether handler calls are timed for the metrics (off costs nothing).
  bool timed = false;
  /// Client options per registration name that replace the registration's
  /// own (a configuration file's or `--set on_input.group_id=...`; they
  /// already hold what the code set).
  std::map<std::string, client_options> registrations;
  /// Replaces the app's `stop_timeout` when set.
  std::optional<std::chrono::milliseconds> stop_timeout;
};

/// Runs an app's registrations as a tree of supervised actors.
///
/// Start order: lifespan, producers, consumers, background tasks; stop in
/// reverse, within the app's stop bound. A crash that the restart policy
/// cannot absorb stops the app in order and leaves the runtime `failed`.
/// The app must outlive its runtime; an app can be run again after a stop.
class runtime {
public:
  explicit runtime(app& declaration);
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;
  /// Stops the app if it runs; never throws.
  ~runtime() noexcept;

  /// Validates everything and starts the tree. Throws `config_error` for
  /// bad settings, also those librdkafka refuses when it creates a client,
  /// and `std::runtime_error` when anything else keeps the app from
  /// starting; on failure nothing is left running. Starting a running runtime
  /// does nothing.
  void start(caf::actor_system& system, start_options options);

  /// Stops in order within the stop bound: consumers finish in-flight work
  /// and commit (waiting for the broker's confirmation), producers flush.
  /// Returns true when all of it was done in time and nothing failed.
  /// Does nothing (and returns true) when not started.
  bool stop();

  /// Whether `start` succeeded and `stop` has not run since.
  bool is_started() const noexcept;

  /// Where the runtime is in its life.
  runtime_state state() const;

  /// Why the runtime failed; empty unless it did.
  std::string failure() const;

  /// Waits until the runtime failed (true) or `timeout` passed (false).
  bool wait_failed(std::chrono::milliseconds timeout) const;

  /// What the running app reports: consumers, partitions, producers.
  runtime_snapshot snapshot() const;

  /// The last librdkafka statistics document of each client, by
  /// registration name (`dead-letters` for the dead-letter producer).
  std::vector<std::pair<std::string, std::string>> statistics() const;

  /// The root of the tree while started (for tests and tools).
  caf::actor supervisor() const noexcept;

  /// The app this runtime runs.
  app& declaration() noexcept { return app_; }

private:
  struct running;
  app& app_;
  std::shared_ptr<actors::runtime_board> board_;
  std::unique_ptr<running> running_;
};

} // namespace fastkafka
