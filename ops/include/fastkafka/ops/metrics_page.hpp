#pragma once

// The `/metrics` page of a fastkafka app: the runtime's snapshot and
// librdkafka's statistics as Prometheus metric families.
//
// Names follow Prometheus' rules (a `fastkafka_` prefix, base units,
// `_total` on counters, units in names and never in labels) and take
// OpenTelemetry's messaging conventions where they name the thing: label
// `consumer_group` is `messaging.consumer.group.name`, `topic` is
// `messaging.destination.name`, `partition` is
// `messaging.destination.partition.id`; `..._process_duration_seconds` is
// `messaging.process.duration`, `..._sent_messages_total` is
// `messaging.client.sent.messages`, `..._consumed_messages_total` is
// `messaging.client.consumed.messages`. `registration` names the
// `consumes`/`produces` registration.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fastkafka/ops/rdkafka_stats.hpp"
#include "fastkafka/stats.hpp"

namespace fastkafka::ops {

/// One metric family the page can hold.
struct metric_family_info {
  /// The family name as in `# TYPE` (histograms add `_bucket`, `_sum`,
  /// `_count` to it).
  std::string_view name;
  /// `counter`, `gauge` or `histogram`.
  std::string_view type;
  /// The labels of its samples, comma-separated (`le` of buckets left out).
  std::string_view labels;
  /// What it counts or measures.
  std::string_view help;
};

/// Every family `render_metrics` may write, in page order (for docs and for
/// tests that check dashboards against the page).
std::span<const metric_family_info> metric_families() noexcept;

/// Renders the page. `clients` are the newest statistics of each client
/// (empty when `statistics.interval.ms` is off). Values that are unknown
/// (an offset of -1, no round trip in the last interval) are left out
/// rather than written as a number.
std::string render_metrics(const runtime_snapshot& snapshot,
                           std::span<const rdkafka_stats> clients = {});

} // namespace fastkafka::ops
