#pragma once

// Where the runtime meets the operations endpoints: turns a source of
// snapshots (and librdkafka's statistics) into the answers of `/metrics`,
// `/health/live` and `/health/ready`, and into the health the systemd
// watchdog asks for.

#include <functional>
#include <optional>

#include "fastkafka/ops/health.hpp"
#include "fastkafka/ops/http_server.hpp"
#include "fastkafka/ops/rdkafka_stats_store.hpp"
#include "fastkafka/stats.hpp"

namespace fastkafka::ops {

/// Copies the runtime's snapshot; returns nothing when the runtime did not
/// answer in time (its actor tree is stuck or gone). Called from the HTTP
/// server's threads and the watchdog's: it must be thread-safe and
/// bounded in time.
using snapshot_source = std::function<std::optional<runtime_snapshot>()>;

/// Answers the operations endpoints of one app. Thread-safe.
class ops_monitor {
public:
  /// `stats` may be null (no librdkafka statistics); it must outlive the
  /// monitor.
  ops_monitor(snapshot_source source, health_options options = {},
              const rdkafka_stats_store* stats = nullptr);

  /// The `/metrics` page; 503 when the runtime did not report.
  http_answer metrics();

  /// `/health/live`: 200 with `{"status":"live",...}` or 503.
  http_answer live();

  /// `/health/ready`: 200 with `{"status":"ready",...}` or 503.
  http_answer ready();

  /// Both checks for a fresh snapshot (for the systemd watchdog).
  health_report health();

  /// The three endpoints as routes for `ops_http_server`; they refer to
  /// this monitor, which must outlive the server.
  http_routes routes();

private:
  snapshot_source source_;
  health_tracker tracker_;
  const rdkafka_stats_store* stats_;
};

} // namespace fastkafka::ops
