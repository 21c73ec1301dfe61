#include "fastkafka/ops/metrics_page.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "fastkafka/ops/exposition.hpp"
#include "fastkafka/ops/lag.hpp"

namespace fastkafka::ops {

namespace {

constexpr std::string_view consumer_labels =
    "registration,consumer_group,topic";
constexpr std::string_view partition_labels =
    "registration,consumer_group,topic,partition";
constexpr std::string_view producer_labels = "registration,topic";
constexpr std::string_view broker_labels = "registration,broker";
constexpr std::string_view client_partition_labels =
    "registration,topic,partition";

constexpr std::array families{
    metric_family_info{"fastkafka_app_info", "gauge", "app,worker",
                       "The app's title and worker index; always 1"},
    metric_family_info{"fastkafka_runtime_state", "gauge", "state",
                       "1 for the runtime's current state (idle, starting, "
                       "running, stopping, stopped, failed), 0 for the others"},
    metric_family_info{"fastkafka_broker_reachable", "gauge", "",
                       "1 while some connection of the app's clients to a "
                       "broker is up"},
    // -- consumers ----------------------------------------------------------
    metric_family_info{"fastkafka_consumer_joined", "gauge", consumer_labels,
                       "1 once the consumer joined its group (got an "
                       "assignment, possibly empty)"},
    metric_family_info{"fastkafka_consumer_assigned_partitions", "gauge",
                       consumer_labels, "Partitions assigned to the consumer"},
    metric_family_info{"fastkafka_consumer_consumed_messages_total", "counter",
                       consumer_labels,
                       "Messages fetched and handed to the handler path"},
    metric_family_info{"fastkafka_consumer_handled_messages_total", "counter",
                       consumer_labels, "Messages whose handler returned"},
    metric_family_info{"fastkafka_consumer_handler_failures_total", "counter",
                       consumer_labels,
                       "Handler calls that threw, every attempt counted"},
    metric_family_info{"fastkafka_consumer_handler_retries_total", "counter",
                       consumer_labels,
                       "Handler calls after a failure (attempt 2 and later)"},
    metric_family_info{"fastkafka_consumer_dead_lettered_messages_total",
                       "counter", consumer_labels,
                       "Messages sent to the dead-letter topic"},
    metric_family_info{"fastkafka_consumer_rebalances_total", "counter",
                       consumer_labels,
                       "Group rebalances the consumer took part in"},
    metric_family_info{"fastkafka_consumer_restarts_total", "counter",
                       consumer_labels,
                       "Restarts of the consumer by its supervisor"},
    metric_family_info{"fastkafka_consumer_in_flight_messages", "gauge",
                       consumer_labels,
                       "Messages handed to the handler whose offsets are not "
                       "committable yet"},
    metric_family_info{"fastkafka_consumer_last_handled_timestamp_seconds",
                       "gauge", consumer_labels,
                       "When a handler last returned, seconds since the epoch"},
    metric_family_info{"fastkafka_consumer_lag_messages", "gauge",
                       consumer_labels,
                       "Messages between the committed offsets and the end of "
                       "every assigned partition with a known end"},
    metric_family_info{"fastkafka_consumer_process_duration_seconds",
                       "histogram", consumer_labels,
                       "Seconds per handler call (OpenTelemetry "
                       "messaging.process.duration)"},
    metric_family_info{"fastkafka_consumer_end_to_end_latency_seconds",
                       "histogram", consumer_labels,
                       "Seconds from a message's timestamp to the end of its "
                       "handler call"},
    // -- partitions of consumers --------------------------------------------
    metric_family_info{"fastkafka_partition_committed_offset", "gauge",
                       partition_labels,
                       "Next offset the broker confirmed as committed for the "
                       "group"},
    metric_family_info{"fastkafka_partition_position_offset", "gauge",
                       partition_labels, "Next offset the consumer will fetch"},
    metric_family_info{"fastkafka_partition_end_offset", "gauge",
                       partition_labels,
                       "The partition's end offset (high watermark) as last "
                       "fetched"},
    metric_family_info{"fastkafka_partition_lag_messages", "gauge",
                       partition_labels,
                       "Messages between the committed offset and the end"},
    metric_family_info{"fastkafka_partition_paused", "gauge", partition_labels,
                       "1 while fetching is paused for a retry"},
    // -- producers ----------------------------------------------------------
    metric_family_info{"fastkafka_producer_sent_messages_total", "counter",
                       producer_labels,
                       "Messages handed to librdkafka (OpenTelemetry "
                       "messaging.client.sent.messages)"},
    metric_family_info{"fastkafka_producer_acknowledged_messages_total",
                       "counter", producer_labels,
                       "Messages the broker acknowledged"},
    metric_family_info{"fastkafka_producer_failed_messages_total", "counter",
                       producer_labels,
                       "Messages that failed after librdkafka's retries"},
    // -- librdkafka's statistics --------------------------------------------
    metric_family_info{"fastkafka_rdkafka_reply_queue_events", "gauge",
                       "registration",
                       "Events (delivery reports, rebalances, errors) waiting "
                       "to be polled"},
    metric_family_info{"fastkafka_rdkafka_producer_queue_messages", "gauge",
                       "registration",
                       "Messages in a producer's queue, sent or not, not yet "
                       "acknowledged"},
    metric_family_info{"fastkafka_rdkafka_producer_queue_bytes", "gauge",
                       "registration", "Bytes of the messages in the queue"},
    metric_family_info{"fastkafka_rdkafka_producer_queue_max_messages", "gauge",
                       "registration",
                       "The producer queue's limit in messages"},
    metric_family_info{"fastkafka_rdkafka_broker_up", "gauge", broker_labels,
                       "1 while the client's connection to the broker is up"},
    metric_family_info{"fastkafka_rdkafka_broker_rtt_average_seconds", "gauge",
                       broker_labels,
                       "Mean request round trip over the last statistics "
                       "interval"},
    metric_family_info{"fastkafka_rdkafka_broker_rtt_p50_seconds", "gauge",
                       broker_labels,
                       "Median request round trip over the last statistics "
                       "interval"},
    metric_family_info{"fastkafka_rdkafka_broker_rtt_p99_seconds", "gauge",
                       broker_labels,
                       "99th percentile request round trip over the last "
                       "statistics interval"},
    metric_family_info{"fastkafka_rdkafka_broker_requests_waiting", "gauge",
                       broker_labels, "Requests waiting to be sent"},
    metric_family_info{"fastkafka_rdkafka_broker_requests_in_flight", "gauge",
                       broker_labels,
                       "Requests sent and waiting for a response"},
    metric_family_info{"fastkafka_rdkafka_broker_requests_total", "counter",
                       broker_labels, "Requests sent"},
    metric_family_info{"fastkafka_rdkafka_broker_request_errors_total",
                       "counter", broker_labels,
                       "Requests that failed to send"},
    metric_family_info{"fastkafka_rdkafka_broker_request_timeouts_total",
                       "counter", broker_labels, "Requests that timed out"},
    metric_family_info{"fastkafka_rdkafka_broker_connects_total", "counter",
                       broker_labels, "Connections established"},
    metric_family_info{"fastkafka_rdkafka_broker_disconnects_total", "counter",
                       broker_labels, "Connections lost or closed"},
    metric_family_info{"fastkafka_rdkafka_fetch_queue_messages", "gauge",
                       client_partition_labels,
                       "Messages fetched and waiting for the consumer"},
    metric_family_info{"fastkafka_rdkafka_fetch_queue_bytes", "gauge",
                       client_partition_labels,
                       "Bytes fetched and waiting for the consumer"},
    metric_family_info{"fastkafka_rdkafka_partition_produce_queue_messages",
                       "gauge", client_partition_labels,
                       "Messages of the partition waiting to be sent or "
                       "acknowledged"},
};

metric_type to_type(std::string_view name) {
  if (name == "counter")
    return metric_type::counter;
  if (name == "histogram")
    return metric_type::histogram;
  return metric_type::gauge;
}

// Starts a family from the table, so that the page and `metric_families`
// cannot drift apart.
void begin(exposition_writer& w, std::string_view name) {
  for (auto& f : families)
    if (f.name == name) {
      w.family(f.name, to_type(f.type), f.help);
      return;
    }
  throw std::logic_error("metric family missing from the table: " +
                         std::string{name});
}

double num(uint64_t v) {
  return static_cast<double>(v);
}

double num(int64_t v) {
  return static_cast<double>(v);
}

/// Labels of one consumer registration.
struct consumer_keys {
  std::array<label, 3> labels;
  explicit consumer_keys(const consumer_snapshot& c)
      : labels{label{"registration", c.name},
               label{"consumer_group", c.group_id}, label{"topic", c.topic}} {}
};

template <class F>
void each_consumer(exposition_writer& w, const runtime_snapshot& s,
                   std::string_view family, F value) {
  begin(w, family);
  for (auto& c : s.consumers) {
    consumer_keys keys{c};
    value(keys.labels, c);
  }
}

void write_consumers(exposition_writer& w, const runtime_snapshot& s) {
  auto counter = [&](std::string_view family, auto field) {
    each_consumer(w, s, family, [&](auto& labels, const consumer_snapshot& c) {
      w.sample(labels, num(c.*field));
    });
  };
  each_consumer(w, s, "fastkafka_consumer_joined",
                [&](auto& labels, const consumer_snapshot& c) {
                  w.sample(labels, c.joined ? 1 : 0);
                });
  each_consumer(w, s, "fastkafka_consumer_assigned_partitions",
                [&](auto& labels, const consumer_snapshot& c) {
                  w.sample(labels, static_cast<double>(c.partitions.size()));
                });
  counter("fastkafka_consumer_consumed_messages_total",
          &consumer_snapshot::consumed);
  counter("fastkafka_consumer_handled_messages_total",
          &consumer_snapshot::handled);
  counter("fastkafka_consumer_handler_failures_total",
          &consumer_snapshot::failed);
  counter("fastkafka_consumer_handler_retries_total",
          &consumer_snapshot::retried);
  counter("fastkafka_consumer_dead_lettered_messages_total",
          &consumer_snapshot::dead_lettered);
  counter("fastkafka_consumer_rebalances_total",
          &consumer_snapshot::rebalances);
  counter("fastkafka_consumer_restarts_total", &consumer_snapshot::restarts);
  counter("fastkafka_consumer_in_flight_messages",
          &consumer_snapshot::in_flight);
  each_consumer(w, s, "fastkafka_consumer_last_handled_timestamp_seconds",
                [&](auto& labels, const consumer_snapshot& c) {
                  if (c.last_handled_ms >= 0)
                    w.sample(labels, num(c.last_handled_ms) / 1000.0);
                });
  each_consumer(w, s, "fastkafka_consumer_lag_messages",
                [&](auto& labels, const consumer_snapshot& c) {
                  // An empty assignment has no lag to report either way.
                  if (auto lag = consumer_lag(c); lag >= 0)
                    w.sample(labels, num(lag));
                });
  each_consumer(w, s, "fastkafka_consumer_process_duration_seconds",
                [&](auto& labels, const consumer_snapshot& c) {
                  w.histogram(labels, c.handler_duration);
                });
  each_consumer(w, s, "fastkafka_consumer_end_to_end_latency_seconds",
                [&](auto& labels, const consumer_snapshot& c) {
                  w.histogram(labels, c.end_to_end_latency);
                });
}

template <class F>
void each_partition(exposition_writer& w, const runtime_snapshot& s,
                    std::string_view family, F value) {
  begin(w, family);
  for (auto& c : s.consumers)
    for (auto& p : c.partitions) {
      auto number = std::to_string(p.partition);
      std::array labels{label{"registration", c.name},
                        label{"consumer_group", c.group_id},
                        label{"topic", c.topic}, label{"partition", number}};
      value(std::span<const label>{labels}, p);
    }
}

void write_partitions(exposition_writer& w, const runtime_snapshot& s) {
  auto known = [&](std::string_view family, auto value_of) {
    each_partition(w, s, family, [&](auto labels, const partition_snapshot& p) {
      if (auto v = value_of(p); v >= 0)
        w.sample(labels, num(v));
    });
  };
  known("fastkafka_partition_committed_offset",
        [](const partition_snapshot& p) { return p.committed; });
  known("fastkafka_partition_position_offset",
        [](const partition_snapshot& p) { return p.position; });
  known("fastkafka_partition_end_offset",
        [](const partition_snapshot& p) { return p.high_watermark; });
  known("fastkafka_partition_lag_messages",
        [](const partition_snapshot& p) { return p.lag(); });
  each_partition(w, s, "fastkafka_partition_paused",
                 [&](auto labels, const partition_snapshot& p) {
                   w.sample(labels, p.paused ? 1 : 0);
                 });
}

void write_producers(exposition_writer& w, const runtime_snapshot& s) {
  auto counter = [&](std::string_view family, auto field) {
    begin(w, family);
    for (auto& p : s.producers)
      w.sample({{"registration", p.name}, {"topic", p.topic}}, num(p.*field));
  };
  counter("fastkafka_producer_sent_messages_total", &producer_snapshot::sent);
  counter("fastkafka_producer_acknowledged_messages_total",
          &producer_snapshot::acknowledged);
  counter("fastkafka_producer_failed_messages_total",
          &producer_snapshot::failed);
}

void write_rdkafka(exposition_writer& w, std::span<const rdkafka_stats> cs) {
  auto client = [&](std::string_view family, auto value_of, bool producers) {
    begin(w, family);
    for (auto& c : cs)
      if (!producers || c.type == "producer")
        w.sample({{"registration", c.registration}}, num(value_of(c)));
  };
  client(
      "fastkafka_rdkafka_reply_queue_events",
      [](const rdkafka_stats& c) { return c.reply_queue; }, false);
  client(
      "fastkafka_rdkafka_producer_queue_messages",
      [](const rdkafka_stats& c) { return c.producer_queue_messages; }, true);
  client(
      "fastkafka_rdkafka_producer_queue_bytes",
      [](const rdkafka_stats& c) { return c.producer_queue_bytes; }, true);
  client(
      "fastkafka_rdkafka_producer_queue_max_messages",
      [](const rdkafka_stats& c) { return c.producer_queue_max_messages; },
      true);
  // `rtt_only`: values measured over the last interval, meaningless when
  // it saw no round trip.
  auto broker = [&](std::string_view family, auto value_of,
                    bool rtt_only = false) {
    begin(w, family);
    for (auto& c : cs)
      for (auto& b : c.brokers)
        if (!rtt_only || b.rtt_samples > 0)
          w.sample({{"registration", c.registration}, {"broker", b.name}},
                   value_of(b));
  };
  using bs = rdkafka_broker_stats;
  broker("fastkafka_rdkafka_broker_up",
         [](const bs& b) { return b.up ? 1.0 : 0.0; });
  broker(
      "fastkafka_rdkafka_broker_rtt_average_seconds",
      [](const bs& b) { return b.rtt_avg_seconds; }, true);
  broker(
      "fastkafka_rdkafka_broker_rtt_p50_seconds",
      [](const bs& b) { return b.rtt_p50_seconds; }, true);
  broker(
      "fastkafka_rdkafka_broker_rtt_p99_seconds",
      [](const bs& b) { return b.rtt_p99_seconds; }, true);
  broker("fastkafka_rdkafka_broker_requests_waiting",
         [](const bs& b) { return num(b.requests_waiting); });
  broker("fastkafka_rdkafka_broker_requests_in_flight",
         [](const bs& b) { return num(b.requests_in_flight); });
  broker("fastkafka_rdkafka_broker_requests_total",
         [](const bs& b) { return num(b.requests_sent); });
  broker("fastkafka_rdkafka_broker_request_errors_total",
         [](const bs& b) { return num(b.request_errors); });
  broker("fastkafka_rdkafka_broker_request_timeouts_total",
         [](const bs& b) { return num(b.request_timeouts); });
  broker("fastkafka_rdkafka_broker_connects_total",
         [](const bs& b) { return num(b.connects); });
  broker("fastkafka_rdkafka_broker_disconnects_total",
         [](const bs& b) { return num(b.disconnects); });
  auto partition = [&](std::string_view family, auto value_of,
                       std::string_view type) {
    begin(w, family);
    for (auto& c : cs)
      if (c.type == type)
        for (auto& p : c.partitions) {
          auto number = std::to_string(p.partition);
          w.sample({{"registration", c.registration},
                    {"topic", p.topic},
                    {"partition", number}},
                   num(value_of(p)));
        }
  };
  using ps = rdkafka_partition_stats;
  partition(
      "fastkafka_rdkafka_fetch_queue_messages",
      [](const ps& p) { return p.fetch_queue_messages; }, "consumer");
  partition(
      "fastkafka_rdkafka_fetch_queue_bytes",
      [](const ps& p) { return p.fetch_queue_bytes; }, "consumer");
  partition(
      "fastkafka_rdkafka_partition_produce_queue_messages",
      [](const ps& p) { return p.produce_queue_messages; }, "producer");
}

} // namespace

std::span<const metric_family_info> metric_families() noexcept {
  return families;
}

std::string render_metrics(const runtime_snapshot& snapshot,
                           std::span<const rdkafka_stats> clients) {
  exposition_writer w;
  begin(w, "fastkafka_app_info");
  auto worker = std::to_string(snapshot.worker);
  w.sample({{"app", snapshot.app}, {"worker", worker}}, 1);
  begin(w, "fastkafka_runtime_state");
  for (auto state :
       {runtime_state::idle, runtime_state::starting, runtime_state::running,
        runtime_state::stopping, runtime_state::stopped, runtime_state::failed})
    w.sample({{"state", to_string(state)}}, state == snapshot.state ? 1 : 0);
  begin(w, "fastkafka_broker_reachable");
  w.sample(std::span<const label>{}, snapshot.broker_reachable ? 1 : 0);
  write_consumers(w, snapshot);
  write_partitions(w, snapshot);
  write_producers(w, snapshot);
  write_rdkafka(w, clients);
  return w.take();
}

} // namespace fastkafka::ops
