#define CAF_SUITE kafka.fetch_wake_trigger

#include "fetch_wake_trigger.hpp"

#include "caf/test/unit_test.hpp"

#include <algorithm>

using fastkafka::kafka::fetch_wake_trigger;

namespace {

/// librdkafka's fetcher as the trigger sees it: it adds `burst` messages per
/// step while the queue is below `threshold`, stops once it reached it, and
/// goes on only when woken (its own 1 s re-check never comes in here).
struct fetcher_model {
  int64_t threshold;
  int64_t burst;
  int64_t backlog;
  int64_t queued = 0;
  bool stopped = false;

  void step() {
    if (stopped || backlog == 0)
      return;
    auto n = std::min(burst, backlog);
    queued += n;
    backlog -= n;
    if (queued >= threshold)
      stopped = true;
  }
};

/// Drains `backlog` messages `per_poll` at a time; returns the polls it took,
/// or -1 when the application found the queue empty with the fetcher
/// stopped and not woken (a 1 s wait in librdkafka 2.0.2).
int64_t drain(int64_t per_poll, int64_t burst, int64_t backlog, int& wakes) {
  fetcher_model f{1000, burst, backlog};
  fetch_wake_trigger trigger{1000, 65536};
  int64_t consumed = 0;
  int64_t polls = 0;
  wakes = 0;
  while (consumed < backlog) {
    f.step();
    if (f.queued == 0 && f.stopped)
      return -1;
    auto n = std::min(per_poll, f.queued);
    f.queued -= n;
    consumed += n;
    ++polls;
    if (trigger.consumed(n, n * 50) && trigger.fire(f.queued)) {
      f.stopped = false;
      ++wakes;
    }
  }
  return polls;
}

} // namespace

CAF_TEST(nothing consumed never fires) {
  fetch_wake_trigger trigger{100000, 65536};
  for (int i = 0; i < 1000; ++i)
    CAF_CHECK(!trigger.consumed(0, 0));
}

CAF_TEST(fires once half a threshold was consumed and the queue is below half) {
  fetch_wake_trigger trigger{1000, 65536};
  CAF_CHECK(!trigger.consumed(499, 499 * 50));
  CAF_CHECK(trigger.consumed(1, 50));
  // The queue still holds half a threshold: the fetcher may not have
  // stopped, and if it did, it does not starve yet.
  CAF_CHECK(!trigger.fire(500));
  CAF_CHECK(trigger.fire(499));
  // Counting starts anew.
  CAF_CHECK(!trigger.consumed(100, 5000));
}

CAF_TEST(the bytes threshold fires for large messages) {
  // queued.max.messages.kbytes = 1: half is 512 bytes; 100-byte messages.
  fetch_wake_trigger trigger{100000, 1};
  CAF_CHECK(!trigger.consumed(5, 500));
  CAF_CHECK(trigger.consumed(1, 100));
  CAF_CHECK(!trigger.fire(6)); // ~600 bytes queued
  CAF_CHECK(trigger.fire(5));  // ~500 bytes queued
}

CAF_TEST(every stop of the fetcher is woken before the queue runs dry) {
  // Application polls of 1 to 900 messages against fetch bursts of 100 to
  // 3000 (one Fetch answer), 20 thresholds of backlog.
  for (int64_t per_poll : {1, 10, 100, 499, 900})
    for (int64_t burst : {100, 400, 1000, 3000}) {
      int wakes = 0;
      auto polls = drain(per_poll, burst, 20000, wakes);
      CAF_CHECK_NOT_EQUAL(polls, -1);
      if (polls == -1)
        CAF_MESSAGE("starved: per_poll " << per_poll << " burst " << burst);
      // At most one wake per half a threshold consumed.
      CAF_CHECK_LESS_OR_EQUAL(wakes, 20000 / 500);
    }
}

CAF_TEST(a threshold turned off never fires on it) {
  fetch_wake_trigger trigger{0, 0};
  CAF_CHECK(!trigger.consumed(1'000'000, 1'000'000'000));
}
