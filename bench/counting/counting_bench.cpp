// The cost of counting calls for the benchmark actor, on one thread.
// FastKafka's Python bookkeeping handled about 2.4 million calls per second;
// the target here is at least 50 million.
//
//   ./build/bench/counting/bench_counting

#include <benchmark/benchmark.h>

#include "fastkafka/detail/call_counter.hpp"

namespace {

void counted_call(benchmark::State& state) {
  fastkafka::detail::call_counter counter;
  for (auto _ : state)
    counter.add(1);
  benchmark::DoNotOptimize(counter.load());
  state.counters["calls_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(counted_call)->Repetitions(5)->ReportAggregatesOnly(true);

} // namespace

BENCHMARK_MAIN();
