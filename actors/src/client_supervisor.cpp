#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/errors.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/settings.hpp"
#include "fastkafka/worker_environment.hpp"

#include "child_actors.hpp"
#include "slot_sink.hpp"

namespace fastkafka::actors {

namespace {

using fastkafka::detail::monotonic_ms;

// Producers are restarted under indexes with this bit set.
constexpr uint32_t producer_bit = 0x80000000u;

struct managed_consumer {
  std::shared_ptr<const fastkafka::detail::consumer_spec> spec;
  std::shared_ptr<consumer_status> status;
  std::shared_ptr<engine::consumer_engine> engine;
  consumer_actor actor;
  bool running = false;
  restart_budget budget;
};

struct managed_producer {
  /// Null for the dead-letter producer.
  std::shared_ptr<const fastkafka::detail::producer_spec> spec;
  std::string name;
  std::string topic;
  client_options options;
  std::shared_ptr<kafka::producer_port> client;
  producer_actor actor;
  bool running = false;
  restart_budget budget;
};

struct client_supervisor_state {
  static inline const char* name = "fastkafka.client_supervisor";
  cluster_plan plan;
  caf::strong_actor_ptr parent;
  std::vector<managed_producer> producers;
  std::vector<managed_consumer> consumers;
  /// Where engines send dead letters; follows the dead-letter producer
  /// across its restarts.
  std::unique_ptr<slot_sink> dead_letters = std::make_unique<slot_sink>();
  bool started = false;
  bool stopping = false;
  bool failed = false;
  // Reachability, for the log and the board.
  int64_t started_ms = 0;
  bool reachable = false;
  bool ever_reachable = false;
  bool told_unreachable = false;
};

using supervisor_ptr =
    client_supervisor_actor::stateful_pointer<client_supervisor_state>;

// A registration's options: the plan's replacement when it has one.
const client_options& options_of(const cluster_plan& plan,
                                 const std::string& name,
                                 const client_options& own) {
  auto i = plan.registration_options.find(name);
  return i == plan.registration_options.end() ? own : i->second;
}

client_options with_bootstrap(const cluster_plan& plan, client_options opts) {
  opts.bootstrap_servers = plan.bootstrap_servers;
  return opts;
}

void spawn_consumer(supervisor_ptr self, size_t index, bool polling = true) {
  auto& mc = self->state.consumers[index];
  mc.actor =
      spawn_consumer_actor(self, mc.engine, polling, self->state.plan.detached);
  mc.running = true;
}

// (Re)creates a producer's client and actor; returns an error text.
std::string start_producer(supervisor_ptr self, size_t index) {
  auto& st = self->state;
  auto& mp = st.producers[index];
  std::string err;
  auto client = st.plan.clients.producer(mp.name, mp.topic, mp.options, err);
  if (!client)
    return err;
  mp.client = std::shared_ptr<kafka::producer_port>{std::move(client)};
  mp.actor = spawn_producer_actor(self, mp.client, mp.name, st.plan.detached);
  mp.running = true;
  if (mp.spec)
    mp.spec->slot->attach(mp.client.get());
  else
    st.dead_letters->attach(mp.client.get());
  if (st.plan.board)
    st.plan.board->set_producer(mp.name, mp.topic, mp.client);
  return {};
}

// Creates every client; returns an error text on the first failure.
std::string start_clients(supervisor_ptr self) {
  auto& st = self->state;
  auto& plan = st.plan;
  for (auto& spec : plan.producers) {
    managed_producer mp;
    mp.spec = spec;
    mp.name = spec->name;
    mp.topic = spec->topic;
    mp.options = with_bootstrap(
        plan,
        merge(plan.app_options, options_of(plan, spec->name, spec->options)));
    st.producers.push_back(std::move(mp));
    if (auto err = start_producer(self, st.producers.size() - 1); !err.empty())
      return err;
    log().info("producer {} ready for {} ({})", spec->name, spec->topic,
               describe_for_log(effective_values(st.producers.back().options,
                                                 client_role::producer)));
  }
  if (!plan.consumers.empty()) {
    // Dead letters are the last copy of a message: wait for all replicas.
    managed_producer mp;
    mp.name = "dead-letters";
    mp.options = with_bootstrap(plan, plan.app_options);
    mp.options.acks = "all";
    st.producers.push_back(std::move(mp));
    if (auto err = start_producer(self, st.producers.size() - 1); !err.empty())
      return err;
  }
  for (size_t i = 0; i < plan.consumers.size(); ++i) {
    auto& spec = plan.consumers[i];
    auto opts = with_bootstrap(
        plan, merge(plan.app_options,
                    options_of(plan, spec->registration(), spec->options)));
    auto settings = resolve_consumer_settings(opts);
    // Exactly-once outputs are read as their consumers would: only what
    // committed.
    if (settings.exactly_once && !opts.isolation_level)
      opts.isolation_level = "read_committed";
    auto status = std::make_shared<consumer_status>();
    status->name = spec->name;
    status->topic = spec->topic;
    status->group_id = plan.group_ids[i];
    status->timed = plan.timed;
    auto engine = std::make_shared<engine::consumer_engine>(
        spec, settings, status, st.dead_letters.get());
    std::string err;
    auto port = plan.clients.consumer(spec->name, spec->topic, opts,
                                      plan.group_ids[i], *engine, err);
    if (!port)
      return err;
    engine->attach(std::move(port));
    std::string transactional_id;
    if (settings.exactly_once) {
      if (!plan.clients.transactional)
        return "consumes " + spec->name +
               ": exactly_once delivery needs a transactional producer, "
               "which this client factory cannot make";
      int worker = -1;
      if (auto* w = std::getenv(worker_index_env); w != nullptr && *w != 0)
        worker = std::atoi(w);
      auto txn_opts = opts;
      txn_opts.transactional_id = transactional_id = consumer_transactional_id(
          opts, plan.group_ids[i], spec->name, worker);
      engine->attach_transactions(
          [make = plan.clients.transactional, name = spec->name + ".txn",
           txn_opts](std::string& err) { return make(name, txn_opts, err); });
    }
    status->statistics = [weak =
                              std::weak_ptr<engine::consumer_engine>{engine}] {
      auto e = weak.lock();
      return e ? e->statistics() : std::string{};
    };
    status->end_offset =
        [weak = std::weak_ptr<engine::consumer_engine>{engine}](int32_t p) {
          auto e = weak.lock();
          return e ? e->end_offset(p) : int64_t{-1};
        };
    log().info("consumer {} subscribed to {} (group {}, max_poll_records {}{}) "
               "with {}",
               spec->name, spec->topic, plan.group_ids[i],
               settings.max_poll_records,
               settings.exactly_once
                   ? ", exactly_once, transactional_id " + transactional_id
                   : std::string{},
               describe_for_log(effective_values(opts, client_role::consumer)));
    if (plan.board)
      plan.board->add_consumer(status);
    st.consumers.push_back(
        {spec, std::move(status), std::move(engine), {}, false, {}});
    spawn_consumer(self, st.consumers.size() - 1);
  }
  return {};
}

// Stops consumers, then producers, each within `deadline_ms`; calls `done`
// with whether everything was committed and delivered in time.
void stop_all(supervisor_ptr self, int64_t deadline_ms,
              std::function<void(bool)> done) {
  auto& st = self->state;
  st.stopping = true;
  auto ok = std::make_shared<bool>(true);
  // Answers come before the deadline or not at all: the request waits a
  // little longer than the bound so that a late answer is still an answer.
  auto wait = [deadline_ms] {
    return caf::timespan{std::chrono::milliseconds{
        std::max<int64_t>(0, deadline_ms - monotonic_ms()) + 1000}};
  };
  auto stop_producers = [self, done, ok, deadline_ms, wait] {
    auto& producers = self->state.producers;
    auto running = std::make_shared<size_t>(0);
    for (auto& mp : producers)
      if (mp.running)
        ++*running;
    if (*running == 0) {
      done(*ok);
      return;
    }
    for (auto& mp : producers) {
      if (!mp.running)
        continue;
      if (mp.spec)
        mp.spec->slot->detach();
      else
        self->state.dead_letters->detach();
      auto name = mp.name;
      self->request(mp.actor, wait(), stop_atom_v, deadline_ms)
          .then(
              [=](bool flushed) {
                *ok = *ok && flushed;
                if (--*running == 0)
                  done(*ok);
              },
              [=](caf::error& err) {
                log().error("producer {} did not stop in time: {}", name,
                            describe_error(self->system(), err));
                *ok = false;
                if (--*running == 0)
                  done(*ok);
              });
    }
  };
  // A consumer waiting for its restart gets an actor that only closes it:
  // closing blocks, and blocking belongs on a thread of its own.
  for (size_t i = 0; i < st.consumers.size(); ++i)
    if (!st.consumers[i].running)
      spawn_consumer(self, i, false);
  if (st.consumers.empty()) {
    stop_producers();
    return;
  }
  auto remaining = std::make_shared<size_t>(st.consumers.size());
  for (auto& mc : st.consumers) {
    mc.engine->wake();
    auto name = mc.spec->name;
    self->request(mc.actor, wait(), stop_atom_v, deadline_ms)
        .then(
            [=](bool committed) {
              *ok = *ok && committed;
              if (--*remaining == 0)
                stop_producers();
            },
            [=](caf::error& err) {
              log().error("consumer {} did not stop in time: {}", name,
                          describe_error(self->system(), err));
              *ok = false;
              if (--*remaining == 0)
                stop_producers();
            });
  }
}

// The policy is exhausted: the app supervisor stops the whole app.
void give_up(supervisor_ptr self, std::string reason) {
  auto& st = self->state;
  if (st.failed)
    return;
  st.failed = true;
  log().error("broker {}: {}; stopping the app", st.plan.broker_name, reason);
  if (st.parent)
    caf::anon_send(caf::actor_cast<caf::actor>(st.parent), fail_atom_v,
                   std::move(reason));
}

// Decides what a crash of a child means: restart after a backoff, or give
// up when the policy is exhausted.
void crashed(supervisor_ptr self, const std::string& what,
             restart_budget& budget, const caf::error& reason, uint32_t index) {
  on_child_crash(self, what, budget, reason, index,
                 [self](std::string why) { give_up(self, std::move(why)); });
}

void on_down(supervisor_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  for (size_t i = 0; i < st.consumers.size(); ++i) {
    auto& mc = st.consumers[i];
    if (mc.actor.address() != msg.source)
      continue;
    mc.running = false;
    if (st.stopping || !msg.reason)
      return;
    crashed(self, "consumer " + mc.spec->name, mc.budget, msg.reason,
            static_cast<uint32_t>(i));
    return;
  }
  for (size_t i = 0; i < st.producers.size(); ++i) {
    auto& mp = st.producers[i];
    if (mp.actor.address() != msg.source)
      continue;
    mp.running = false;
    if (st.stopping || !msg.reason)
      return;
    // Nothing may be sent to a client that is being replaced.
    if (mp.spec)
      mp.spec->slot->detach();
    else
      st.dead_letters->detach();
    crashed(self, "producer " + mp.name, mp.budget, msg.reason,
            static_cast<uint32_t>(i) | producer_bit);
    return;
  }
}

void restart(supervisor_ptr self, uint32_t index) {
  auto& st = self->state;
  if (st.stopping || st.failed)
    return;
  if (index & producer_bit) {
    auto i = index & ~producer_bit;
    if (i >= st.producers.size() || st.producers[i].running)
      return;
    auto& mp = st.producers[i];
    log().info("producer {} restarting with a new client", mp.name);
    // The old client is dropped only after the actor that used it ended.
    if (auto err = start_producer(self, i); !err.empty())
      give_up(self, "producer " + mp.name + " cannot restart: " + err);
    return;
  }
  if (index >= st.consumers.size() || st.consumers[index].running)
    return;
  auto& mc = st.consumers[index];
  mc.status->restarts.add(1);
  log().info("consumer {} restarting", mc.spec->name);
  spawn_consumer(self, index);
}

// Says once that the brokers are not reachable yet, and when they are.
void check_reachable(supervisor_ptr self) {
  auto& st = self->state;
  bool up = false;
  for (auto& mp : st.producers)
    up = up || (mp.client && mp.client->connected());
  for (auto& mc : st.consumers)
    up = up || mc.engine->connected();
  auto now = monotonic_ms();
  auto where = st.plan.broker_name + " (" + st.plan.bootstrap_servers + ")";
  if (up && !st.reachable) {
    if (st.ever_reachable)
      log().info("broker {} is reachable again", where);
    else
      log().info("connected to broker {}", where);
    st.ever_reachable = true;
    st.told_unreachable = false;
  } else if (!up && st.reachable) {
    log().warn("broker {} is not reachable; clients keep trying", where);
    st.told_unreachable = true;
  } else if (!up && !st.ever_reachable && !st.told_unreachable &&
             now - st.started_ms >= 1000) {
    log().warn("broker {} is not reachable yet; clients keep trying", where);
    st.told_unreachable = true;
  }
  st.reachable = up;
  if (st.plan.board)
    st.plan.board->set_reachable(st.plan.bootstrap_servers, up);
}

client_supervisor_actor::behavior_type
client_supervisor_impl(supervisor_ptr self, cluster_plan plan) {
  if (!plan.clients.producer || !plan.clients.consumer)
    plan.clients = kafka_clients(nullptr);
  self->state.plan = std::move(plan);
  self->set_down_handler([=](caf::down_msg& msg) { on_down(self, msg); });
  return {
      [=](start_atom) -> caf::result<bool> {
        auto& st = self->state;
        if (st.started)
          return true;
        st.parent = self->current_sender();
        st.started_ms = monotonic_ms();
        if (auto err = start_clients(self); !err.empty()) {
          // Leave nothing behind that a half-done start created.
          auto rp = self->make_response_promise<bool>();
          stop_all(self, monotonic_ms() + 10000, [=](bool) mutable {
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
        self->send(self, tick_atom_v);
        return true;
      },
      [=](stop_atom, int64_t deadline_ms) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        stop_all(self, deadline_ms, [=](bool ok) mutable {
          rp.deliver(ok);
          self->quit();
        });
        return rp;
      },
      [=](restart_atom, uint32_t index) { restart(self, index); },
      [=](tick_atom) {
        if (self->state.stopping)
          return;
        check_reachable(self);
        self->delayed_send(self, std::chrono::milliseconds(250), tick_atom_v);
      },
  };
}

} // namespace

client_supervisor_actor spawn_client_supervisor(caf::actor_system& sys,
                                                cluster_plan plan) {
  return sys.spawn(client_supervisor_impl, std::move(plan));
}

} // namespace fastkafka::actors
