#include "controls.hpp"

#include <stdexcept>

#include "consumer_engine.hpp"

namespace fastkafka::engine {

void control_queue::detach() noexcept {
  std::lock_guard guard{mtx_};
  engine_ = nullptr;
  queue_.clear();
  waiting_.store(false, std::memory_order_release);
}

std::vector<control_request> control_queue::take() {
  std::lock_guard guard{mtx_};
  waiting_.store(false, std::memory_order_release);
  return std::exchange(queue_, {});
}

void control_queue::push(control_request req) noexcept {
  std::lock_guard guard{mtx_};
  if (engine_ == nullptr)
    return;
  try {
    queue_.push_back(req);
  } catch (...) {
    return; // out of memory: the request is lost, like a crash would lose it
  }
  waiting_.store(true, std::memory_order_release);
  engine_->wake();
}

void control_queue::post_pause(int32_t partition, bool pause) noexcept {
  if (on_owner() && engine_ != nullptr) {
    try {
      if (pause)
        engine_->user_pause(partition);
      else
        engine_->user_resume(partition);
      return;
    } catch (...) {
      // fall through: queued, applied before the next fetch
    }
  }
  push({pause ? control_request::pause : control_request::resume, partition});
}

void control_queue::post_ack(void* token) noexcept {
  std::lock_guard guard{mtx_};
  if (engine_ == nullptr)
    return; // the engine and its tickets are gone
  // The ticket lives while this share is held; the consumer thread sees the
  // drop in its next collect.
  static_cast<kafka::ticket*>(token)->pending.fetch_sub(
      1, std::memory_order_acq_rel);
  engine_->wake();
}

void control_queue::post_nack(void* token, int32_t partition, int64_t offset,
                              std::chrono::milliseconds delay) noexcept {
  if (on_owner() && engine_ != nullptr) {
    try {
      engine_->nacked(token, partition, offset, delay);
      return;
    } catch (...) {
    }
  }
  push({control_request::nack, partition, offset, delay, token});
}

partition_handle handler_controls::pause() {
  engine_.user_pause(partition_);
  return partition();
}

partition_handle handler_controls::partition() {
  return {engine_.control_channel(), partition_};
}

void handler_controls::seek(int64_t offset) {
  engine_.user_seek(partition_, offset);
}

void handler_controls::seek_to_time(int64_t timestamp_ms) {
  auto offset = engine_.offset_for_time(partition_, timestamp_ms);
  if (offset < 0)
    throw std::runtime_error("seek_to_time: the broker did not tell the "
                             "offset of that time (see the log); nothing "
                             "moved");
  engine_.user_seek(partition_, offset);
}

ack_handle handler_controls::acknowledgement() {
  if (!ack_)
    throw std::logic_error("acknowledgement() needs ack_mode::manual in the "
                           "registration's consumes_options");
  return ack_handle{ack_};
}

} // namespace fastkafka::engine
