#include "fastkafka/registration.hpp"

#include <algorithm>

namespace fastkafka {

std::chrono::milliseconds retry_policy::backoff(int attempt) const noexcept {
  auto wait = initial_backoff;
  for (int i = 2; i < attempt && wait < max_backoff; ++i)
    wait *= 2;
  return std::min(wait, max_backoff);
}

} // namespace fastkafka
