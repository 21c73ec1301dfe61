// A rich synthetic snapshot and librdkafka statistics for the metrics and
// health suites and for the sample page the deploy checks read: every
// family has samples, label values need escaping, one partition's offsets
// are unknown.
#pragma once

#include <string>
#include <vector>

#include "fastkafka/ops/rdkafka_stats.hpp"
#include "fastkafka/stats.hpp"

namespace fastkafka::test {

inline histogram_snapshot sample_histogram(uint64_t scale) {
  histogram_snapshot h;
  h.bounds = {0.001, 0.005, 0.025, 0.1, 0.5, 2.5};
  h.cumulative = {1 * scale,  4 * scale,  9 * scale,
                  12 * scale, 13 * scale, 13 * scale};
  h.count = 14 * scale; // one above the last bound
  h.sum = 4.25 * static_cast<double>(scale);
  return h;
}

inline runtime_snapshot sample_snapshot() {
  runtime_snapshot s;
  s.app = "Pipeline \"prod\"";
  s.worker = 2;
  s.pid = 4242;
  s.taken_at_ms = 1796157385000;
  s.state = runtime_state::running;
  s.broker_reachable = true;

  consumer_snapshot in;
  in.name = "on_input";
  in.topic = "input";
  in.group_id = "fastkafka.pipeline.on_input";
  in.joined = true;
  in.partitions = {
      {0, 100, 105, 120, false}, {1, 50, 50, 50, true}, {2, -1, -1, -1, false}};
  in.consumed = 155;
  in.handled = 150;
  in.failed = 7;
  in.retried = 5;
  in.dead_lettered = 2;
  in.rebalances = 3;
  in.restarts = 1;
  in.in_flight = 5;
  in.last_handled_ms = 1796157384500;
  in.handler_duration = sample_histogram(10);
  in.end_to_end_latency = sample_histogram(3);
  s.consumers.push_back(in);

  consumer_snapshot odd;
  odd.name = "on_odd\\name\nwith \"quotes\"";
  odd.topic = "odd.topic";
  odd.group_id = "group\\with\"escapes\"";
  odd.joined = false;
  s.consumers.push_back(odd);

  s.producers.push_back({"to_output", "output", 150, 148, 1});
  s.producers.push_back({"dead-letters", "", 2, 2, 0});
  return s;
}

inline std::vector<ops::rdkafka_stats> sample_rdkafka_stats() {
  ops::rdkafka_stats consumer;
  consumer.registration = "on_input";
  consumer.name = "rdkafka#consumer-2";
  consumer.type = "consumer";
  consumer.reply_queue = 1;
  consumer.rebalances = 3;
  consumer.group_join_state = "steady";
  ops::rdkafka_broker_stats b;
  b.name = "127.0.0.1:9092/1";
  b.node_id = 1;
  b.up = true;
  b.requests_waiting = 0;
  b.requests_in_flight = 1;
  b.requests_sent = 69;
  b.connects = 1;
  b.rtt_samples = 9;
  b.rtt_avg_seconds = 0.0506;
  b.rtt_p50_seconds = 0.050431;
  b.rtt_p99_seconds = 0.053759;
  consumer.brokers.push_back(b);
  auto idle = b;
  idle.name = "GroupCoordinator";
  idle.rtt_samples = 0;
  consumer.brokers.push_back(idle);
  consumer.partitions.push_back({"input", 0, 15, 1500, 0});

  ops::rdkafka_stats producer;
  producer.registration = "to_output";
  producer.name = "rdkafka#producer-1";
  producer.type = "producer";
  producer.producer_queue_messages = 12;
  producer.producer_queue_bytes = 1200;
  producer.producer_queue_max_messages = 100000;
  auto pb = b;
  pb.requests_sent = 153;
  pb.request_errors = 2;
  pb.request_timeouts = 1;
  pb.disconnects = 1;
  producer.brokers.push_back(pb);
  producer.partitions.push_back({"output", 0, 0, 0, 12});
  return {consumer, producer};
}

} // namespace fastkafka::test
