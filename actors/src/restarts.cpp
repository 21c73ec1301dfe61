#include "caf/actor_system.hpp"
#include "caf/error.hpp"

#include "fastkafka/actors/interfaces.hpp"
#include "fastkafka/detail/clock.hpp"
#include "fastkafka/errors.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka::actors {

std::optional<std::chrono::milliseconds>
after_crash(restart_budget& budget, const restart_policy& policy,
            const std::string& what, const std::string& why,
            std::string& exhausted) {
  auto n = budget.crash(policy, fastkafka::detail::monotonic_ms());
  if (n < 0) {
    exhausted = what + " crashed more than " +
                std::to_string(policy.max_restarts) + " times within " +
                std::to_string(policy.window.count()) + " ms; last: " + why;
    return std::nullopt;
  }
  auto wait = restart_backoff(policy, n);
  log().error("{} crashed: {}; restarting it in {} ms (crash {} of at most "
              "{} within {} ms)",
              what, why, wait.count(), n, policy.max_restarts,
              policy.window.count());
  return wait;
}

std::string describe_error(caf::actor_system& sys, const caf::error& err) {
  if (err.category() == caf::detail::error_factory<error_code>::category) {
    std::string out;
    auto& ctx = err.context();
    for (size_t i = 0; i < ctx.size(); ++i)
      if (ctx.match_element<std::string>(i))
        out += (out.empty() ? "" : ": ") + ctx.get_as<std::string>(i);
    if (!out.empty())
      return out;
    return to_string(static_cast<error_code>(err.code()));
  }
  return sys.render(err);
}

} // namespace fastkafka::actors
