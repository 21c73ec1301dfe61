#pragma once

// What a handler may ask of its consumer: pause and resume a partition,
// seek, and acknowledge messages by hand; and the rebalance hooks of a
// registration.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

namespace fastkafka {

/// The partitions of one topic that a rebalance hook is about.
struct partitions_event {
  /// The registration's topic.
  std::string_view topic;
  /// The partitions assigned, revoked or lost (possibly none).
  std::span<const int32_t> partitions;
};

/// A registration's rebalance hook; runs on the consumer's thread, so it
/// must not block for long. An exception it throws is logged and ignored.
using rebalance_hook = std::function<void(const partitions_event&)>;

/// When the offset of a consumed message may be committed.
enum class ack_mode {
  /// Once its handler returned and its outputs were acknowledged.
  automatic,
  /// Additionally only after `ack()` was called on its `ack_handle`.
  manual,
};

namespace detail {

/// Where handles post what they ask (implemented by the consumer engine);
/// thread-safe. Requests to a consumer that is gone are ignored.
class control_channel {
public:
  virtual ~control_channel() = default;
  /// Pauses (`pause` true) or resumes `partition` on the consumer thread.
  virtual void post_pause(int32_t partition, bool pause) noexcept = 0;
  /// Gives back the acknowledgement share `token` holds.
  virtual void post_ack(void* token) noexcept = 0;
  /// Consumes the message of `token` again after `delay`.
  virtual void post_nack(void* token, int32_t partition, int64_t offset,
                         std::chrono::milliseconds delay) noexcept = 0;
};

/// One message's pending acknowledgement.
struct ack_state {
  std::shared_ptr<control_channel> channel;
  /// The engine's ticket of the message.
  void* token = nullptr;
  int32_t partition = -1;
  int64_t offset = -1;
  /// Set once by whoever settles it first: the user, or the engine
  /// cancelling it at revocation or stop.
  std::atomic<bool> done{false};
};

} // namespace detail

/// A partition of a consumer, to pause or resume from any thread (a
/// background task, a timer); the consumer applies it on its own thread
/// before its next fetch. Copyable; harmless after the consumer stopped.
class partition_handle {
public:
  partition_handle() = default;
  partition_handle(std::shared_ptr<detail::control_channel> channel,
                   int32_t partition) noexcept
      : channel_(std::move(channel))
      , partition_(partition) {
    // nop
  }

  /// The partition this handle controls; -1 for an empty handle.
  int32_t partition() const noexcept { return partition_; }

  /// Stops fetching the partition; what was fetched and not handled is
  /// fetched again after `resume`.
  void pause() const noexcept {
    if (channel_)
      channel_->post_pause(partition_, true);
  }

  /// Fetches the partition again (after a `pause` of this handle or of
  /// `message_control`).
  void resume() const noexcept {
    if (channel_)
      channel_->post_pause(partition_, false);
  }

private:
  std::shared_ptr<detail::control_channel> channel_;
  int32_t partition_ = -1;
};

/// The acknowledgement of one message in `ack_mode::manual`; settle it once,
/// from any thread, with `ack` or `nack` (later calls do nothing).
class ack_handle {
public:
  ack_handle() = default;
  explicit ack_handle(std::shared_ptr<detail::ack_state> state) noexcept
      : state_(std::move(state)) {
    // nop
  }

  /// The message may be committed (once every message before it on its
  /// partition may be).
  void ack() const noexcept {
    if (state_ && !state_->done.exchange(true, std::memory_order_acq_rel))
      state_->channel->post_ack(state_->token);
  }

  /// The message is consumed again after `delay`: its partition pauses and
  /// seeks back to it, so the messages after it come again too; other
  /// partitions keep flowing.
  void nack(std::chrono::milliseconds delay = std::chrono::milliseconds{
                0}) const noexcept {
    if (state_ && !state_->done.exchange(true, std::memory_order_acq_rel))
      state_->channel->post_nack(state_->token, state_->partition,
                                 state_->offset, delay);
  }

  /// Whether it was settled (by the user, or cancelled by a revocation or
  /// a stop: the message is then consumed again by the next owner).
  bool settled() const noexcept {
    return !state_ || state_->done.load(std::memory_order_acquire);
  }

  /// The message's offset.
  int64_t offset() const noexcept { return state_ ? state_->offset : -1; }

private:
  std::shared_ptr<detail::ack_state> state_;
};

/// What a handler may ask of its consumer about the message it handles,
/// through `message_meta::control()`; valid during the call, on the
/// consumer's thread (handles it returns outlive the call).
class message_control {
public:
  virtual ~message_control() = default;

  /// Pauses the message's partition after this message: the partition's
  /// next messages are not handled until `resume` on the handle.
  virtual partition_handle pause() = 0;

  /// A handle of the message's partition, to pause or resume it later.
  virtual partition_handle partition() = 0;

  /// Makes `offset` the partition's next message. The commit position
  /// follows: it becomes `offset` (backwards: those messages come again
  /// and a restart sees them again too; forwards: the messages skipped are
  /// never handled and count as done).
  virtual void seek(int64_t offset) = 0;

  /// Seeks to the first message whose timestamp is at or after
  /// `timestamp_ms` (or to the partition's end when there is none); the
  /// commit position follows as for `seek`.
  virtual void seek_to_time(int64_t timestamp_ms) = 0;

  /// The acknowledgement of this message (`ack_mode::manual` only; throws
  /// `std::logic_error` otherwise). Each call returns the same one.
  virtual ack_handle acknowledgement() = 0;

  /// `acknowledgement().ack()`.
  void ack() { acknowledgement().ack(); }
  /// `acknowledgement().nack(delay)`.
  void nack(std::chrono::milliseconds delay = std::chrono::milliseconds{0}) {
    acknowledgement().nack(delay);
  }
};

} // namespace fastkafka
