// Prints the /metrics page of the synthetic snapshot, for promtool and for
// the deploy checks (every metric the dashboard queries must be on it).
#include <iostream>

#include "fastkafka/ops/metrics_page.hpp"
#include "sample_snapshot.hpp"

int main() {
  auto clients = fastkafka::test::sample_rdkafka_stats();
  std::cout << fastkafka::ops::render_metrics(
      fastkafka::test::sample_snapshot(), clients);
  return 0;
}
