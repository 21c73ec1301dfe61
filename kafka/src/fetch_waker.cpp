#include "fetch_waker.hpp"

#include <algorithm>
#include <map>

#include "fastkafka/kafka/handles.hpp"

namespace fastkafka::kafka {

namespace {

/// How long one round's requests may take (a stop waits for it at most).
constexpr int request_timeout_ms = 250;

} // namespace

fetch_waker::fetch_waker(rd_kafka_t* rk, std::string topic)
    : rk_(rk)
    , topic_(std::move(topic)) {
  // nop
}

fetch_waker::~fetch_waker() noexcept {
  stop();
}

void fetch_waker::set_partitions(std::vector<int32_t> partitions) {
  std::lock_guard guard{mtx_};
  partitions_ = std::move(partitions);
}

void fetch_waker::request() noexcept {
  try {
    std::lock_guard guard{mtx_};
    if (stopped_ || partitions_.empty())
      return;
    pending_ = true;
    if (!thread_.joinable())
      thread_ = std::jthread{[this](std::stop_token st) { run(st); }};
  } catch (...) {
    // No thread (out of resources): the fetchers wake on their own, later.
    return;
  }
  cv_.notify_one();
}

void fetch_waker::stop() noexcept {
  {
    std::lock_guard guard{mtx_};
    stopped_ = true;
  }
  if (thread_.joinable()) {
    thread_.request_stop();
    cv_.notify_one();
    thread_.join();
  }
}

void fetch_waker::run(std::stop_token stop) {
  for (;;) {
    {
      std::unique_lock guard{mtx_};
      if (!cv_.wait(guard, stop, [this] { return pending_; }))
        return;
      pending_ = false;
    }
    wake_leaders();
  }
}

void fetch_waker::wake_leaders() {
  std::vector<int32_t> partitions;
  {
    std::lock_guard guard{mtx_};
    partitions = partitions_;
  }
  if (partitions.empty())
    return;
  // One request per leader is enough: each broker thread fetches for all
  // the partitions it leads.
  std::map<int32_t, int32_t> one_per_leader;
  topic_ptr rkt{rd_kafka_topic_new(rk_, topic_.c_str(), nullptr)};
  const rd_kafka_metadata_t* raw = nullptr;
  if (rkt && rd_kafka_metadata(rk_, 0, rkt.get(), &raw, request_timeout_ms) ==
                 RD_KAFKA_RESP_ERR_NO_ERROR) {
    metadata_ptr md{raw};
    for (int t = 0; t < md->topic_cnt; ++t)
      for (int i = 0; i < md->topics[t].partition_cnt; ++i) {
        auto& p = md->topics[t].partitions[i];
        if (std::find(partitions.begin(), partitions.end(), p.id) !=
            partitions.end())
          one_per_leader.emplace(p.leader, p.id);
      }
  }
  if (one_per_leader.empty())
    one_per_leader.emplace(-1, partitions.front());
  for (auto [leader, partition] : one_per_leader) {
    int64_t low = -1;
    int64_t high = -1;
    // The answer does not matter; the request wakes the leader's thread.
    rd_kafka_query_watermark_offsets(rk_, topic_.c_str(), partition, &low,
                                     &high, request_timeout_ms);
  }
  wakes_.fetch_add(1, std::memory_order_relaxed);
}

} // namespace fastkafka::kafka
