#include "fastkafka/workers/aggregator.hpp"

#include <map>
#include <memory>

#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "fastkafka/log.hpp"

#include "answer.hpp"

namespace fastkafka::workers {

namespace {

struct registration {
  int32_t pid = 0;
  stats_actor handle;
};

struct aggregator_state {
  static inline const char* name = "fastkafka.stats_aggregator";
  worker_lister slots;
  aggregator_options options;
  std::map<int32_t, registration> registered;
};

// Why a slot has no report.
member_report unregistered(const worker_status& slot) {
  member_report m;
  m.status = member_status::not_registered;
  m.worker = static_cast<int32_t>(slot.index);
  m.pid = slot.pid;
  m.process_restarts = slot.restarts;
  auto who = "worker " + std::to_string(slot.index);
  switch (slot.state) {
  case worker_state::backoff:
    m.reason = who + " is waiting to restart after " + slot.last_exit;
    break;
  case worker_state::exited:
    m.reason = who + " exited (" + slot.last_exit + ")";
    break;
  default:
    m.reason = who + " (pid " + std::to_string(slot.pid) +
               ") has not registered its stats actor yet";
  }
  return m;
}

// Collects the answers of one stats request.
struct gathering {
  std::vector<std::vector<member_report>> rows;
  size_t pending = 0;
  caf::typed_response_promise<stats_report> promise;

  void done() {
    if (--pending > 0)
      return;
    stats_report out;
    for (auto& r : rows)
      for (auto& m : r)
        out.members.push_back(std::move(m));
    promise.deliver(std::move(out));
  }
};

aggregator_actor::behavior_type
aggregator_impl(aggregator_actor::stateful_pointer<aggregator_state> self,
                worker_lister slots, aggregator_options options) {
  self->state.slots = std::move(slots);
  self->state.options = options;
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& reg = self->state.registered;
    for (auto i = reg.begin(); i != reg.end();)
      if (i->second.handle.address() == dm.source)
        i = reg.erase(i);
      else
        ++i;
  });
  return {
      [=](register_atom, int32_t index, int32_t pid,
          caf::strong_actor_ptr& ptr) {
        auto handle = caf::actor_cast<stats_actor>(ptr);
        if (!handle)
          return;
        self->monitor(handle);
        self->state.registered[index] = {pid, handle};
        log().info("worker {} (pid {}) registered its stats actor", index, pid);
      },
      [=](hello_atom) { return self->state.options.version; },
      [=](stats_atom) -> caf::typed_response_promise<stats_report> {
        auto& st = self->state;
        auto g = std::make_shared<gathering>();
        g->promise = self->make_response_promise<stats_report>();
        auto slots = st.slots();
        if (slots.empty()) {
          g->promise.deliver(stats_report{});
          return g->promise;
        }
        g->rows.resize(slots.size());
        g->pending = slots.size();
        for (size_t i = 0; i < slots.size(); ++i) {
          auto slot = slots[i];
          auto reg = st.registered.find(static_cast<int32_t>(slot.index));
          if (reg == st.registered.end() || slot.pid == 0 ||
              reg->second.pid != slot.pid) {
            g->rows[i].push_back(unregistered(slot));
            g->done();
            continue;
          }
          self->request(reg->second.handle, st.options.request_timeout,
                        stats_atom_v)
              .then(
                  [g, i, slot](stats_report& r) {
                    for (auto& m : r.members) {
                      m.process_restarts = slot.restarts;
                      g->rows[i].push_back(std::move(m));
                    }
                    g->done();
                  },
                  [=](caf::error& err) {
                    auto m = failed_member(
                        err,
                        "worker " + std::to_string(slot.index) +
                            " did not answer: " + self->system().render(err));
                    m.worker = static_cast<int32_t>(slot.index);
                    m.pid = slot.pid;
                    m.process_restarts = slot.restarts;
                    g->rows[i].push_back(std::move(m));
                    g->done();
                  });
        }
        return g->promise;
      },
  };
}

} // namespace

aggregator_actor spawn_aggregator(caf::actor_system& sys, worker_lister slots,
                                  aggregator_options options) {
  return sys.spawn(aggregator_impl, std::move(slots), options);
}

} // namespace fastkafka::workers
