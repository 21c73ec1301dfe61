#include "fastkafka/workers/stats_endpoint.hpp"

#include <stdexcept>
#include <unistd.h>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/io/middleman.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/send.hpp"
#include "caf/stateful_actor.hpp"

#include "fastkafka/log.hpp"
#include "fastkafka/workers/endpoint.hpp"

namespace fastkafka::workers {

namespace {

using namespace std::chrono_literals;

// The parent may be slow to answer while it starts; a retry is cheap.
constexpr auto connect_timeout = 2s;
constexpr auto retry_after = 1s;

template <class Handle>
uint16_t publish_impl(caf::actor_system& sys, const Handle& whom, uint16_t port,
                      const std::string& bind) {
  const char* in = bind.empty() || bind == "0.0.0.0" ? nullptr : bind.c_str();
  auto bound = sys.middleman().publish(whom, port, in, true);
  if (!bound)
    throw std::runtime_error("cannot publish the stats actor on " +
                             (in ? bind : std::string{"0.0.0.0"}) + ":" +
                             std::to_string(port) + ": " +
                             sys.render(bound.error()));
  return *bound;
}

struct registrar_state {
  static inline const char* name = "fastkafka.stats_registrar";
  endpoint parent;
  int32_t worker = 0;
  stats_actor stats;
  bool complained = false;
};

// Registers `stats` with the parent's aggregator, again whenever the
// connection to it is lost (the parent restarts its middleman only with
// itself, but a worker may start before the parent listens).
caf::behavior registrar(caf::stateful_actor<registrar_state>* self,
                        endpoint parent, int32_t worker, stats_actor stats) {
  self->state.parent = std::move(parent);
  self->state.worker = worker;
  self->state.stats = std::move(stats);
  self->set_down_handler([=](caf::down_msg&) {
    log().warn("lost the parent's stats actor at {}; registering again",
               self->state.parent.text());
    self->delayed_send(self, retry_after, start_atom_v);
  });
  self->send(self, start_atom_v);
  return {
      [=](start_atom) {
        auto& st = self->state;
        auto mm = self->system().middleman().actor_handle();
        self->request(mm, connect_timeout, caf::connect_atom::value,
                      st.parent.host, st.parent.port)
            .then(
                [=](const caf::node_id&, caf::strong_actor_ptr& ptr,
                    const std::set<std::string>&) {
                  auto& st = self->state;
                  if (!ptr) {
                    log().warn("nothing is published at {}; cannot register "
                               "the stats actor",
                               st.parent.text());
                    return;
                  }
                  auto parent = caf::actor_cast<caf::actor>(ptr);
                  self->monitor(parent);
                  self->send(parent, register_atom_v, st.worker,
                             static_cast<int32_t>(::getpid()),
                             caf::actor_cast<caf::strong_actor_ptr>(st.stats));
                  st.complained = false;
                },
                [=](caf::error& err) {
                  auto& st = self->state;
                  if (!st.complained)
                    log().warn("cannot reach the parent's stats actor at {}: "
                               "{}; retrying every {} s",
                               st.parent.text(), self->system().render(err),
                               retry_after.count());
                  st.complained = true;
                  self->delayed_send(self, retry_after, start_atom_v);
                });
      },
  };
}

} // namespace

uint16_t publish_stats(caf::actor_system& sys, const stats_actor& whom,
                       uint16_t port, const std::string& bind) {
  return publish_impl(sys, whom, port, bind);
}

uint16_t publish_stats(caf::actor_system& sys, const aggregator_actor& whom,
                       uint16_t port, const std::string& bind) {
  return publish_impl(sys, whom, port, bind);
}

struct stats_endpoint::impl {
  caf::actor_system& sys;
  stats_actor stats;
  caf::actor registrar;
  uint16_t port = 0;

  explicit impl(caf::actor_system& s)
      : sys(s) {}
};

stats_endpoint::stats_endpoint(caf::actor_system& sys,
                               snapshot_provider provider,
                               stats_options options)
    : impl_(std::make_unique<impl>(sys)) {
  impl_->stats = spawn_stats_actor(sys, std::move(provider), options.actor);
  if (options.port) {
    try {
      impl_->port =
          publish_stats(sys, impl_->stats, *options.port, options.bind);
    } catch (...) {
      caf::anon_send_exit(impl_->stats, caf::exit_reason::user_shutdown);
      throw;
    }
    log().info("stats actor listening on {}:{}",
               options.bind.empty() ? "0.0.0.0" : options.bind, impl_->port);
  }
  if (!options.parent.empty()) {
    auto parent = parse_endpoint(options.parent);
    impl_->registrar =
        sys.spawn(registrar, std::move(parent), options.worker, impl_->stats);
  }
}

stats_endpoint::~stats_endpoint() {
  if (impl_->port != 0)
    impl_->sys.middleman().unpublish(impl_->stats, impl_->port);
  if (impl_->registrar)
    caf::anon_send_exit(impl_->registrar, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(impl_->stats, caf::exit_reason::user_shutdown);
}

uint16_t stats_endpoint::port() const noexcept {
  return impl_->port;
}

stats_actor stats_endpoint::actor() const {
  return impl_->stats;
}

} // namespace fastkafka::workers
