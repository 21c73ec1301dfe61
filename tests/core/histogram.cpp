#define CAF_SUITE core.histogram

#include "fastkafka/detail/histogram.hpp"

#include "caf/test/unit_test.hpp"

using fastkafka::detail::histogram;
using fastkafka::detail::histogram_batch;

namespace {

// Durations below, between and above the bounds, and on a bound.
constexpr double samples[] = {0.00001, 0.0001, 0.0003, 0.002, 0.04,
                              0.7,     3,      60,     75,    -1};

} // namespace

CAF_TEST(a batch adds up to what direct observations give) {
  histogram direct;
  histogram batched;
  histogram_batch batch;
  for (int round = 0; round < 3; ++round)
    for (double s : samples) {
      direct.observe(s);
      batch.observe(s);
    }
  batched.add(batch);
  auto a = direct.snapshot();
  auto b = batched.snapshot();
  CAF_CHECK_EQUAL(a.count, 30u);
  CAF_CHECK_EQUAL(b.count, a.count);
  CAF_CHECK_EQUAL(b.cumulative, a.cumulative);
  CAF_CHECK_EQUAL(b.sum, a.sum);
  // 75 s is above the last bound: counted, in no bucket.
  CAF_CHECK_EQUAL(a.cumulative.back(), 27u);
}

CAF_TEST(adding a batch empties it) {
  histogram h;
  histogram_batch batch;
  batch.observe(0.001);
  h.add(batch);
  h.add(batch); // nothing more
  CAF_CHECK_EQUAL(h.snapshot().count, 1u);
}
