// fastkafka-broker: runs the embedded Kafka broker (librdkafka's mock
// cluster) as a standalone process, for kcat, other languages' clients and
// scripts. The first stdout line is the bootstrap address; it runs until
// SIGINT or SIGTERM.

#include "fastkafka/embedded_broker.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <pthread.h>

namespace {

/// Exit code for bad command-line arguments (as most Unix tools use).
constexpr int exit_usage = 2;

/// Exit code when the broker cannot start.
constexpr int exit_failure = 1;

} // namespace

int main(int argc, char** argv) {
  fastkafka::embedded_broker_options options;
  CLI::App app{"Runs an embedded Kafka-protocol broker (librdkafka's mock "
               "cluster) on 127.0.0.1 until SIGINT/SIGTERM. Prints the "
               "bootstrap address as the first line of stdout. For tests and "
               "development only: it keeps only the newest 5 MiB per "
               "partition.",
               "fastkafka-broker"};
  app.add_option("--brokers", options.brokers, "Number of mock brokers")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--partitions", options.partitions,
                 "Partitions of the topics given with --topic (topics that "
                 "clients auto-create always get 4: the mock has no setting)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--topic", options.topics,
                 "Topic to create up front (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own exit codes are 100+; scripts expect 2 for usage errors.
    app.exit(e);
    return exit_usage;
  }
  options.replication_factor = options.brokers;

  // Block the signals before the cluster starts so that librdkafka's threads
  // inherit the mask and sigwait below is the only place they are delivered.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A client that hangs up mid-response must not kill the broker.
  std::signal(SIGPIPE, SIG_IGN);

  try {
    fastkafka::embedded_broker broker{options};
    std::cout << broker.bootstrap_servers() << std::endl;
    std::cerr << "fastkafka-broker: embedded librdkafka mock cluster with "
              << options.brokers << " broker(s) at "
              << broker.bootstrap_servers()
              << "; it keeps only the newest 5 MiB / 100,000 message sets per "
                 "partition (older data is silently dropped) and auto-created "
                 "topics get 4 partitions. Not for production. Stop it with "
                 "SIGINT or SIGTERM."
              << std::endl;
    int received = 0;
    sigwait(&stop_signals, &received);
  } catch (const std::exception& e) {
    std::cerr << "fastkafka-broker: " << e.what() << std::endl;
    return exit_failure;
  }
  return 0;
}
