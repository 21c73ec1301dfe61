#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <utility>

#include "fastkafka/registration.hpp"

namespace fastkafka::engine {

/// What to do after a handler failed on a message.
struct retry_decision {
  /// Whether to give up and dead-letter the message now.
  bool give_up = false;
  /// How long its partition pauses before the next try.
  std::chrono::milliseconds backoff{0};
  /// The failed try, counting from 1.
  int attempt = 1;
  /// Tries in all.
  int max_attempts = 1;
};

/// The policy's verdict on the `attempt`-th failed try.
retry_decision decide(const retry_policy& policy, int attempt) noexcept;

/// Failed tries of the messages (or batches) that are being retried.
///
/// Keyed by partition and offset; a batch handler counts under offset -1
/// of its partition, because a seek may cut its records into other
/// batches and the count must survive that.
class attempt_counts {
public:
  /// Counts one more failed try and returns the count.
  int failed(int32_t partition, int64_t offset) {
    return ++counts_[{partition, offset}];
  }
  /// Forgets the message (it succeeded or was dead-lettered).
  void done(int32_t partition, int64_t offset) {
    if (!counts_.empty())
      counts_.erase({partition, offset});
  }
  /// Forgets every message of `partition` (revoked).
  void forget(int32_t partition) {
    std::erase_if(counts_,
                  [&](auto& kv) { return kv.first.first == partition; });
  }

private:
  std::map<std::pair<int32_t, int64_t>, int> counts_;
};

} // namespace fastkafka::engine
