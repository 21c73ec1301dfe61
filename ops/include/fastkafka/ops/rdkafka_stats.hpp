#pragma once

// The part of librdkafka's statistics (the JSON document its `stats_cb`
// hands out every `statistics.interval.ms`) that the runtime's own counters
// cannot know: round trips to each broker, and how much waits in the
// client's queues. Plain data; no librdkafka header needed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fastkafka::ops {

/// One broker connection of a client, from the document's `brokers` object.
struct rdkafka_broker_stats {
  /// librdkafka's name, `host:port/id`, or a logical one such as
  /// `GroupCoordinator` (a connection of its own).
  std::string name;
  /// The broker id; -1 while only bootstrapped.
  int32_t node_id = -1;
  /// Whether the connection is `UP`.
  bool up = false;
  /// Requests waiting to be sent (`outbuf_cnt`).
  int64_t requests_waiting = 0;
  /// Requests sent and waiting for a response (`waitresp_cnt`).
  int64_t requests_in_flight = 0;
  /// Requests sent since the client started (`tx`).
  uint64_t requests_sent = 0;
  /// Send errors (`txerrs`).
  uint64_t request_errors = 0;
  /// Requests that timed out (`req_timeouts`).
  uint64_t request_timeouts = 0;
  /// Connection attempts that succeeded (`connects`).
  uint64_t connects = 0;
  /// Disconnects, by either side (`disconnects`).
  uint64_t disconnects = 0;
  /// Round trips measured in the last interval (`rtt.cnt`); when 0 the
  /// `rtt_*` values say nothing.
  uint64_t rtt_samples = 0;
  /// Mean round trip of the last interval, seconds (`rtt.avg`, in µs).
  double rtt_avg_seconds = 0;
  /// Median round trip of the last interval, seconds (`rtt.p50`).
  double rtt_p50_seconds = 0;
  /// 99th percentile round trip of the last interval, seconds (`rtt.p99`).
  double rtt_p99_seconds = 0;
};

/// One partition a client fetches or produces, from `topics.*.partitions`
/// (librdkafka's internal partition -1 is left out). Lag is not repeated
/// here: the runtime's snapshot has it from the same offsets.
struct rdkafka_partition_stats {
  std::string topic;
  int32_t partition = -1;
  /// Messages fetched and waiting for the application (`fetchq_cnt`).
  int64_t fetch_queue_messages = 0;
  /// Bytes of those (`fetchq_size`).
  int64_t fetch_queue_bytes = 0;
  /// Messages waiting to be sent or sent and waiting for an ack
  /// (`msgq_cnt + xmit_msgq_cnt`).
  int64_t produce_queue_messages = 0;
};

/// The statistics of one client at one moment.
struct rdkafka_stats {
  /// The registration the client belongs to; not in the document: the one
  /// who installed the callback fills it in.
  std::string registration;
  /// librdkafka's handle name, e.g. `rdkafka#producer-1`.
  std::string name;
  /// `client.id`.
  std::string client_id;
  /// `producer` or `consumer`.
  std::string type;
  /// Wall clock when the document was made, seconds since the epoch.
  int64_t time_seconds = 0;
  /// Operations waiting for the application to poll them (`replyq`):
  /// delivery reports, rebalances, errors.
  int64_t reply_queue = 0;
  /// Messages in the producer queue, sent or not (`msg_cnt`).
  int64_t producer_queue_messages = 0;
  /// Bytes of those (`msg_size`).
  int64_t producer_queue_bytes = 0;
  /// The queue's limit in messages (`msg_max`, the producer's
  /// `queue.buffering.max.messages`); 0 for consumers.
  int64_t producer_queue_max_messages = 0;
  /// Rebalances of the consumer group (`cgrp.rebalance_cnt`).
  uint64_t rebalances = 0;
  /// The group's join state (`cgrp.join_state`, e.g. `steady`); empty for
  /// producers.
  std::string group_join_state;
  std::vector<rdkafka_broker_stats> brokers;
  std::vector<rdkafka_partition_stats> partitions;
};

/// Reads one statistics document; fields it lacks keep their defaults (the
/// document grows between librdkafka versions). Returns nothing and fills
/// `err` when `json` is not a JSON object. Never throws: it runs inside
/// librdkafka's callback.
std::optional<rdkafka_stats> parse_rdkafka_stats(std::string_view json,
                                                 std::string& err) noexcept;

/// Throwing form of `parse_rdkafka_stats`; throws `std::invalid_argument`.
rdkafka_stats parse_rdkafka_stats(std::string_view json);

} // namespace fastkafka::ops
