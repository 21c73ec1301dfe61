#define CAF_SUITE core.ledger

#include "fastkafka/detail/ledger.hpp"

#include "caf/test/unit_test.hpp"

using namespace fastkafka::detail;

CAF_TEST(an offset is committable only after its handler returned) {
  ledger l;
  auto* t = l.open(0, 10);
  l.collect();
  CAF_CHECK_EQUAL(l.committable(0), -1);
  ledger::close(t);
  l.collect();
  CAF_CHECK_EQUAL(l.committable(0), 11);
}

CAF_TEST(an offset waits for the output its handler produced) {
  ledger l;
  auto* t = l.open(0, 10);
  t->pending.fetch_add(1); // a produce call
  ledger::close(t);        // the handler returned
  l.collect();
  CAF_CHECK_EQUAL(l.committable(0), -1);
  t->pending.fetch_sub(1); // the delivery report
  l.collect();
  CAF_CHECK_EQUAL(l.committable(0), 11);
}

CAF_TEST(the commit position never passes an unfinished offset) {
  ledger l;
  auto* a = l.open(3, 1);
  auto* b = l.open(3, 2);
  auto* c = l.open(3, 3);
  a->pending.fetch_add(1);
  ledger::close(a);
  ledger::close(b);
  ledger::close(c);
  l.collect();
  CAF_CHECK_EQUAL(l.committable(3), -1);
  a->pending.fetch_sub(1);
  l.collect();
  CAF_CHECK_EQUAL(l.committable(3), 4);
  CAF_CHECK_EQUAL(l.open_tickets(), 0u);
}

CAF_TEST(partitions advance independently) {
  ledger l;
  auto* p0 = l.open(0, 5);
  auto* p1 = l.open(1, 7);
  p0->pending.fetch_add(1);
  ledger::close(p0);
  ledger::close(p1);
  l.collect();
  CAF_CHECK_EQUAL(l.committable(0), -1);
  CAF_CHECK_EQUAL(l.committable(1), 8);
  auto pending = l.uncommitted();
  CAF_REQUIRE_EQUAL(pending.size(), 1u);
  CAF_CHECK_EQUAL(pending[0].first, 1);
  l.mark_committed(1, 8);
  CAF_CHECK(l.uncommitted().empty());
  l.uncommit(1);
  CAF_CHECK_EQUAL(l.uncommitted().size(), 1u);
}

CAF_TEST(a failed delivery rewinds to its input and holds the position) {
  ledger l;
  auto* a = l.open(0, 1);
  ledger::close(a);
  auto* b = l.open(0, 2);
  b->pending.fetch_add(1);
  ledger::close(b);
  auto* c = l.open(0, 3);
  ledger::close(c);
  b->failed.store(true);
  b->pending.fetch_sub(1);
  auto rewinds = l.collect();
  CAF_REQUIRE_EQUAL(rewinds.size(), 1u);
  CAF_CHECK_EQUAL(rewinds[0].partition, 0);
  CAF_CHECK_EQUAL(rewinds[0].offset, 2);
  // Offset 1 is done; 2 failed, so 3 must not be committed either.
  CAF_CHECK_EQUAL(l.committable(0), 2);
  // The message comes again and succeeds this time.
  auto* b2 = l.open(0, 2);
  ledger::close(b2);
  l.collect();
  CAF_CHECK_EQUAL(l.committable(0), 3);
}

CAF_TEST(discarded tickets do not move the commit position) {
  ledger l;
  auto* a = l.open(0, 1);
  a->pending.fetch_add(1); // output in flight when the handler failed
  ledger::close(a);
  l.discard_from(a);
  a->pending.fetch_sub(1);
  l.collect();
  CAF_CHECK_EQUAL(l.committable(0), -1);
  auto* again = l.open(0, 1);
  ledger::close(again);
  l.collect();
  CAF_CHECK_EQUAL(l.committable(0), 2);
}

CAF_TEST(forgotten partitions keep in - flight tickets alive until done) {
  ledger l;
  auto* a = l.open(2, 1);
  a->pending.fetch_add(1);
  ledger::close(a);
  l.forget(2);
  CAF_CHECK(!l.busy(2));
  CAF_CHECK_EQUAL(l.open_tickets(), 1u);
  a->pending.fetch_sub(1);
  l.collect();
  CAF_CHECK_EQUAL(l.open_tickets(), 0u);
  CAF_CHECK_EQUAL(l.committable(2), -1);
}

CAF_TEST(tickets are recycled) {
  ledger l;
  auto* a = l.open(0, 1);
  ledger::close(a);
  l.collect();
  auto* b = l.open(0, 2);
  CAF_CHECK_EQUAL(a, b);
  CAF_CHECK_EQUAL(b->pending.load(), 1);
  CAF_CHECK(!b->failed.load());
}
