// Reading topics and group offsets back from a broker, for assertions.
// Every wait is bounded; a broken broker fails a check instead of hanging.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/rdkafka_helpers.hpp"

namespace fastkafka::test {

/// One record as a reader sees it.
struct record {
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

/// Reads `topic` from the beginning of every partition until `count` records
/// arrived (then `grace` longer, to see extras) or `timeout` passed.
inline std::vector<record>
read_topic(const std::string& bootstrap, const std::string& topic, size_t count,
           std::chrono::milliseconds timeout = std::chrono::seconds(30),
           std::chrono::milliseconds grace = std::chrono::milliseconds(300)) {
  auto rk = make_client(RD_KAFKA_CONSUMER, bootstrap,
                        {{"group.id", "fastkafka-test-reader"},
                         {"enable.auto.commit", "false"},
                         {"enable.partition.eof", "false"}});
  auto partitions = partition_count(rk.get(), topic);
  std::vector<record> out;
  if (partitions <= 0)
    return out;
  partition_list_ptr assignment{rd_kafka_topic_partition_list_new(partitions)};
  for (int32_t p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)
        ->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk.get(), assignment.get());
  auto deadline = clock_type::now() + timeout;
  std::optional<clock_type::time_point> enough_at;
  while (clock_type::now() < deadline) {
    if (enough_at && clock_type::now() - *enough_at > grace)
      break;
    auto* msg = rd_kafka_consumer_poll(rk.get(), 50);
    if (msg == nullptr)
      continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      record r;
      r.partition = msg->partition;
      r.offset = msg->offset;
      if (msg->key)
        r.key.assign(static_cast<const char*>(msg->key), msg->key_len);
      if (msg->payload)
        r.value.assign(static_cast<const char*>(msg->payload), msg->len);
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* value;
        size_t size;
        for (size_t i = 0;
             rd_kafka_header_get_all(hdrs, i, &name, &value, &size) ==
             RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i)
          r.headers[name].assign(static_cast<const char*>(value), size);
      }
      out.push_back(std::move(r));
      if (out.size() >= count && !enough_at)
        enough_at = clock_type::now();
    }
    rd_kafka_message_destroy(msg);
  }
  rd_kafka_consumer_close(rk.get());
  return out;
}

/// High watermarks of every partition of `topic`.
inline std::map<int32_t, int64_t> end_offsets(const std::string& bootstrap,
                                              const std::string& topic) {
  auto rk = make_client(RD_KAFKA_PRODUCER, bootstrap);
  std::map<int32_t, int64_t> out;
  auto partitions = partition_count(rk.get(), topic);
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t low = 0;
    int64_t high = 0;
    if (rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low,
                                         &high,
                                         10000) == RD_KAFKA_RESP_ERR_NO_ERROR)
      out[p] = high;
  }
  return out;
}

/// Offsets `group` committed for every partition of `topic`; partitions
/// without a commit are reported as 0 when their end offset is 0, else -1.
inline std::map<int32_t, int64_t>
committed_offsets(const std::string& bootstrap, const std::string& group,
                  const std::string& topic) {
  auto rk = make_client(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", group}});
  std::map<int32_t, int64_t> out;
  auto partitions = partition_count(rk.get(), topic);
  if (partitions <= 0)
    return out;
  partition_list_ptr list{rd_kafka_topic_partition_list_new(partitions)};
  for (int32_t p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  if (rd_kafka_committed(rk.get(), list.get(), 10000) ==
      RD_KAFKA_RESP_ERR_NO_ERROR)
    for (int i = 0; i < list->cnt; ++i)
      out[list->elems[i].partition] = list->elems[i].offset;
  auto ends = end_offsets(bootstrap, topic);
  for (auto& [p, offset] : out)
    if (offset < 0 && ends[p] == 0)
      offset = 0;
  rd_kafka_consumer_close(rk.get());
  return out;
}

/// Produces `records` (key, value) and waits until all were acknowledged.
inline bool
produce_all(const std::string& bootstrap, const std::string& topic,
            const std::vector<std::pair<std::string, std::string>>& records) {
  delivery_log log;
  auto rk = make_client(RD_KAFKA_PRODUCER, bootstrap,
                        {{"partitioner", "murmur2_random"}}, &log);
  for (auto& [key, value] : records)
    if (produce(rk.get(), topic, key, value) != RD_KAFKA_RESP_ERR_NO_ERROR)
      return false;
  return wait_for_reports(rk.get(), log, records.size()) && log.failed == 0;
}

/// Polls `pred` every 20 ms until it holds or `timeout` passes.
template <class Predicate>
bool eventually(Predicate pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

} // namespace fastkafka::test
