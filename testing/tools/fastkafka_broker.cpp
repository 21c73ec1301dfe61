// fastkafka-broker: runs the embedded Kafka broker (librdkafka's mock
// cluster) as a standalone process, for kcat, other languages' clients and
// scripts. The first stdout line is the bootstrap address; it runs until
// SIGINT or SIGTERM. With --control it reads fault-injection commands from
// stdin, one per line, and answers each on stdout:
//   down ID | up ID            take broker ID (1-based) down / bring it up
//   rtt ID MS                  delay every answer of broker ID by MS
//   error API CODE [COUNT]     fail the next COUNT (1) requests of Kafka API
//                              key API (8 = OffsetCommit) with error CODE

#include "fastkafka/embedded_broker.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

/// Exit code for bad command-line arguments (as most Unix tools use).
constexpr int exit_usage = 2;

/// Exit code when the broker cannot start.
constexpr int exit_failure = 1;

/// Runs one control command on `broker`; returns the answer line.
std::string control(fastkafka::embedded_broker& broker,
                    const std::string& line) {
  std::istringstream in{line};
  std::string verb;
  in >> verb;
  auto result = [&](std::error_code ec) {
    return ec ? "error: " + line + ": " + ec.message() : "ok " + line;
  };
  if (verb == "down" || verb == "up") {
    int32_t id = 0;
    if (!(in >> id))
      return "error: usage: " + verb + " BROKER_ID";
    return result(verb == "down" ? broker.set_down(id) : broker.set_up(id));
  }
  if (verb == "rtt") {
    int32_t id = 0;
    int64_t ms = 0;
    if (!(in >> id >> ms))
      return "error: usage: rtt BROKER_ID MILLISECONDS";
    return result(broker.set_rtt(id, std::chrono::milliseconds{ms}));
  }
  if (verb == "error") {
    int api = 0;
    int code = 0;
    int count = 1;
    if (!(in >> api >> code))
      return "error: usage: error API_KEY ERROR_CODE [COUNT]";
    in >> count;
    if (api < 0 || api > 100 || count < 1 || count > 1000000)
      return "error: " + line + ": API key 0-100, count 1-1000000";
    broker.push_request_errors(
        static_cast<int16_t>(api),
        std::vector<int>(static_cast<size_t>(count), code));
    return "ok " + line;
  }
  return "error: unknown command \"" + verb +
         "\"; commands: down ID, up ID, rtt ID MS, error API CODE [COUNT]";
}

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
  bool with_control = false;
  app.add_flag("--control", with_control,
               "Read fault-injection commands from stdin (down ID, up ID, "
               "rtt ID MS, error API CODE [COUNT]); each is answered on "
               "stdout with \"ok ...\" or \"error: ...\"");
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
    // Never destroyed: the control thread may still wait on it at exit.
    auto* busy = new std::mutex;
    if (with_control)
      // Detached: it may block in a read when the signal comes.
      std::thread{[&broker, busy] {
        std::string line;
        while (std::getline(std::cin, line)) {
          if (line.empty())
            continue;
          std::lock_guard<std::mutex> guard{*busy};
          std::cout << control(broker, line) << std::endl;
        }
      }}.detach();
    int received = 0;
    sigwait(&stop_signals, &received);
    // Held until the process ends: no command touches the broker as it goes.
    busy->lock();
  } catch (const std::exception& e) {
    std::cerr << "fastkafka-broker: " << e.what() << std::endl;
    return exit_failure;
  }
  return 0;
}
