#pragma once

// CAF inspectors for the stats types (stats.hpp, stats_report.hpp), so
// that snapshots cross processes through CAF's middleman and print with
// `caf::deep_to_string`. Keep the field lists complete and in declaration
// order; a change here is a change of `stats_protocol_version`.

#include "caf/meta/type_name.hpp"

#include "fastkafka/stats.hpp"
#include "fastkafka/stats_report.hpp"

namespace fastkafka {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, histogram_snapshot& x) {
  return f(caf::meta::type_name("fastkafka::histogram_snapshot"), x.bounds,
           x.cumulative, x.count, x.sum);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_snapshot& x) {
  return f(caf::meta::type_name("fastkafka::partition_snapshot"), x.partition,
           x.committed, x.position, x.high_watermark, x.paused);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, consumer_snapshot& x) {
  return f(caf::meta::type_name("fastkafka::consumer_snapshot"), x.name,
           x.topic, x.group_id, x.joined, x.partitions, x.consumed, x.handled,
           x.failed, x.retried, x.dead_lettered, x.rebalances, x.restarts,
           x.in_flight, x.last_handled_ms, x.handler_duration,
           x.end_to_end_latency);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, producer_snapshot& x) {
  return f(caf::meta::type_name("fastkafka::producer_snapshot"), x.name,
           x.topic, x.sent, x.acknowledged, x.failed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, runtime_snapshot& x) {
  return f(caf::meta::type_name("fastkafka::runtime_snapshot"), x.app, x.worker,
           x.pid, x.taken_at_ms, x.state, x.broker_reachable, x.consumers,
           x.producers);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registration_rate& x) {
  return f(caf::meta::type_name("fastkafka::registration_rate"), x.name, x.last,
           x.average);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_report& x) {
  return f(caf::meta::type_name("fastkafka::member_report"), x.endpoint,
           x.status, x.reason, x.version, x.worker, x.pid, x.process_restarts,
           x.snapshot, x.rates, x.rate_interval_ms, x.rate_window);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stats_report& x) {
  return f(caf::meta::type_name("fastkafka::stats_report"), x.members);
}

} // namespace fastkafka
