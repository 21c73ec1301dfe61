#include <deque>
#include <numeric>

#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "fastkafka/actors/interfaces.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/with_thousands.hpp"

namespace fastkafka::actors {

namespace {

struct sampled {
  benchmark_target target;
  uint64_t last = 0;
  std::deque<double> window;
};

struct benchmark_state {
  static inline const char* name = "fastkafka.benchmark";
  std::vector<sampled> targets;
};

// FastKafka prints the interval in seconds and `None` for no window.
std::string describe(const benchmark_target& t) {
  auto ms = t.options.interval.count();
  auto interval = ms % 1000 == 0 ? std::to_string(ms / 1000)
                                 : fmt::format("{:g}", ms / 1000.0);
  auto window = t.options.sliding_window_size
                    ? std::to_string(*t.options.sliding_window_size)
                    : std::string{"None"};
  return t.name + "(interval=" + interval + ",sliding_window_size=" + window +
         ")";
}

benchmark_actor::behavior_type
benchmark_impl(benchmark_actor::stateful_pointer<benchmark_state> self,
               std::vector<benchmark_target> targets) {
  for (auto& t : targets)
    self->state.targets.push_back({t, t.count(), {}});
  for (uint32_t i = 0; i < self->state.targets.size(); ++i)
    self->delayed_send(self, self->state.targets[i].target.options.interval,
                       sample_atom_v, i);
  return {
      [=](sample_atom, uint32_t index) {
        auto& s = self->state.targets[index];
        auto& opts = s.target.options;
        self->delayed_send(self, opts.interval, sample_atom_v, index);
        auto now = s.target.count();
        auto delta = now - s.last;
        s.last = now;
        if (delta == 0)
          return;
        auto seconds = std::chrono::duration<double>(opts.interval).count();
        auto throughput = static_cast<double>(delta) / seconds;
        s.window.push_back(throughput);
        if (opts.sliding_window_size && *opts.sliding_window_size > 0)
          while (s.window.size() > *opts.sliding_window_size)
            s.window.pop_front();
        auto avg = std::accumulate(s.window.begin(), s.window.end(), 0.0) /
                   static_cast<double>(s.window.size());
        log().info("Throughput = {}, Avg throughput = {} - For {}",
                   with_thousands(static_cast<uint64_t>(throughput + 0.5)),
                   with_thousands(static_cast<uint64_t>(avg + 0.5)),
                   describe(s.target));
      },
  };
}

} // namespace

benchmark_actor spawn_benchmark_actor(caf::actor_system& sys,
                                      std::vector<benchmark_target> targets) {
  return sys.spawn(benchmark_impl, std::move(targets));
}

} // namespace fastkafka::actors
