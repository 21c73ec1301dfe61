#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "fastkafka/actors/interfaces.hpp"
#include "fastkafka/detail/clock.hpp"
#include "fastkafka/errors.hpp"
#include "fastkafka/log.hpp"

#include "child_actors.hpp"

namespace fastkafka::actors {

namespace {

using fastkafka::detail::monotonic_ms;

// Restart indexes: tasks as they are, services and the benchmark actor
// with a tag bit.
constexpr uint32_t service_bit = 0x40000000u;
constexpr uint32_t benchmark_index = 0x20000000u;

struct managed_task {
  background_task task;
  background_actor actor;
  bool running = false;
  restart_budget budget;
};

struct managed_service {
  service_spec spec;
  caf::actor actor;
  restart_budget budget;
};

struct app_supervisor_state {
  static inline const char* name = "fastkafka.app_supervisor";
  app_plan plan;
  std::vector<client_supervisor_actor> clusters;
  std::vector<managed_task> tasks;
  std::vector<managed_service> services;
  benchmark_actor benchmark;
  restart_budget benchmark_budget;
  std::stop_source tasks_stop;
  bool running = false;
  bool stopping = false;
  bool failed = false;
  /// Counts stops, so that an old timeout does not end a newer wait.
  uint32_t stop_generation = 0;
  std::function<void()> tasks_done;
  /// Answers of stops asked while one is in progress.
  std::vector<caf::typed_response_promise<bool>> waiting;
  bool stopped_ok = true;
  bool stopped = false;
};

using app_ptr = app_supervisor_actor::stateful_pointer<app_supervisor_state>;

caf::timespan until(int64_t deadline_ms, int64_t slack_ms = 1000) {
  return caf::timespan{std::chrono::milliseconds{
      std::max<int64_t>(0, deadline_ms - monotonic_ms()) + slack_ms}};
}

void spawn_task(app_ptr self, size_t i) {
  auto& st = self->state;
  auto& mt = st.tasks[i];
  mt.actor = spawn_background_task(self->system(), mt.task,
                                   st.tasks_stop.get_token(), st.plan.detached);
  self->monitor(mt.actor);
  mt.running = true;
  self->send(mt.actor, start_atom_v);
}

void spawn_service(app_ptr self, size_t i) {
  auto& ms = self->state.services[i];
  if (!ms.spec.spawn)
    return;
  ms.actor = ms.spec.spawn(self->system());
  if (ms.actor)
    self->monitor(ms.actor);
}

void spawn_benchmark(app_ptr self) {
  auto& st = self->state;
  if (st.plan.benchmarks.empty())
    return;
  st.benchmark = spawn_benchmark_actor(self->system(), st.plan.benchmarks);
  self->monitor(st.benchmark);
}

// Stops cluster supervisors from the last to the first.
void stop_clusters(app_ptr self, int64_t deadline_ms,
                   std::function<void(bool)> done, bool ok = true) {
  auto& clusters = self->state.clusters;
  if (clusters.empty()) {
    done(ok);
    return;
  }
  auto last = clusters.back();
  clusters.pop_back();
  self->request(last, until(deadline_ms), stop_atom_v, deadline_ms)
      .then(
          [=](bool res) { stop_clusters(self, deadline_ms, done, ok && res); },
          [=](caf::error& err) {
            log().error("a client supervisor did not stop in time: {}",
                        describe_error(self->system(), err));
            stop_clusters(self, deadline_ms, done, false);
          });
}

// Starts cluster supervisors one after the other.
void start_clusters(app_ptr self, size_t index,
                    std::function<void(caf::error)> done) {
  auto& st = self->state;
  if (index == st.plan.clusters.size()) {
    done({});
    return;
  }
  auto sup = spawn_client_supervisor(self->system(), st.plan.clusters[index]);
  self->monitor(sup);
  st.clusters.push_back(sup);
  self->request(sup, std::chrono::seconds(60), start_atom_v)
      .then([=](bool) { start_clusters(self, index + 1, done); },
            [=](caf::error& err) {
              // The failed supervisor cleaned up after itself and quit; the
              // ones started before it stop in reverse order.
              self->state.clusters.pop_back();
              stop_clusters(self, monotonic_ms() + 30000,
                            [=](bool) { done(err); });
            });
}

bool tasks_running(app_ptr self) {
  for (auto& mt : self->state.tasks)
    if (mt.running)
      return true;
  return false;
}

void finish_stop(app_ptr self, bool ok) {
  auto& st = self->state;
  st.stopped = true;
  st.stopped_ok = ok;
  if (st.plan.board)
    st.plan.board->set_state(st.failed ? runtime_state::failed
                                       : runtime_state::stopped);
  for (auto& rp : st.waiting)
    rp.deliver(ok && !st.failed);
  st.waiting.clear();
  self->quit();
}

// The orderly stop: services and the benchmark actor, then the background
// tasks (they may still feed the producers), then the clusters in reverse.
void stop_everything(app_ptr self, int64_t deadline_ms) {
  auto& st = self->state;
  if (st.stopping)
    return;
  st.stopping = true;
  if (st.plan.board && !st.failed)
    st.plan.board->set_state(runtime_state::stopping);
  for (auto& ms : st.services)
    if (ms.actor)
      self->send_exit(ms.actor, caf::exit_reason::user_shutdown);
  if (st.benchmark)
    self->send_exit(st.benchmark, caf::exit_reason::user_shutdown);
  st.tasks_stop.request_stop();
  auto then_clusters = [self, deadline_ms] {
    log().info("stopping {}: draining consumers, then flushing producers",
               self->state.plan.title);
    stop_clusters(self, deadline_ms,
                  [self](bool ok) { finish_stop(self, ok); });
  };
  if (!tasks_running(self)) {
    then_clusters();
    return;
  }
  for (auto& mt : st.tasks)
    if (mt.running)
      log().info("background task {} cancelled", mt.task.name);
  // Tasks get half of what is left; consumers and producers need the rest.
  st.tasks_done = then_clusters;
  auto half = std::max<int64_t>(0, (deadline_ms - monotonic_ms()) / 2);
  self->delayed_send(self, std::chrono::milliseconds(half), timeout_atom_v,
                     ++st.stop_generation);
}

void fail(app_ptr self, std::string reason) {
  auto& st = self->state;
  if (st.failed || st.stopping)
    return;
  st.failed = true;
  log().error("{} fails: {}; stopping everything", st.plan.title, reason);
  if (st.plan.board)
    st.plan.board->set_state(runtime_state::failed, reason);
  stop_everything(self, monotonic_ms() + st.plan.stop_timeout.count());
}

void crashed(app_ptr self, const std::string& what, restart_budget& budget,
             const caf::error& reason, uint32_t index) {
  on_child_crash(self, what, budget, reason, index,
                 [self](std::string why) { fail(self, std::move(why)); });
}

void on_down(app_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  for (auto& c : st.clusters)
    if (c.address() == msg.source) {
      if (!st.stopping)
        fail(self, "a client supervisor ended: " +
                       (msg.reason ? describe_error(self->system(), msg.reason)
                                   : std::string{"without an error"}));
      return;
    }
  for (size_t i = 0; i < st.tasks.size(); ++i) {
    auto& mt = st.tasks[i];
    if (mt.actor.address() != msg.source)
      continue;
    mt.running = false;
    if (st.stopping) {
      if (!tasks_running(self) && st.tasks_done) {
        auto next = std::move(st.tasks_done);
        st.tasks_done = nullptr;
        next();
      }
      return;
    }
    if (msg.reason)
      crashed(self, "background task " + mt.task.name, mt.budget, msg.reason,
              static_cast<uint32_t>(i));
    return;
  }
  if (st.stopping)
    return;
  for (size_t i = 0; i < st.services.size(); ++i)
    if (st.services[i].actor.address() == msg.source) {
      if (msg.reason)
        crashed(self, st.services[i].spec.name, st.services[i].budget,
                msg.reason, static_cast<uint32_t>(i) | service_bit);
      return;
    }
  if (st.benchmark && st.benchmark.address() == msg.source && msg.reason)
    crashed(self, "the benchmark actor", st.benchmark_budget, msg.reason,
            benchmark_index);
}

void restart(app_ptr self, uint32_t index) {
  auto& st = self->state;
  if (st.stopping)
    return;
  if (index == benchmark_index) {
    spawn_benchmark(self);
  } else if (index & service_bit) {
    auto i = index & ~service_bit;
    if (i < st.services.size())
      spawn_service(self, i);
  } else if (index < st.tasks.size() && !st.tasks[index].running) {
    log().info("background task {} restarting", st.tasks[index].task.name);
    spawn_task(self, index);
  }
}

app_supervisor_actor::behavior_type app_supervisor_impl(app_ptr self,
                                                        app_plan plan) {
  self->state.plan = std::move(plan);
  for (auto& t : self->state.plan.tasks)
    self->state.tasks.push_back({t, {}, false, {}});
  for (auto& s : self->state.plan.services)
    self->state.services.push_back({s, {}, {}});
  self->set_down_handler([=](caf::down_msg& msg) { on_down(self, msg); });
  return {
      [=](start_atom) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        start_clusters(self, 0, [=](caf::error err) mutable {
          if (err) {
            rp.deliver(std::move(err));
            self->quit();
            return;
          }
          auto& st = self->state;
          st.running = true;
          // Background tasks come after the consumers, so that what they
          // produce or wait for is already being handled.
          for (size_t i = 0; i < st.tasks.size(); ++i)
            spawn_task(self, i);
          spawn_benchmark(self);
          for (size_t i = 0; i < st.services.size(); ++i)
            spawn_service(self, i);
          rp.deliver(true);
        });
        return rp;
      },
      [=](stop_atom, int64_t deadline_ms) -> caf::result<bool> {
        auto& st = self->state;
        if (st.stopped)
          return st.stopped_ok && !st.failed;
        auto rp = self->make_response_promise<bool>();
        st.waiting.push_back(rp);
        stop_everything(self, deadline_ms);
        return rp;
      },
      [=](restart_atom, uint32_t index) { restart(self, index); },
      [=](timeout_atom, uint32_t generation) {
        auto& st = self->state;
        if (generation != st.stop_generation || !st.tasks_done)
          return;
        for (auto& mt : st.tasks)
          if (mt.running)
            log().error("background task {} did not return after its stop "
                        "request; stopping the rest without it",
                        mt.task.name);
        auto next = std::move(st.tasks_done);
        st.tasks_done = nullptr;
        next();
      },
      [=](fail_atom, std::string& reason) { fail(self, std::move(reason)); },
  };
}

} // namespace

app_supervisor_actor spawn_app_supervisor(caf::actor_system& sys,
                                          app_plan plan) {
  return sys.spawn(app_supervisor_impl, std::move(plan));
}

} // namespace fastkafka::actors
