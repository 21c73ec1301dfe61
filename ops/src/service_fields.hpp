#pragma once

// The fields of `service_settings` with their table keys, in one list for
// the code that walks all of them (overlaying layers, noting origins).

#include "fastkafka/ops/settings.hpp"

namespace fastkafka::ops::detail {

/// Calls `f(key, a.field, b.field)` for every field of two settings.
template <class A, class B, class F>
void for_each_service_field(A& a, B& b, F&& f) {
  f("kafka_broker", a.kafka_broker, b.kafka_broker);
  f("bootstrap_servers", a.bootstrap_servers, b.bootstrap_servers);
  f("stop_timeout_ms", a.stop_timeout_ms, b.stop_timeout_ms);
  f("metrics.bind", a.metrics_bind, b.metrics_bind);
  f("metrics.port", a.metrics_port, b.metrics_port);
  f("stats.bind", a.stats_bind, b.stats_bind);
  f("stats.port", a.stats_port, b.stats_port);
  f("log.level", a.log_level, b.log_level);
  f("log.format", a.log_format, b.log_format);
  f("delivery", a.delivery, b.delivery);
  f("workers", a.workers, b.workers);
  f("health.stall_timeout_ms", a.stall_timeout_ms, b.stall_timeout_ms);
}

} // namespace fastkafka::ops::detail
