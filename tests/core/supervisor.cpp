#define CAF_SUITE actors.supervisor

#include "fastkafka/actors/interfaces.hpp"

#include "caf/test/dsl.hpp"

#include "fastkafka/errors.hpp"

using namespace fastkafka;

namespace {

cluster_plan empty_plan(std::string name) {
  cluster_plan plan;
  plan.broker_name = std::move(name);
  // Nothing connects: a plan without registrations creates no client.
  plan.bootstrap_servers = "127.0.0.1:1";
  return plan;
}

// A producer whose pass-through option librdkafka rejects at creation.
cluster_plan broken_plan() {
  auto plan = empty_plan("broken");
  auto spec = std::make_shared<detail::producer_spec>();
  spec->name = "to_out";
  spec->topic = "out";
  spec->options.librdkafka["no.such.property"] = "1";
  spec->slot = std::make_shared<detail::producer_slot>();
  plan.producers.push_back(spec);
  return plan;
}

struct fixture : test_coordinator_fixture<> {
  // The actor the scheduler runs next: the receiver of the oldest message.
  caf::actor next_actor() {
    return caf::actor_cast<caf::actor>(&sched.next_job<caf::abstract_actor>());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_tests, fixture)

CAF_TEST(the app supervisor starts clusters in order and stops them) {
  auto sup = spawn_app_supervisor(sys, {empty_plan("a"), empty_plan("b")});
  self->send(sup, start_atom_v);
  expect((start_atom), from(self).to(sup));
  // Cluster a starts first and answers before cluster b is asked.
  auto a = next_actor();
  expect((start_atom), from(sup).to(a));
  expect((bool), from(a).to(sup).with(true));
  auto b = next_actor();
  CAF_CHECK_NOT_EQUAL(a, b);
  expect((start_atom), from(sup).to(b));
  expect((bool), from(b).to(sup).with(true));
  expect((bool), from(sup).to(self).with(true));
  // Stopping goes the other way round: b, then a.
  self->send(sup, stop_atom_v);
  expect((stop_atom), from(self).to(sup));
  expect((stop_atom), from(sup).to(b));
  expect((bool), from(b).to(sup).with(true));
  expect((stop_atom), from(sup).to(a));
  expect((bool), from(a).to(sup).with(true));
  expect((bool), from(sup).to(self).with(true));
  run();
  CAF_CHECK(!sched.has_job());
}

CAF_TEST(a cluster that cannot start fails the start and stops the others) {
  auto sup = spawn_app_supervisor(sys, {empty_plan("good"), broken_plan()});
  self->send(sup, start_atom_v);
  expect((start_atom), from(self).to(sup));
  auto good = next_actor();
  expect((start_atom), from(sup).to(good));
  expect((bool), from(good).to(sup).with(true));
  auto broken = next_actor();
  expect((start_atom), from(sup).to(broken));
  // The broken cluster answers with an error; the good one is stopped.
  expect((caf::error), from(broken).to(sup));
  expect((stop_atom), from(sup).to(good));
  expect((bool), from(good).to(sup).with(true));
  run();
  caf::error failure;
  self->receive([](bool) { CAF_FAIL("start succeeded with a broken client"); },
                [&](caf::error& err) { failure = err; },
                caf::after(std::chrono::seconds(0)) >>
                    [] { CAF_FAIL("no answer to start"); });
  CAF_CHECK_EQUAL(failure, caf::make_error(error_code::client_creation_failed));
  auto text = sys.render(failure);
  CAF_CHECK(text.find("no.such.property") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
