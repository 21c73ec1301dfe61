#include "fastkafka/ops/rdkafka_stats.hpp"

#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace fastkafka::ops {

namespace {

namespace json = boost::json;

// Missing or mistyped fields read as `fallback`: a newer librdkafka may
// drop or retype a field, and one odd field must not cost the whole page.
int64_t int_at(const json::object& obj, std::string_view key,
               int64_t fallback = 0) {
  auto* v = obj.if_contains(key);
  if (v == nullptr)
    return fallback;
  if (auto* i = v->if_int64())
    return *i;
  if (auto* u = v->if_uint64())
    return static_cast<int64_t>(*u);
  if (auto* d = v->if_double())
    return static_cast<int64_t>(*d);
  return fallback;
}

uint64_t count_at(const json::object& obj, std::string_view key) {
  auto v = int_at(obj, key);
  return v > 0 ? static_cast<uint64_t>(v) : 0;
}

std::string string_at(const json::object& obj, std::string_view key) {
  auto* v = obj.if_contains(key);
  if (v == nullptr || !v->is_string())
    return {};
  return std::string{v->get_string()};
}

const json::object* object_at(const json::object& obj, std::string_view key) {
  auto* v = obj.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}

// Divided, not multiplied by 1e-6: 50600 µs reads as exactly 0.0506.
constexpr double micros_per_second = 1e6;

rdkafka_broker_stats read_broker(const json::object& b) {
  rdkafka_broker_stats out;
  out.name = string_at(b, "name");
  out.node_id = static_cast<int32_t>(int_at(b, "nodeid", -1));
  out.up = string_at(b, "state") == "UP";
  out.requests_waiting = int_at(b, "outbuf_cnt");
  out.requests_in_flight = int_at(b, "waitresp_cnt");
  out.requests_sent = count_at(b, "tx");
  out.request_errors = count_at(b, "txerrs");
  out.request_timeouts = count_at(b, "req_timeouts");
  out.connects = count_at(b, "connects");
  out.disconnects = count_at(b, "disconnects");
  if (auto* rtt = object_at(b, "rtt")) {
    out.rtt_samples = count_at(*rtt, "cnt");
    out.rtt_avg_seconds =
        static_cast<double>(int_at(*rtt, "avg")) / micros_per_second;
    out.rtt_p50_seconds =
        static_cast<double>(int_at(*rtt, "p50")) / micros_per_second;
    out.rtt_p99_seconds =
        static_cast<double>(int_at(*rtt, "p99")) / micros_per_second;
  }
  return out;
}

void read_partitions(const json::object& topic_obj, std::string_view topic,
                     std::vector<rdkafka_partition_stats>& out) {
  auto* parts = object_at(topic_obj, "partitions");
  if (parts == nullptr)
    return;
  for (auto& [key, value] : *parts) {
    auto* p = value.if_object();
    if (p == nullptr)
      continue;
    auto number = int_at(*p, "partition", -1);
    // -1 is librdkafka's "unassigned" partition where messages wait for
    // a partitioner; their count is already in the client's msg_cnt.
    if (number < 0)
      continue;
    rdkafka_partition_stats ps;
    ps.topic = std::string{topic};
    ps.partition = static_cast<int32_t>(number);
    ps.fetch_queue_messages = int_at(*p, "fetchq_cnt");
    ps.fetch_queue_bytes = int_at(*p, "fetchq_size");
    ps.produce_queue_messages =
        int_at(*p, "msgq_cnt") + int_at(*p, "xmit_msgq_cnt");
    out.push_back(std::move(ps));
  }
}

} // namespace

std::optional<rdkafka_stats> parse_rdkafka_stats(std::string_view text,
                                                 std::string& err) noexcept {
  try {
    boost::system::error_code ec;
    auto doc = json::parse(json::string_view{text.data(), text.size()}, ec);
    if (ec) {
      err = "librdkafka statistics are not JSON: " + ec.message();
      return std::nullopt;
    }
    auto* root = doc.if_object();
    if (root == nullptr) {
      err = "librdkafka statistics are not a JSON object";
      return std::nullopt;
    }
    rdkafka_stats out;
    out.name = string_at(*root, "name");
    out.client_id = string_at(*root, "client_id");
    out.type = string_at(*root, "type");
    out.time_seconds = int_at(*root, "time");
    out.reply_queue = int_at(*root, "replyq");
    out.producer_queue_messages = int_at(*root, "msg_cnt");
    out.producer_queue_bytes = int_at(*root, "msg_size");
    out.producer_queue_max_messages = int_at(*root, "msg_max");
    if (auto* cgrp = object_at(*root, "cgrp")) {
      out.rebalances = count_at(*cgrp, "rebalance_cnt");
      out.group_join_state = string_at(*cgrp, "join_state");
    }
    if (auto* brokers = object_at(*root, "brokers"))
      for (auto& [key, value] : *brokers)
        if (auto* b = value.if_object())
          out.brokers.push_back(read_broker(*b));
    if (auto* topics = object_at(*root, "topics"))
      for (auto& [key, value] : *topics)
        if (auto* t = value.if_object())
          read_partitions(*t, std::string_view{key.data(), key.size()},
                          out.partitions);
    return out;
  } catch (const std::exception& e) {
    err = std::string{"cannot read librdkafka statistics: "} + e.what();
    return std::nullopt;
  }
}

rdkafka_stats parse_rdkafka_stats(std::string_view json) {
  std::string err;
  auto out = parse_rdkafka_stats(json, err);
  if (!out)
    throw std::invalid_argument(err);
  return std::move(*out);
}

} // namespace fastkafka::ops
