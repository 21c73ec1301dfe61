#define CAF_SUITE actors.retry_topics

#include "engine/retry_topics.hpp"

#include "caf/test/unit_test.hpp"

#include <mutex>
#include <thread>

#include "engine/consumer_engine.hpp"
#include "fastkafka/app.hpp"
#include "fastkafka/dead_letter.hpp"
#include "fastkafka/detail/clock.hpp"
#include "fastkafka/retry_topic.hpp"
#include "support/fake_clients.hpp"

using namespace fastkafka;
using namespace std::chrono_literals;
using fastkafka::detail::monotonic_ms;
using fastkafka::detail::wall_clock_ms;

namespace {

std::string header_of(const test::sent_message& m, std::string_view name) {
  for (auto& [n, v] : m.headers)
    if (n == name)
      return v;
  return "<none>";
}

// The engine of consumer `index` of a registration of `in` with two retry
// stages, over a fake consumer of that consumer's topic.
struct fixture {
  app declaration{{.title = "Retries"}};
  test::fake_consumer* port = nullptr;
  test::fake_producer sink;
  std::shared_ptr<actors::consumer_status> status =
      std::make_shared<actors::consumer_status>();
  std::unique_ptr<engine::consumer_engine> engine;
  std::mutex mtx;
  std::vector<std::string> seen;
  std::string fail_on;

  void install(size_t index, executor exec = executor::sequential) {
    declaration.consumes<std::string>("on_in",
                                      [this](const std::string& v) {
                                        if (v == fail_on)
                                          throw std::runtime_error(
                                              "cannot take " + v);
                                        seen.push_back(v);
                                      },
                                      {.topic = "in",
                                       .decoder = raw_codec(),
                                       .retry = retry_topics{{200ms, 5s}},
                                       .exec = exec});
    auto& spec = declaration.consumers().at(index);
    consumer_settings settings;
    settings.max_poll_records = 10;
    engine = std::make_unique<engine::consumer_engine>(spec, settings, status,
                                                       &sink);
    auto fake = std::make_unique<test::fake_consumer>(spec->topic);
    fake->listener = engine.get();
    port = fake.get();
    engine->attach(std::move(fake));
  }

  ~fixture() {
    if (engine)
      engine->shutdown(monotonic_ms() + 1000);
  }
};

} // namespace

CAF_TEST(the origin comes from complete retry headers only) {
  std::vector<header_view> none{{"x", "1"}};
  auto own = engine::origin_of(none, "in.retry.1s", 2, 7);
  CAF_CHECK_EQUAL(own.topic, "in.retry.1s");
  CAF_CHECK_EQUAL(own.partition, 2);
  CAF_CHECK_EQUAL(own.offset, 7);
  CAF_CHECK_EQUAL(own.attempts, 0);
  std::vector<header_view> full{{retry_header::topic, "in"},
                                {retry_header::partition, "3"},
                                {retry_header::offset, "41"},
                                {retry_header::attempts, "2"}};
  auto o = engine::origin_of(full, "in.retry.1s", 0, 5);
  CAF_CHECK_EQUAL(o.topic, "in");
  CAF_CHECK_EQUAL(o.partition, 3);
  CAF_CHECK_EQUAL(o.offset, 41);
  CAF_CHECK_EQUAL(o.attempts, 2);
  // A broken number is no origin at all: the message is its own.
  full[2].second = "41x";
  CAF_CHECK_EQUAL(engine::origin_of(full, "t", 0, 5).topic, "t");
}

CAF_TEST(a message is due at its header or its timestamp plus the delay) {
  CAF_CHECK_EQUAL(engine::due_ms(std::string_view{"1700000000500"}, 5, 1s),
                  1700000000500);
  CAF_CHECK_EQUAL(engine::due_ms(std::nullopt, 1000, 1s), 2000);
  CAF_CHECK_EQUAL(engine::due_ms(std::string_view{"soon"}, 1000, 10s), 11000);
  CAF_CHECK_EQUAL(engine::due_ms(std::nullopt, -1, 10s), 0);
}

CAF_TEST(retry headers follow those of the input and replace older ones) {
  std::vector<header_view> input{
      {"trace", "t-1"}, {retry_header::attempts, "1"}, {"n", "2"}};
  engine::retry_headers h{input, {"in", 1, 9, 1}, 2, "boom", "on_in", 1234};
  auto v = h.view();
  CAF_REQUIRE_EQUAL(v.size(), 9u);
  CAF_CHECK_EQUAL(v[0].first, "trace");
  CAF_CHECK_EQUAL(v[1].first, "n");
  CAF_CHECK_EQUAL(v[2].first, retry_header::attempts);
  CAF_CHECK_EQUAL(v[2].second, "2");
  CAF_CHECK_EQUAL(v[3].second, "in");
  CAF_CHECK_EQUAL(v[4].second, "1");
  CAF_CHECK_EQUAL(v[5].second, "9");
  CAF_CHECK_EQUAL(v[6].second, "boom");
  CAF_CHECK_EQUAL(v[7].first, retry_header::due);
  CAF_CHECK_EQUAL(v[7].second, "1234");
  CAF_CHECK_EQUAL(v[8].second, "on_in");
}

CAF_TEST_FIXTURE_SCOPE(retry_engine_tests, fixture)

CAF_TEST(a failure on the main topic moves on to the first stage) {
  install(0);
  fail_on = "bad";
  port->append(0, "a");
  port->append(0, "bad", std::string{"k"}, {{"trace", "t-1"}});
  port->append(0, "c");
  auto before = wall_clock_ms();
  auto out = engine->poll_once();
  // Nothing pauses: the partition went on past the failed message.
  CAF_CHECK(out.retries.empty());
  CAF_CHECK(port->paused_calls.empty());
  CAF_CHECK_EQUAL(seen, (std::vector<std::string>{"a", "c"}));
  CAF_REQUIRE_EQUAL(sink.sent_messages.size(), 1u);
  auto& m = sink.sent_messages[0];
  CAF_CHECK_EQUAL(m.topic, "in.retry.200ms");
  CAF_CHECK_EQUAL(m.value, "bad");
  CAF_CHECK_EQUAL(*m.key, "k");
  CAF_CHECK_EQUAL(m.headers[0].first, "trace");
  CAF_CHECK_EQUAL(header_of(m, retry_header::topic), "in");
  CAF_CHECK_EQUAL(header_of(m, retry_header::offset), "1");
  CAF_CHECK_EQUAL(header_of(m, retry_header::attempts), "1");
  CAF_CHECK_EQUAL(header_of(m, retry_header::error), "cannot take bad");
  auto due = std::stoll(header_of(m, retry_header::due));
  CAF_CHECK_GREATER_OR_EQUAL(due, before + 200);
  CAF_CHECK_LESS_OR_EQUAL(due, wall_clock_ms() + 200);
  engine->poll_once();
  CAF_CHECK_EQUAL(port->committed[0], 3);
  CAF_CHECK_EQUAL(status->dead_lettered.load(), 0u);
}

CAF_TEST(the concurrent executor moves failures on the same way) {
  install(0, executor::concurrent);
  fail_on = "bad";
  port->append(0, "bad", std::string{"k"});
  port->append(0, "b");
  port->append(1, "c");
  for (int i = 0;
       i < 200 && (sink.sent_messages.empty() || port->committed[0] != 2 ||
                   port->committed[1] != 1);
       ++i) {
    engine->poll_once();
    std::this_thread::sleep_for(5ms);
  }
  CAF_REQUIRE_EQUAL(sink.sent_messages.size(), 1u);
  CAF_CHECK_EQUAL(sink.sent_messages[0].topic, "in.retry.200ms");
  CAF_CHECK_EQUAL(header_of(sink.sent_messages[0], retry_header::offset), "0");
  CAF_CHECK(port->paused_calls.empty());
  CAF_CHECK_EQUAL(port->committed[0], 2);
  CAF_CHECK_EQUAL(port->committed[1], 1);
}

CAF_TEST(tries in place come first when the policy asks for them) {
  // Not the fixture's registration: two tries in place, then one stage.
  app a{{.title = "Retries"}};
  a.consumes<std::string>("on_in",
                          [](const std::string& v) {
                            if (v == "bad")
                              throw std::runtime_error("cannot take bad");
                          },
                          {.topic = "in",
                           .decoder = raw_codec(),
                           .retry = {.max_attempts = 2,
                                     .initial_backoff = 10ms,
                                     .max_backoff = 10ms,
                                     .topics = {1s}}});
  CAF_REQUIRE_EQUAL(a.consumers().size(), 2u);
  engine::consumer_engine e{a.consumers()[0], consumer_settings{}, status,
                            &sink};
  auto fake = std::make_unique<test::fake_consumer>("in");
  fake->listener = &e;
  auto* fp = fake.get();
  e.attach(std::move(fake));
  fp->append(0, "bad");
  // The first failure pauses the partition for the backoff, in place.
  auto out = e.poll_once();
  CAF_REQUIRE_EQUAL(out.retries.size(), 1u);
  CAF_CHECK(sink.sent_messages.empty());
  e.retry_due(0);
  // The second gives up in place and moves it to the stage, tries 2.
  out = e.poll_once();
  CAF_CHECK(out.retries.empty());
  CAF_REQUIRE_EQUAL(sink.sent_messages.size(), 1u);
  CAF_CHECK_EQUAL(sink.sent_messages[0].topic, "in.retry.1s");
  CAF_CHECK_EQUAL(header_of(sink.sent_messages[0], retry_header::attempts),
                  "2");
  e.shutdown(monotonic_ms() + 1000);
}

CAF_TEST(a failing batch moves every record of it to the stage) {
  app a{{.title = "Retries"}};
  a.consumes<std::string>(
      "on_in",
      [](std::vector<std::string>& batch) {
        for (auto& v : batch)
          if (v == "bad")
            throw std::runtime_error("batch with bad");
      },
      {.topic = "in", .decoder = raw_codec(), .retry = retry_topics{{1s}}});
  CAF_REQUIRE(a.consumers()[1]->invoke_batch);
  engine::consumer_engine e{a.consumers()[0], consumer_settings{}, status,
                            &sink};
  auto fake = std::make_unique<test::fake_consumer>("in");
  fake->listener = &e;
  auto* fp = fake.get();
  e.attach(std::move(fake));
  fp->append(0, "a");
  fp->append(0, "bad");
  fp->append(1, "c");
  e.poll_once();
  e.poll_once();
  CAF_REQUIRE_EQUAL(sink.sent_messages.size(), 2u);
  CAF_CHECK_EQUAL(sink.sent_messages[0].value, "a");
  CAF_CHECK_EQUAL(sink.sent_messages[1].value, "bad");
  CAF_CHECK_EQUAL(sink.sent_messages[1].topic, "in.retry.1s");
  CAF_CHECK_EQUAL(header_of(sink.sent_messages[1], retry_header::offset), "1");
  CAF_CHECK_EQUAL(fp->committed[0], 2);
  CAF_CHECK_EQUAL(fp->committed[1], 1);
  e.shutdown(monotonic_ms() + 1000);
}

CAF_TEST(a stage pauses its partition until the next message is due) {
  install(1);
  auto now = wall_clock_ms();
  auto retry = [&](std::string v, int64_t due) {
    return std::vector<std::pair<std::string, std::string>>{
        {"trace", "t-" + v},
        {retry_header::attempts, "1"},
        {retry_header::topic, "in"},
        {retry_header::partition, "3"},
        {retry_header::offset, v == "late" ? "40" : "41"},
        {retry_header::due, std::to_string(due)}};
  };
  port->append(0, "ready", std::nullopt, retry("ready", now - 5));
  port->append(0, "late", std::nullopt, retry("late", now + 150));
  port->append(0, "after", std::nullopt, retry("after", now - 5));
  port->append(1, "other", std::nullopt, retry("other", now - 5));
  auto out = engine->poll_once();
  CAF_CHECK_EQUAL(seen, (std::vector<std::string>{"ready", "other"}));
  // Partition 0 waits from the message not due, without anyone sleeping.
  CAF_REQUIRE_EQUAL(out.retries.size(), 1u);
  CAF_CHECK_EQUAL(out.retries[0].first, 0);
  CAF_CHECK_GREATER(out.retries[0].second.count(), 100);
  CAF_CHECK_LESS_OR_EQUAL(out.retries[0].second.count(), 150);
  CAF_CHECK_EQUAL(port->paused_calls, std::vector<int32_t>{0});
  CAF_REQUIRE_EQUAL(port->seeks.size(), 1u);
  CAF_CHECK_EQUAL(port->seeks[0].offset, 1);
  engine->poll_once();
  CAF_CHECK_EQUAL(seen.size(), 2u);
  CAF_CHECK_EQUAL(port->committed[0], 1);
  CAF_CHECK(sink.sent_messages.empty());
  // The actor's timer fires: the partition resumes and goes on in order.
  std::this_thread::sleep_for(std::chrono::milliseconds{
      std::max<int64_t>(0, now + 160 - wall_clock_ms())});
  engine->retry_due(0);
  CAF_CHECK_EQUAL(port->resumed_calls, std::vector<int32_t>{0});
  engine->poll_once();
  CAF_CHECK_EQUAL(
      seen, (std::vector<std::string>{"ready", "other", "late", "after"}));
  engine->poll_once();
  CAF_CHECK_EQUAL(port->committed[0], 3);
}

CAF_TEST(a failure on the last stage is dead - lettered with its origin) {
  install(2);
  fail_on = "bad";
  port->append(0, "bad", std::string{"k"},
               {{"trace", "t-1"},
                {retry_header::attempts, "2"},
                {retry_header::topic, "in"},
                {retry_header::partition, "3"},
                {retry_header::offset, "41"},
                {retry_header::error, "earlier"},
                {retry_header::due, "1"}});
  engine->poll_once();
  CAF_REQUIRE_EQUAL(sink.sent_messages.size(), 1u);
  auto& dl = sink.sent_messages[0];
  CAF_CHECK_EQUAL(dl.topic, "in.dlq");
  CAF_REQUIRE_EQUAL(dl.headers.size(), 8u);
  CAF_CHECK_EQUAL(dl.headers[0].first, "trace");
  CAF_CHECK_EQUAL(header_of(dl, dlq_header::topic), "in");
  CAF_CHECK_EQUAL(header_of(dl, dlq_header::partition), "3");
  CAF_CHECK_EQUAL(header_of(dl, dlq_header::offset), "41");
  CAF_CHECK_EQUAL(header_of(dl, dlq_header::attempts), "3");
  CAF_CHECK_EQUAL(header_of(dl, dlq_header::error), "cannot take bad");
  CAF_CHECK_EQUAL(header_of(dl, dlq_header::consumer), "on_in");
  CAF_CHECK_EQUAL(header_of(dl, retry_header::error), "<none>");
  CAF_CHECK_EQUAL(status->dead_lettered.load(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
