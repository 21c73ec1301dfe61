#include <memory>
#include <string>
#include <vector>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "consumer_runtime.hpp"
#include "fastkafka/actors/interfaces.hpp"
#include "fastkafka/errors.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka {

namespace {

using detail::consumer_runtime;
using detail::producer_client;

// -- consumer actor ----------------------------------------------------------

struct consumer_state {
  static inline const char* name = "fastkafka.consumer";
};

consumer_actor::behavior_type
consumer_impl(consumer_actor::stateful_pointer<consumer_state> self,
              std::shared_ptr<consumer_runtime> rt, bool polling) {
  // Each poll is a message to itself, so stop requests are seen between
  // batches; the actor is detached, so the blocking poll owns its thread.
  // Without `polling` it only waits for `stop`, to close on its own thread.
  if (polling)
    self->send(self, poll_atom_v);
  return {
      [=](poll_atom) {
        if (!rt->poll_once()) {
          self->quit(caf::make_error(error_code::handler_failed,
                                     rt->spec().name, rt->failure()));
          return;
        }
        self->send(self, poll_atom_v);
      },
      [=](stop_atom) {
        rt->shutdown();
        self->quit();
        return true;
      },
  };
}

// -- producer actor ----------------------------------------------------------

struct producer_state {
  static inline const char* name = "fastkafka.producer";
};

producer_actor::behavior_type
producer_impl(producer_actor::stateful_pointer<producer_state> self,
              std::shared_ptr<producer_client> client) {
  self->send(self, poll_atom_v);
  return {
      [=](poll_atom) {
        // Zero-timeout polls on a timer: consumers serve the reports of
        // what their handlers send; this catches the rest (sends from other
        // threads) and leaves the actor free to see `stop` at once.
        client->poll(0);
        self->delayed_send(self, std::chrono::milliseconds(20), poll_atom_v);
      },
      [=](stop_atom) {
        auto left = client->flush(30000);
        if (left > 0)
          log().error("producer {}: {} messages not acknowledged after 30 s",
                      client->name(), left);
        log().info("producer {} stopped; {} delivered, {} failed",
                   client->name(), client->delivered(), client->failed());
        self->quit();
        return left == 0;
      },
  };
}

// -- client supervisor
// ---------------------------------------------------------

struct managed_consumer {
  std::shared_ptr<consumer_runtime> runtime;
  consumer_actor actor;
  bool running = false;
};

struct managed_producer {
  std::shared_ptr<const detail::producer_spec> spec; // null: dead letters
  std::shared_ptr<producer_client> client;
  producer_actor actor;
};

struct client_supervisor_state {
  static inline const char* name = "fastkafka.client_supervisor";
  cluster_plan plan;
  std::vector<managed_producer> producers;
  std::vector<managed_consumer> consumers;
  bool started = false;
  bool stopping = false;
};

using supervisor_ptr =
    client_supervisor_actor::stateful_pointer<client_supervisor_state>;

void spawn_consumer(supervisor_ptr self, size_t index, bool polling = true) {
  auto& mc = self->state.consumers[index];
  mc.actor = self->spawn<caf::detached>(consumer_impl, mc.runtime, polling);
  mc.running = true;
  self->monitor(mc.actor);
}

// Creates every client; returns an error text on the first failure.
std::string start_clients(supervisor_ptr self) {
  auto& st = self->state;
  auto& plan = st.plan;
  auto with_bootstrap = [&](client_options opts) {
    opts.bootstrap_servers = plan.bootstrap_servers;
    return opts;
  };
  std::string err;
  for (auto& spec : plan.producers) {
    auto opts = with_bootstrap(merge(plan.app_options, spec->options));
    auto client = producer_client::create(spec->name, spec->topic, opts, err,
                                          plan.token_provider);
    if (!client)
      return err;
    managed_producer mp{
        spec, std::shared_ptr<producer_client>{std::move(client)}, {}};
    mp.actor = self->spawn<caf::detached>(producer_impl, mp.client);
    spec->slot->attach(mp.client.get());
    log().info("producer {} ready for {} ({})", spec->name, spec->topic,
               describe_for_log(effective_values(opts, client_role::producer)));
    st.producers.push_back(std::move(mp));
  }
  producer_client* dead_letters = nullptr;
  if (!plan.consumers.empty()) {
    // Dead letters are the last copy of a message: wait for all replicas.
    auto opts = with_bootstrap(plan.app_options);
    opts.acks = "all";
    auto client = producer_client::create("dead-letters", "", opts, err,
                                          plan.token_provider);
    if (!client)
      return err;
    managed_producer mp{
        nullptr, std::shared_ptr<producer_client>{std::move(client)}, {}};
    mp.actor = self->spawn<caf::detached>(producer_impl, mp.client);
    dead_letters = mp.client.get();
    st.producers.push_back(std::move(mp));
  }
  for (size_t i = 0; i < plan.consumers.size(); ++i) {
    auto& spec = plan.consumers[i];
    auto opts = with_bootstrap(merge(plan.app_options, spec->options));
    auto rt = consumer_runtime::create(spec, opts, plan.group_ids[i],
                                       dead_letters, err, plan.token_provider);
    if (!rt)
      return err;
    log().info("consumer {} options: {}", spec->name,
               describe_for_log(effective_values(opts, client_role::consumer)));
    st.consumers.push_back({std::move(rt), {}, false});
    spawn_consumer(self, st.consumers.size() - 1);
  }
  return {};
}

// Stops consumers, then producers; calls `done` when all are down.
void stop_all(supervisor_ptr self, std::function<void(bool)> done) {
  auto& st = self->state;
  st.stopping = true;
  auto ok = std::make_shared<bool>(true);
  auto stop_producers = [self, done, ok] {
    auto& producers = self->state.producers;
    if (producers.empty()) {
      done(*ok);
      return;
    }
    auto remaining = std::make_shared<size_t>(producers.size());
    for (auto& mp : producers) {
      if (mp.spec)
        mp.spec->slot->detach();
      self->request(mp.actor, caf::infinite, stop_atom_v)
          .then(
              [=](bool flushed) {
                *ok = *ok && flushed;
                if (--*remaining == 0)
                  done(*ok);
              },
              [=](caf::error&) {
                *ok = false;
                if (--*remaining == 0)
                  done(*ok);
              });
    }
  };
  // A consumer waiting for its restart gets an actor that only closes it:
  // closing blocks, and blocking belongs on a thread of its own.
  for (size_t i = 0; i < st.consumers.size(); ++i)
    if (!st.consumers[i].running)
      spawn_consumer(self, i, false);
  std::vector<consumer_actor> running;
  for (auto& mc : st.consumers) {
    running.push_back(mc.actor);
    mc.runtime->wake();
  }
  if (running.empty()) {
    stop_producers();
    return;
  }
  auto remaining = std::make_shared<size_t>(running.size());
  for (auto& actor : running) {
    self->request(actor, caf::infinite, stop_atom_v)
        .then(
            [=](bool) {
              if (--*remaining == 0)
                stop_producers();
            },
            [=](caf::error&) {
              if (--*remaining == 0)
                stop_producers();
            });
  }
}

client_supervisor_actor::behavior_type
client_supervisor_impl(supervisor_ptr self, cluster_plan plan) {
  self->state.plan = std::move(plan);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    for (size_t i = 0; i < st.consumers.size(); ++i) {
      auto& mc = st.consumers[i];
      if (mc.actor.address() != msg.source)
        continue;
      mc.running = false;
      if (st.stopping || !msg.reason)
        return;
      auto wait = mc.runtime->retry_backoff();
      self->delayed_send(self, wait, restart_atom_v, static_cast<uint32_t>(i));
      return;
    }
  });
  return {
      [=](start_atom) -> caf::result<bool> {
        auto& st = self->state;
        if (st.started)
          return true;
        if (auto err = start_clients(self); !err.empty()) {
          // Leave nothing behind that a half-done start created.
          auto rp = self->make_response_promise<bool>();
          stop_all(self, [=](bool) mutable {
            rp.deliver(
                caf::make_error(error_code::client_creation_failed, err));
            self->quit();
          });
          return rp;
        }
        st.started = true;
        log().info("clients of broker {} ({}) started: {} consumers, {} "
                   "producers",
                   st.plan.broker_name, st.plan.bootstrap_servers,
                   st.consumers.size(), st.plan.producers.size());
        return true;
      },
      [=](stop_atom) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        stop_all(self, [=](bool ok) mutable {
          rp.deliver(ok);
          self->quit();
        });
        return rp;
      },
      [=](restart_atom, uint32_t index) {
        auto& st = self->state;
        if (st.stopping || index >= st.consumers.size() ||
            st.consumers[index].running)
          return;
        log().info("consumer {} restarting",
                   st.consumers[index].runtime->spec().name);
        spawn_consumer(self, index);
      },
  };
}

// -- app supervisor ----------------------------------------------------------

struct app_supervisor_state {
  static inline const char* name = "fastkafka.app_supervisor";
  std::vector<cluster_plan> plans;
  std::vector<client_supervisor_actor> clusters;
};

using app_ptr = app_supervisor_actor::stateful_pointer<app_supervisor_state>;

// Stops cluster supervisors from the last to the first.
void stop_clusters(app_ptr self, std::function<void(bool)> done,
                   bool ok = true) {
  auto& clusters = self->state.clusters;
  if (clusters.empty()) {
    done(ok);
    return;
  }
  auto last = clusters.back();
  clusters.pop_back();
  self->request(last, caf::infinite, stop_atom_v)
      .then([=](bool res) { stop_clusters(self, done, ok && res); },
            [=](caf::error&) { stop_clusters(self, done, false); });
}

// Starts cluster supervisors one after the other.
void start_clusters(app_ptr self, size_t index,
                    caf::typed_response_promise<bool> rp) {
  auto& st = self->state;
  if (index == st.plans.size()) {
    rp.deliver(true);
    return;
  }
  auto sup = spawn_client_supervisor(self->system(), st.plans[index]);
  st.clusters.push_back(sup);
  self->request(sup, caf::infinite, start_atom_v)
      .then([=](bool) { start_clusters(self, index + 1, rp); },
            [=](caf::error& err) mutable {
              // The failed supervisor cleaned up after itself and quit; the
              // ones started before it stop in reverse order.
              self->state.clusters.pop_back();
              stop_clusters(self, [=](bool) mutable { rp.deliver(err); });
            });
}

app_supervisor_actor::behavior_type
app_supervisor_impl(app_ptr self, std::vector<cluster_plan> plans) {
  self->state.plans = std::move(plans);
  return {
      [=](start_atom) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        start_clusters(self, 0, rp);
        return rp;
      },
      [=](stop_atom) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        stop_clusters(self, [=](bool ok) mutable {
          rp.deliver(ok);
          self->quit();
        });
        return rp;
      },
  };
}

} // namespace

client_supervisor_actor spawn_client_supervisor(caf::actor_system& sys,
                                                cluster_plan plan) {
  return sys.spawn(client_supervisor_impl, std::move(plan));
}

app_supervisor_actor spawn_app_supervisor(caf::actor_system& sys,
                                          std::vector<cluster_plan> plans) {
  return sys.spawn(app_supervisor_impl, std::move(plans));
}

} // namespace fastkafka
