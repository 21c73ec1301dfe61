// Start and stop of a tester (embedded broker, readers, the pipeline app)
// and its first round trip, as medians of N runs (default 7).
//
//   ./build/bench/tester_timing/bench_tester_timing [runs]
//
// Prints figures only: machines differ, so nothing here is asserted.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "fastkafka/log.hpp"
#include "fastkafka/tester.hpp"
#include "pipeline_app.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0)
      .count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

} // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
  // The apps' start and stop lines would bury the figures.
  fastkafka::set_log_level(spdlog::level::warn);
  std::vector<double> start_stop;
  std::vector<double> start;
  std::vector<double> first_round_trip;
  for (int i = 0; i < runs; ++i) {
    {
      fastkafka::app a{pipeline::config()};
      pipeline::install(a);
      auto t0 = clock_type::now();
      { fastkafka::tester t{{&a}}; }
      start_stop.push_back(ms_since(t0));
    }
    fastkafka::app a{pipeline::config()};
    pipeline::install(a);
    auto t0 = clock_type::now();
    fastkafka::tester t{{&a}};
    start.push_back(ms_since(t0));
    auto t1 = clock_type::now();
    t.to("input", pipeline::InputData{1, 1.25, "timing"});
    if (!t.called_with("output", pipeline::InputData{1, 2.5, "timing"}, 30s)) {
      std::fprintf(stderr, "run %d: no output within 30 s\n", i + 1);
      return 1;
    }
    // Includes the consumer's first group join (~3 s on the 2.0.2 mock).
    first_round_trip.push_back(ms_since(t1));
  }
  std::printf("tester timing, median of %d runs (ms)\n", runs);
  std::printf("  start+stop (no traffic)      %8.1f\n", median(start_stop));
  std::printf("  start                        %8.1f\n", median(start));
  std::printf("  first input -> output        %8.1f\n",
              median(first_round_trip));
  return 0;
}
