// Runs the app on an embedded broker through fastkafka::testing, sends a few
// readings and exits 0 only when every doubled reading arrived, once each.

#include <chrono>
#include <cstdio>

#include "fastkafka/tester.hpp"
#include "readings_app.hpp"

using namespace std::chrono_literals;
using readings::Reading;

int main() {
  constexpr int count = 5;
  fastkafka::app app{readings::config()};
  readings::install(app);
  fastkafka::tester tester{{&app}};
  for (int i = 1; i <= count; ++i)
    tester.to("readings", Reading{i, i * 1.5});
  int failures = 0;
  // The first output waits for the app's group join (~3 s on the embedded
  // broker).
  for (int i = 1; i <= count; ++i) {
    if (auto r = tester.called_with("doubled", Reading{i, i * 3.0}, 30s); !r) {
      std::fprintf(stderr, "reading %d: %s\n", i, r.message.c_str());
      ++failures;
    }
  }
  if (auto r = tester.called_times("doubled", count); !r) {
    std::fprintf(stderr, "%s\n", r.message.c_str());
    ++failures;
  }
  std::printf("sent %d readings, %zu doubled arrived, %d failures\n", count,
              tester.received("doubled").size(), failures);
  return failures == 0 ? 0 : 1;
}
