#pragma once

#include <chrono>
#include <cstdint>

namespace fastkafka::detail {

/// Milliseconds on a monotonic clock, for deadlines and rate limits.
inline int64_t monotonic_ms() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch())
      .count();
}

/// Milliseconds since the epoch, for reports people read.
inline int64_t wall_clock_ms() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
}

} // namespace fastkafka::detail
