// The production binary: `consumer_service run|docs|--version`. It links
// fastkafka::fastkafka only, so it has no tester and no embedded broker.

// [snippet:service]
#include "fastkafka/cli.hpp"
#include "readings_app.hpp"

int main(int argc, char** argv) {
  fastkafka::app app{readings::config()};
  readings::install(app);
  return fastkafka::run_cli(app, argc, argv);
}
// [snippet:service]
