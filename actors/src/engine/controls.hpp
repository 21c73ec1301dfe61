#pragma once

// The engine's side of `message_control` and of the handles a handler may
// keep: requests from any thread are queued and applied on the consumer's
// thread before its next fetch.

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "fastkafka/controls.hpp"
#include "fastkafka/kafka/consumer_port.hpp"

namespace fastkafka::engine {

class consumer_engine;

/// A request from a handle, applied on the consumer thread.
struct control_request {
  enum kind_t { pause, resume, nack } kind;
  int32_t partition = -1;
  int64_t offset = -1;
  std::chrono::milliseconds delay{0};
  void* token = nullptr;
};

/// The queue between handles (any thread) and one engine; requests made on
/// the consumer's own thread (inside a handler or hook) apply at once.
class control_queue final : public fastkafka::detail::control_channel {
public:
  explicit control_queue(consumer_engine* engine) noexcept
      : engine_(engine) {
    // nop
  }

  /// The engine is going away: later requests are ignored.
  void detach() noexcept;

  /// Marks the calling thread as the consumer's while it lives (one poll
  /// or the stop): on a shared scheduler the consumer moves between
  /// threads, and another actor on this thread must not count as it later.
  class ownership {
  public:
    explicit ownership(control_queue& q) noexcept
        : q_(q) {
      q_.owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    }
    ~ownership() { q_.owner_.store({}, std::memory_order_relaxed); }
    ownership(const ownership&) = delete;
    ownership& operator=(const ownership&) = delete;

  private:
    control_queue& q_;
  };

  /// Whether requests wait; one relaxed load for the hot path.
  bool waiting() const noexcept {
    return waiting_.load(std::memory_order_acquire);
  }

  /// Takes the queued requests.
  std::vector<control_request> take();

  void post_pause(int32_t partition, bool pause) noexcept override;
  void post_ack(void* token) noexcept override;
  void post_nack(void* token, int32_t partition, int64_t offset,
                 std::chrono::milliseconds delay) noexcept override;

private:
  bool on_owner() const noexcept {
    return owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
  }
  void push(control_request req) noexcept;

  std::mutex mtx_;
  consumer_engine* engine_;
  std::vector<control_request> queue_;
  std::atomic<bool> waiting_{false};
  std::atomic<std::thread::id> owner_{};
};

/// `message_control` for the message a sequential handler is called with.
class handler_controls final : public message_control {
public:
  explicit handler_controls(consumer_engine& engine) noexcept
      : engine_(engine) {
    // nop
  }

  /// The message being handled and its acknowledgement (manual mode).
  void begin(const kafka::record& r,
             std::shared_ptr<fastkafka::detail::ack_state> ack) noexcept {
    partition_ = r.partition;
    offset_ = r.offset;
    ack_ = std::move(ack);
  }

  /// The acknowledgement of the current call (manual mode), else null.
  const std::shared_ptr<fastkafka::detail::ack_state>& current_ack() const {
    return ack_;
  }

  partition_handle pause() override;
  partition_handle partition() override;
  void seek(int64_t offset) override;
  void seek_to_time(int64_t timestamp_ms) override;
  ack_handle acknowledgement() override;

private:
  consumer_engine& engine_;
  int32_t partition_ = -1;
  int64_t offset_ = -1;
  std::shared_ptr<fastkafka::detail::ack_state> ack_;
};

} // namespace fastkafka::engine
