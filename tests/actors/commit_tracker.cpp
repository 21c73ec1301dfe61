#define CAF_SUITE actors.commit_tracker

#include "engine/commit_tracker.hpp"

#include "caf/test/unit_test.hpp"

using namespace fastkafka::engine;

namespace {

// The position the tracker would commit now for `partition`, or -1.
int64_t next_commit(const commit_tracker& t, int32_t partition) {
  for (auto& po : t.to_commit())
    if (po.partition == partition)
      return po.offset;
  return -1;
}

} // namespace

CAF_TEST(an offset is committable only after its handler returned) {
  commit_tracker l;
  auto* t = l.open(0, 10);
  l.collect();
  CAF_CHECK_EQUAL(next_commit(l, 0), -1);
  commit_tracker::close(t);
  l.collect();
  CAF_CHECK_EQUAL(next_commit(l, 0), 11);
}

CAF_TEST(an offset waits for the output its handler produced) {
  commit_tracker l;
  auto* t = l.open(0, 10);
  t->pending.fetch_add(1);  // a produce call
  commit_tracker::close(t); // the handler returned
  l.collect();
  CAF_CHECK_EQUAL(next_commit(l, 0), -1);
  t->pending.fetch_sub(1); // the delivery report
  l.collect();
  CAF_CHECK_EQUAL(next_commit(l, 0), 11);
}

CAF_TEST(the commit position never passes an unfinished offset) {
  commit_tracker l;
  auto* a = l.open(3, 1);
  auto* b = l.open(3, 2);
  auto* c = l.open(3, 3);
  a->pending.fetch_add(1);
  commit_tracker::close(a);
  commit_tracker::close(b);
  commit_tracker::close(c);
  l.collect();
  CAF_CHECK_EQUAL(next_commit(l, 3), -1);
  a->pending.fetch_sub(1);
  l.collect();
  CAF_CHECK_EQUAL(next_commit(l, 3), 4);
  CAF_CHECK_EQUAL(l.open_tickets(), 0u);
}

CAF_TEST(a commit counts only once the broker confirmed it) {
  commit_tracker l;
  commit_tracker::close(l.open(1, 7));
  l.collect();
  auto offsets = l.to_commit();
  CAF_REQUIRE_EQUAL(offsets.size(), 1u);
  l.sent(offsets);
  // In flight: nothing new to send, but not confirmed either.
  CAF_CHECK(l.in_flight());
  CAF_CHECK(l.to_commit().empty());
  CAF_CHECK(l.unconfirmed());
  CAF_CHECK(l.confirmed().empty());
  // The broker refuses: still unconfirmed, and sent again next time.
  auto failed = l.answered(offsets, 27);
  CAF_CHECK_EQUAL(failed.size(), 1u);
  CAF_CHECK(!l.in_flight());
  CAF_CHECK(l.unconfirmed());
  CAF_CHECK(l.confirmed().empty());
  auto again = l.to_commit();
  CAF_REQUIRE_EQUAL(again.size(), 1u);
  CAF_CHECK_EQUAL(again[0].offset, 8);
  l.sent(again);
  CAF_CHECK(l.answered(again, 0).empty());
  CAF_CHECK(!l.unconfirmed());
  auto confirmed = l.confirmed();
  CAF_REQUIRE_EQUAL(confirmed.size(), 1u);
  CAF_CHECK_EQUAL(confirmed[0].offset, 8);
}

CAF_TEST(one commit is in flight at a time and later progress follows it) {
  commit_tracker l;
  commit_tracker::close(l.open(0, 1));
  l.collect();
  auto first = l.to_commit();
  l.sent(first);
  commit_tracker::close(l.open(0, 2));
  l.collect();
  CAF_CHECK(l.to_commit().empty()); // coalesced behind the one in flight
  l.answered(first, 0);
  auto second = l.to_commit();
  CAF_REQUIRE_EQUAL(second.size(), 1u);
  CAF_CHECK_EQUAL(second[0].offset, 3);
}

CAF_TEST(a per - partition refusal leaves the other partitions confirmed) {
  commit_tracker l;
  commit_tracker::close(l.open(0, 1));
  commit_tracker::close(l.open(1, 5));
  l.collect();
  auto offsets = l.to_commit();
  l.sent(offsets);
  for (auto& po : offsets)
    if (po.partition == 1)
      po.error = 25;
  auto failed = l.answered(offsets, 0);
  CAF_REQUIRE_EQUAL(failed.size(), 1u);
  CAF_CHECK_EQUAL(failed[0].partition, 1);
  auto left = l.unconfirmed_positions();
  CAF_REQUIRE_EQUAL(left.size(), 1u);
  CAF_CHECK_EQUAL(left[0].partition, 1);
  CAF_CHECK_EQUAL(left[0].offset, 6);
}

CAF_TEST(a failed delivery rewinds to its input and holds the position) {
  commit_tracker l;
  auto* a = l.open(0, 1);
  commit_tracker::close(a);
  auto* b = l.open(0, 2);
  b->pending.fetch_add(1);
  commit_tracker::close(b);
  auto* c = l.open(0, 3);
  commit_tracker::close(c);
  b->failed.store(true);
  b->pending.fetch_sub(1);
  auto rewinds = l.collect();
  CAF_REQUIRE_EQUAL(rewinds.size(), 1u);
  CAF_CHECK_EQUAL(rewinds[0].partition, 0);
  CAF_CHECK_EQUAL(rewinds[0].offset, 2);
  // Offset 1 is done; 2 failed, so 3 must not be committed either.
  CAF_CHECK_EQUAL(next_commit(l, 0), 2);
  // The message comes again and succeeds this time.
  commit_tracker::close(l.open(0, 2));
  l.collect();
  CAF_CHECK_EQUAL(next_commit(l, 0), 3);
}

CAF_TEST(discarded tickets do not move the commit position) {
  commit_tracker l;
  auto* a = l.open(0, 1);
  a->pending.fetch_add(1); // output in flight when the handler failed
  commit_tracker::close(a);
  l.discard_from(0, 1);
  a->pending.fetch_sub(1);
  l.collect();
  CAF_CHECK_EQUAL(next_commit(l, 0), -1);
  commit_tracker::close(l.open(0, 1));
  l.collect();
  CAF_CHECK_EQUAL(next_commit(l, 0), 2);
}

CAF_TEST(forgotten partitions keep in - flight tickets alive until done) {
  commit_tracker l;
  auto* a = l.open(2, 1);
  a->pending.fetch_add(1);
  commit_tracker::close(a);
  l.forget(2);
  CAF_CHECK(!l.busy(2));
  CAF_CHECK_EQUAL(l.open_tickets(), 1u);
  a->pending.fetch_sub(1);
  l.collect();
  CAF_CHECK_EQUAL(l.open_tickets(), 0u);
  CAF_CHECK_EQUAL(next_commit(l, 2), -1);
}

CAF_TEST(tickets are recycled) {
  commit_tracker l;
  auto* a = l.open(0, 1);
  commit_tracker::close(a);
  l.collect();
  auto* b = l.open(0, 2);
  CAF_CHECK_EQUAL(a, b);
  CAF_CHECK_EQUAL(b->pending.load(), 1);
  CAF_CHECK(!b->failed.load());
}

CAF_TEST(the first unfinished offset of each partition is where a stop names) {
  commit_tracker l;
  auto* a = l.open(0, 5);
  auto* b = l.open(0, 6);
  auto* c = l.open(2, 9);
  commit_tracker::close(a);
  b->pending.fetch_add(1); // its output is not acknowledged
  commit_tracker::close(b);
  l.collect();
  auto waiting = l.first_unfinished();
  CAF_REQUIRE_EQUAL(waiting.size(), 2u);
  CAF_CHECK_EQUAL(waiting[0].partition, 0);
  CAF_CHECK_EQUAL(waiting[0].offset, 6);
  CAF_CHECK_EQUAL(waiting[1].partition, 2);
  CAF_CHECK_EQUAL(waiting[1].offset, 9);
  b->pending.fetch_sub(1);
  commit_tracker::close(c);
  l.collect();
  CAF_CHECK(l.first_unfinished().empty());
}
