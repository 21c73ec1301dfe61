#define CAF_SUITE actors.supervisor

#include "fastkafka/actors/interfaces.hpp"

#include "caf/test/dsl.hpp"

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/errors.hpp"
#include "support/fake_clients.hpp"

// Every actor of the tree runs on CAF's deterministic test scheduler, with
// clients that need no broker: starts, stops, restarts and pauses happen in
// the order the test drives them, and time passes only when it says so.

using namespace fastkafka;
using namespace fastkafka::actors;
using namespace std::chrono_literals;

namespace {

// Makes fake clients and keeps hold of them for the checks.
struct fake_cluster {
  std::vector<std::string> journal;
  std::vector<test::fake_consumer*> consumers;
  std::vector<std::shared_ptr<test::fake_producer>> producers;
  int producers_made = 0;
  /// Set on the next producer made.
  std::string next_fatal;
  /// Scripted records for each consumer made, by partition.
  std::function<void(test::fake_consumer&)> script;

  client_factory factory() {
    client_factory f;
    f.producer = [this](const std::string& name, const std::string&,
                        const client_options&,
                        std::string&) -> std::unique_ptr<kafka::producer_port> {
      ++producers_made;
      journal.push_back("create " + name);
      auto p = std::make_unique<test::fake_producer>();
      p->name = name;
      p->journal = &journal;
      p->fatal = std::exchange(next_fatal, {});
      return p;
    };
    f.consumer = [this](const std::string&, const std::string& topic,
                        const client_options&, const std::string&,
                        kafka::consumer_listener& listener,
                        std::string&) -> std::unique_ptr<kafka::consumer_port> {
      auto c = std::make_unique<test::fake_consumer>(topic);
      c->listener = &listener;
      c->journal = &journal;
      if (script)
        script(*c);
      consumers.push_back(c.get());
      return c;
    };
    return f;
  }
};

struct fixture : test_coordinator_fixture<> {
  app declaration{{.title = "Tree"}};
  fake_cluster fakes;
  std::shared_ptr<runtime_board> board = std::make_shared<runtime_board>();

  cluster_plan plan(std::string name) {
    cluster_plan p;
    p.broker_name = std::move(name);
    p.bootstrap_servers = "fake:" + p.broker_name;
    p.clients = fakes.factory();
    p.board = board;
    p.detached = false;
    p.restarts = {.max_restarts = 2,
                  .window = 60s,
                  .initial_backoff = 100ms,
                  .max_backoff = 1s};
    return p;
  }

  // A producer registration of the fixture's app, for `plan.producers`.
  std::shared_ptr<const fastkafka::detail::producer_spec>
  producer(const std::string& name) {
    declaration.produces<std::string>(
        name, {.topic = "out-" + name, .encoder = raw_codec()});
    return declaration.producers().back();
  }

  // A consumer registration whose handler runs `fn`.
  template <class F>
  std::shared_ptr<const fastkafka::detail::consumer_spec>
  consumer(const std::string& name, F fn) {
    declaration.consumes<std::string>(name, std::move(fn),
                                      {.topic = "in-" + name,
                                       .decoder = raw_codec(),
                                       .retry = {.max_attempts = 5,
                                                 .initial_backoff = 200ms,
                                                 .max_backoff = 1s}});
    return declaration.consumers().back();
  }

  int64_t far_deadline() { return fastkafka::detail::monotonic_ms() + 5000; }

  // Lets `n` milliseconds pass, one at a time, running what became due:
  // a consumer actor on the test scheduler polls once per millisecond.
  void run_some(int n = 5) {
    for (int i = 0; i < n; ++i) {
      sched.advance_time(1ms);
      sched.run();
    }
  }

  // The answer to a request of `self`, running jobs until it arrives.
  bool answer() {
    std::optional<bool> got;
    for (int i = 0; i < 50 && !got; ++i) {
      run_some();
      self->receive([&](bool ok) { got = ok; },
                    [&](caf::error&) { got = false; }, caf::after(0s) >> [] {});
    }
    if (!got) {
      CAF_MESSAGE("mailbox of self: " << self->mailbox().size()
                                      << " jobs: " << sched.jobs.size());
      CAF_FAIL("no answer");
    }
    return *got;
  }

  std::string last_log_of(const std::string& prefix) {
    for (auto i = fakes.journal.rbegin(); i != fakes.journal.rend(); ++i)
      if (i->starts_with(prefix))
        return *i;
    return {};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_tests, fixture)

CAF_TEST(clusters start in order and stop in reverse with consumers first) {
  auto a = plan("a");
  a.producers.push_back(producer("to_a"));
  auto b = plan("b");
  b.producers.push_back(producer("to_b"));
  b.consumers.push_back(consumer("on_b", [](const std::string&) {}));
  b.group_ids.push_back("g");
  app_plan tree;
  tree.title = "Tree";
  tree.clusters = {a, b};
  tree.board = board;
  tree.detached = false;
  auto sup = spawn_app_supervisor(sys, tree);
  self->send(sup, start_atom_v);
  CAF_REQUIRE(answer());
  // Cluster a was created before cluster b, each producer before the
  // dead-letter producer and the consumers.
  CAF_CHECK_EQUAL(fakes.journal,
                  (std::vector<std::string>{"create to_a", "create to_b",
                                            "create dead-letters"}));
  fakes.journal.clear();
  self->send(sup, stop_atom_v, far_deadline());
  auto stopped = answer();
  // b first (its consumer before its producers), then a.
  CAF_REQUIRE_EQUAL(fakes.journal.size(), 4u);
  CAF_CHECK_EQUAL(fakes.journal[0], "close in-on_b");
  CAF_CHECK(fakes.journal[1] == "flush to_b" ||
            fakes.journal[1] == "flush dead-letters");
  CAF_CHECK(fakes.journal[2] == "flush to_b" ||
            fakes.journal[2] == "flush dead-letters");
  CAF_CHECK_EQUAL(fakes.journal[3], "flush to_a");
  CAF_CHECK(stopped);
  CAF_CHECK_EQUAL(board->state(), runtime_state::stopped);
}

CAF_TEST(a failing message pauses its partition until the backoff ends) {
  int tries = 0;
  std::vector<std::string> handled;
  auto c = plan("c");
  c.consumers.push_back(consumer("on_c", [&](const std::string& v) {
    if (v == "p0-1" && tries++ == 0)
      throw std::runtime_error("not yet");
    handled.push_back(v);
  }));
  c.group_ids.push_back("g");
  fakes.script = [](test::fake_consumer& f) {
    for (int i = 0; i < 3; ++i) {
      f.append(0, "p0-" + std::to_string(i));
      f.append(1, "p1-" + std::to_string(i));
    }
  };
  auto sup = spawn_client_supervisor(sys, c);
  self->send(sup, start_atom_v);
  run_some();
  CAF_REQUIRE_EQUAL(fakes.consumers.size(), 1u);
  auto& port = *fakes.consumers[0];
  // Partition 0 waits; partition 1 was handled in full meanwhile.
  CAF_CHECK(port.paused.contains(0));
  CAF_CHECK(!port.paused.contains(1));
  CAF_CHECK_EQUAL(handled,
                  (std::vector<std::string>{"p0-0", "p1-0", "p1-1", "p1-2"}));
  // Not before the backoff of 200 ms.
  run_some(150);
  CAF_CHECK(port.paused.contains(0));
  run_some(60);
  CAF_CHECK(!port.paused.contains(0));
  CAF_CHECK_EQUAL(port.resumed_calls, std::vector<int32_t>{0});
  CAF_CHECK_EQUAL(handled.back(), "p0-2");
  CAF_CHECK_EQUAL(std::count(handled.begin(), handled.end(), "p0-1"), 1);
  self->send(sup, stop_atom_v, far_deadline());
  run_some(50);
}

CAF_TEST(a crashed consumer actor is restarted after a backoff) {
  auto c = plan("c");
  c.consumers.push_back(consumer("on_c", [](const std::string&) {}));
  c.group_ids.push_back("g");
  auto sup = spawn_client_supervisor(sys, c);
  self->send(sup, start_atom_v);
  run_some();
  auto& port = *fakes.consumers[0];
  port.throw_on_poll = "the client broke";
  run_some();
  // The actor ended with the exception; the restart waits 100 ms.
  auto snap = board->snapshot("Tree");
  CAF_REQUIRE_EQUAL(snap.consumers.size(), 1u);
  CAF_CHECK_EQUAL(snap.consumers[0].restarts, 0u);
  run_some(100);
  snap = board->snapshot("Tree");
  CAF_CHECK_EQUAL(snap.consumers[0].restarts, 1u);
  // It polls again: a new record is handled.
  port.append(0, "after");
  run_some();
  CAF_CHECK_GREATER(port.handed_out, 0);
  self->send(sup, stop_atom_v, far_deadline());
  run_some(50);
}

CAF_TEST(crashes beyond the policy ask the parent to stop the app) {
  auto c = plan("c");
  c.consumers.push_back(consumer("on_c", [](const std::string&) {}));
  c.group_ids.push_back("g");
  auto sup = spawn_client_supervisor(sys, c);
  self->send(sup, start_atom_v);
  CAF_REQUIRE(answer());
  auto& port = *fakes.consumers[0];
  // max_restarts = 2: the third crash within the window is one too many.
  for (int crash = 1; crash <= 3; ++crash) {
    port.throw_on_poll = "crash " + std::to_string(crash);
    run_some();
    run_some(1000);
  }
  std::string reason;
  self->receive([&](fail_atom, std::string& why) { reason = why; },
                caf::after(0s) >> [] { CAF_FAIL("no fail message"); });
  CAF_CHECK(reason.find("consumer on_c crashed more than 2 times") !=
            std::string::npos);
  CAF_CHECK(reason.find("crash 3") != std::string::npos);
  self->send(sup, stop_atom_v, far_deadline());
  run_some(50);
}

CAF_TEST(a producer whose client failed gets a new client) {
  auto c = plan("c");
  c.producers.push_back(producer("to_c"));
  fakes.next_fatal = "the producer was fenced";
  auto sup = spawn_client_supervisor(sys, c);
  self->send(sup, start_atom_v);
  run_some();
  CAF_CHECK_EQUAL(fakes.producers_made, 1);
  // The actor saw the fatal error and ended; after the backoff a new
  // client takes its place and the handle sends to it.
  run_some(100);
  CAF_CHECK_EQUAL(fakes.producers_made, 2);
  auto& slot = *declaration.producers().back()->slot;
  CAF_CHECK(slot.sink.load() != nullptr);
  self->send(sup, stop_atom_v, far_deadline());
  run_some(50);
}

CAF_TEST(a background task that throws is restarted and then the app fails) {
  int runs = 0;
  app_plan tree;
  tree.title = "Tree";
  tree.board = board;
  tree.detached = false;
  tree.restarts = {.max_restarts = 1,
                   .window = 60s,
                   .initial_backoff = 100ms,
                   .max_backoff = 1s};
  tree.tasks.push_back({"flaky", [&](std::stop_token) {
                          ++runs;
                          throw std::runtime_error("no luck");
                        }});
  board->set_state(runtime_state::running);
  auto sup = spawn_app_supervisor(sys, tree);
  self->send(sup, start_atom_v);
  CAF_REQUIRE(answer());
  CAF_CHECK_EQUAL(runs, 1);
  run_some(100);
  CAF_CHECK_EQUAL(runs, 2);
  // The second crash exhausts the policy: the app stops in order, failed.
  CAF_CHECK_EQUAL(board->state(), runtime_state::failed);
  CAF_CHECK(board->failure().find("background task flaky crashed") !=
            std::string::npos);
  run_some(1000);
  CAF_CHECK_EQUAL(runs, 2);
}

CAF_TEST(a task that returns is not restarted) {
  int runs = 0;
  app_plan tree;
  tree.title = "Tree";
  tree.detached = false;
  tree.tasks.push_back({"once", [&](std::stop_token) { ++runs; }});
  auto sup = spawn_app_supervisor(sys, tree);
  self->send(sup, start_atom_v);
  run_some();
  run_some(2000);
  CAF_CHECK_EQUAL(runs, 1);
  self->send(sup, stop_atom_v, far_deadline());
  run_some(50);
}

CAF_TEST_FIXTURE_SCOPE_END()
