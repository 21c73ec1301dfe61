#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "fetch_wake_trigger.hpp"

namespace fastkafka::kafka {

/// Makes librdkafka's fetchers look at their queues again after the
/// application drained them.
///
/// librdkafka 2.0.2 stops fetching a partition once the consumer queue
/// holds `queued.min.messages` (or `queued.max.messages.kbytes`), and its
/// broker thread decides again only when something happens on that broker
/// connection, or after its 1 s loop timeout (librdkafka issue #2879;
/// `fetch.queue.backoff.ms` of librdkafka 2.2 is the later fix). A backlog
/// therefore drains in ~1 s steps. A ListOffsets request goes to the
/// partition leader's broker thread, which then runs its fetch decision at
/// once: `request` sends one to each leader of the assigned partitions.
///
/// The requests block, so they run on a thread of the waker's own, started
/// at the first request (an idle consumer never has one) and asleep
/// between requests; requests made while one is under way coalesce.
class fetch_waker {
public:
  /// A waker for the fetchers of `topic` on `rk`, which must outlive it.
  fetch_waker(rd_kafka_t* rk, std::string topic);
  fetch_waker(const fetch_waker&) = delete;
  fetch_waker& operator=(const fetch_waker&) = delete;
  /// Stops the thread (waiting for a request under way, at most its
  /// timeout).
  ~fetch_waker() noexcept;

  /// The partitions assigned now (the waker wakes their leaders).
  void set_partitions(std::vector<int32_t> partitions);

  /// Asks for a wake-up; never blocks.
  void request() noexcept;

  /// Ends the thread; later requests are ignored. Idempotent.
  void stop() noexcept;

  /// Wake-ups sent so far (rounds, not requests).
  uint64_t wakes() const noexcept {
    return wakes_.load(std::memory_order_relaxed);
  }

private:
  void run(std::stop_token stop);
  void wake_leaders();

  rd_kafka_t* rk_;
  std::string topic_;
  std::mutex mtx_;
  std::condition_variable_any cv_;
  std::vector<int32_t> partitions_;
  bool pending_ = false;
  bool stopped_ = false;
  std::atomic<uint64_t> wakes_{0};
  std::jthread thread_;
};

} // namespace fastkafka::kafka
