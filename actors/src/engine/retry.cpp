#include "retry.hpp"

#include <algorithm>

namespace fastkafka::engine {

retry_decision decide(const retry_policy& policy, int attempt) noexcept {
  retry_decision out;
  out.attempt = attempt;
  out.max_attempts = std::max(1, policy.max_attempts);
  out.give_up = attempt >= out.max_attempts;
  if (!out.give_up)
    out.backoff = policy.backoff(attempt + 1);
  return out;
}

} // namespace fastkafka::engine
