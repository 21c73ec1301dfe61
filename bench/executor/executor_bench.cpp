// Sequential versus concurrent executor with a slow handler (it sleeps
// 10 ms, like a call to a remote service): N messages, the concurrent
// executor with 100 calls in flight. Prints the median time of each from the
// first call to the last, and the speed-up (target: at least 20x).
//
//   ./build/bench/executor/bench_executor [--messages 400] [--rounds 3]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <CLI/CLI.hpp>

#include "caf/actor_system.hpp"

#include "fastkafka/app.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/runtime.hpp"
#include "fastkafka/runtime_config.hpp"
#include "pipeline_app.hpp"

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using pipeline::InputData;

namespace {

// Seconds from the first handler call to the last, or -1 on a timeout.
double measure(caf::actor_system& sys, const std::string& bootstrap,
               const std::string& group, int messages,
               fastkafka::executor exec) {
  fastkafka::app svc{{.title = "Executor bench"}};
  std::atomic<int> calls{0};
  std::atomic<int64_t> first_ns{0};
  std::atomic<int64_t> last_ns{0};
  auto now_ns = [] {
    return clock_type::now().time_since_epoch() / std::chrono::nanoseconds(1);
  };
  svc.consumes<InputData>("on_input",
                          [&](const InputData&) {
                            int64_t zero = 0;
                            first_ns.compare_exchange_strong(zero, now_ns());
                            std::this_thread::sleep_for(10ms);
                            last_ns = now_ns();
                            ++calls;
                          },
                          {.topic = "input",
                           .options = {.group_id = group},
                           .exec = exec,
                           .max_in_flight = 100});
  fastkafka::runtime rt{svc};
  rt.start(sys, {.broker_name = "embedded",
                 .bootstrap_servers = bootstrap,
                 .defaults = fastkafka::embedded_client_defaults()});
  auto deadline = clock_type::now() + 120s;
  while (calls < messages && clock_type::now() < deadline)
    std::this_thread::sleep_for(5ms);
  rt.stop();
  if (calls < messages)
    return -1;
  return static_cast<double>(last_ns - first_ns) / 1e9;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
  int messages = 400;
  int rounds = 3;
  CLI::App cli{"Sequential versus concurrent executor with a 10 ms handler"};
  cli.add_option("--messages", messages)->check(CLI::Range(100, 100000));
  cli.add_option("--rounds", rounds)->check(CLI::Range(1, 20));
  CLI11_PARSE(cli, argc, argv);
  fastkafka::log().set_level(spdlog::level::warn);
  fastkafka::embedded_broker broker{{.partitions = 8, .topics = {"input"}}};
  {
    fastkafka::app feeder{{.title = "Feeder"}};
    auto to_input = feeder.produces<InputData>("to_input");
    fastkafka::runtime_config cfg;
    caf::actor_system sys{cfg};
    fastkafka::runtime rt{feeder};
    rt.start(sys, {.broker_name = "embedded",
                   .bootstrap_servers = broker.bootstrap_servers()});
    for (int i = 0; i < messages; ++i)
      to_input.send(InputData{i, 1, "x"}, std::to_string(i));
    rt.stop();
  }
  fastkafka::runtime_config cfg;
  caf::actor_system sys{cfg};
  std::vector<double> seq;
  std::vector<double> conc;
  for (int r = 0; r < rounds; ++r) {
    auto s =
        measure(sys, broker.bootstrap_servers(), "seq-" + std::to_string(r),
                messages, fastkafka::executor::sequential);
    auto c =
        measure(sys, broker.bootstrap_servers(), "conc-" + std::to_string(r),
                messages, fastkafka::executor::concurrent);
    if (s < 0 || c < 0) {
      std::fprintf(stderr, "a run timed out\n");
      return 1;
    }
    std::printf("round %d sequential=%.3f s concurrent=%.3f s\n", r + 1, s, c);
    seq.push_back(s);
    conc.push_back(c);
  }
  auto s = median(seq);
  auto c = median(conc);
  std::printf("median sequential=%.3f s concurrent=%.3f s (%d messages, "
              "10 ms each, 100 in flight)\n",
              s, c, messages);
  std::printf("ratio speedup=%.1f (target: >=20)\n", s / c);
  return 0;
}
