// The order service as a command-line program, to show its docs:
//   docs_demo docs generate --root-path out         # spec + HTML site
//   docs_demo docs generate --asyncapi 3.0.0 --spec-only
//   docs_demo docs serve --root-path out --port 8000
//   docs_demo docs install_deps                     # the HTML tooling, once

#include "docs_demo_app.hpp"
#include "fastkafka/cli.hpp"

int main(int argc, char** argv) {
  fastkafka::app app{docs_demo::config()};
  docs_demo::install(app);
  return fastkafka::run_cli(app, argc, argv);
}
