#pragma once

#include <cstdint>
#include <limits>

namespace fastkafka::kafka {

/// Decides, after each poll, whether librdkafka's fetchers may have stopped
/// at the consumer queue's thresholds and the queue is low enough now for
/// them to go on (see `fetch_waker`).
///
/// A fetcher stops once the queue holds `queued.min.messages` (or
/// `queued.max.messages.kbytes`). It fires when, since it last fired, the
/// application consumed at least half a threshold and the queue is below
/// half of both: after every stop that happens once (the queue went from
/// at least the threshold to below half of it), between two stops at most
/// once per half a threshold consumed, and never while nothing is consumed.
/// Used on the consumer's thread only.
class fetch_wake_trigger {
public:
  /// Thresholds as librdkafka's properties give them; values <= 0 turn
  /// that threshold off.
  fetch_wake_trigger(int64_t min_messages, int64_t max_kbytes) noexcept
      : half_messages_(min_messages > 0 ? min_messages / 2
                                        : std::numeric_limits<int64_t>::max())
      , half_bytes_(max_kbytes > 0 ? max_kbytes * 1024 / 2
                                   : std::numeric_limits<int64_t>::max()) {
    // nop
  }

  /// Counts a poll's `messages` and `bytes` (payloads); true when the queue's
  /// length should be read and passed to `fire`.
  bool consumed(int64_t messages, int64_t bytes) noexcept {
    messages_ += messages;
    bytes_ += bytes;
    return messages_ >= half_messages_ || bytes_ >= half_bytes_;
  }

  /// Whether to wake the fetchers, `queued` messages being in the queue now;
  /// starts counting anew when it does.
  bool fire(int64_t queued) noexcept {
    auto avg = messages_ > 0 ? bytes_ / messages_ : 0;
    if (queued >= half_messages_ || queued * avg >= half_bytes_)
      return false;
    messages_ = 0;
    bytes_ = 0;
    return true;
  }

private:
  int64_t half_messages_;
  int64_t half_bytes_;
  int64_t messages_ = 0;
  int64_t bytes_ = 0;
};

} // namespace fastkafka::kafka
