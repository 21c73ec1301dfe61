#include "fastkafka/workers/stats_actor.hpp"

#include "caf/actor_system.hpp"
#include "caf/sec.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "fastkafka/log.hpp"
#include "fastkafka/workers/rates.hpp"

namespace fastkafka::workers {

namespace {

/// Asks itself to take a sample; local only, never crosses processes.
using sampling_stats_actor = stats_actor::extend<caf::reacts_to<sample_atom>>;

struct stats_state {
  static inline const char* name = "fastkafka.stats";
  snapshot_provider provider;
  stats_actor_options options;
  rate_tracker rates;
  bool sample_failed = false;
};

sampling_stats_actor::behavior_type
stats_impl(sampling_stats_actor::stateful_pointer<stats_state> self,
           snapshot_provider provider, stats_actor_options options) {
  self->state.provider = std::move(provider);
  self->state.options = options;
  self->state.rates = rate_tracker{options.window};
  self->send(self, sample_atom_v);
  return {
      [=](sample_atom) {
        auto& st = self->state;
        self->delayed_send(self, st.options.sample_interval, sample_atom_v);
        try {
          st.rates.add(st.provider(), std::chrono::steady_clock::now());
          st.sample_failed = false;
        } catch (const std::exception& e) {
          if (!st.sample_failed)
            log().warn("stats: cannot take a snapshot: {}", e.what());
          st.sample_failed = true;
        }
      },
      [=](hello_atom) { return self->state.options.version; },
      [=](stats_atom) -> caf::result<stats_report> {
        auto& st = self->state;
        member_report m;
        try {
          m.snapshot = st.provider();
        } catch (const std::exception& e) {
          return caf::make_error(caf::sec::runtime_error,
                                 std::string{"cannot take a snapshot: "} +
                                     e.what());
        }
        m.version = st.options.version;
        m.worker = m.snapshot.worker;
        m.pid = m.snapshot.pid;
        m.rates = st.rates.rates();
        m.rate_interval_ms = st.options.sample_interval.count();
        m.rate_window = st.rates.window();
        stats_report out;
        out.members.push_back(std::move(m));
        return out;
      },
  };
}

} // namespace

stats_actor spawn_stats_actor(caf::actor_system& sys,
                              snapshot_provider provider,
                              stats_actor_options options) {
  return caf::actor_cast<stats_actor>(
      sys.spawn(stats_impl, std::move(provider), options));
}

} // namespace fastkafka::workers
