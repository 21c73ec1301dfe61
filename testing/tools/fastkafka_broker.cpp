// fastkafka-broker: runs the embedded Kafka broker (librdkafka's mock
// cluster) as a standalone process, for kcat, other languages' clients and
// scripts. The first stdout line is the bootstrap address; it runs until
// SIGINT or SIGTERM. With --control it takes fault-injection commands on
// stdin, one per line, and answers each with one line on stdout:
//
//   down ID | up ID            take mock broker ID (1-based) down / up
//   rtt ID MS                  add MS of round-trip latency to broker ID
//   leader TOPIC PARTITION ID  make broker ID the partition's leader
//   coordinator TYPE KEY ID    make broker ID the coordinator of a group
//                              (TYPE group) or transactional id (transaction)
//   errors API_KEY CODE COUNT  fail the next COUNT requests of API_KEY
//                              (0 Produce, 1 Fetch, ...) with CODE

#include "fastkafka/embedded_broker.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
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

/// Shared by the control thread and main: no command after `closed`.
struct control_gate {
  std::mutex mtx;
  bool closed = false;
};

/// Runs one control command; returns the answer line.
std::string run_command(fastkafka::embedded_broker& broker,
                        const std::string& line) {
  std::istringstream in{line};
  std::string verb;
  in >> verb;
  std::error_code ec;
  if (verb == "down" || verb == "up") {
    int32_t id = 0;
    if (!(in >> id))
      return "error: usage: " + verb + " BROKER_ID";
    ec = verb == "down" ? broker.set_down(id) : broker.set_up(id);
  } else if (verb == "rtt") {
    int32_t id = 0;
    long ms = 0;
    if (!(in >> id >> ms))
      return "error: usage: rtt BROKER_ID MILLISECONDS";
    ec = broker.set_rtt(id, std::chrono::milliseconds{ms});
  } else if (verb == "leader") {
    std::string topic;
    int32_t partition = 0;
    int32_t id = 0;
    if (!(in >> topic >> partition >> id))
      return "error: usage: leader TOPIC PARTITION BROKER_ID";
    ec = broker.set_partition_leader(topic, partition, id);
  } else if (verb == "coordinator") {
    std::string type;
    std::string key;
    int32_t id = 0;
    if (!(in >> type >> key >> id))
      return "error: usage: coordinator group|transaction KEY BROKER_ID";
    ec = broker.set_coordinator(type, key, id);
  } else if (verb == "errors" || verb == "error") {
    int api_key = 0;
    int code = 0;
    int count = 1;
    if (!(in >> api_key >> code))
      return "error: usage: errors API_KEY ERROR_CODE [COUNT]";
    if (!in.eof() && !(in >> count))
      return "error: usage: errors API_KEY ERROR_CODE [COUNT]";
    if (count < 0 || count > 1000000)
      return "error: usage: errors API_KEY ERROR_CODE [COUNT] (COUNT "
             "0-1000000)";
    broker.push_request_errors(
        static_cast<int16_t>(api_key),
        std::vector<int>(static_cast<size_t>(count), code));
  } else {
    return "error: unknown command \"" + verb +
           "\" (known: down, up, rtt, leader, coordinator, errors)";
  }
  if (ec)
    return "error: " + ec.message();
  return "ok";
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
  bool control = false;
  app.add_flag("--control", control,
               "Read fault-injection commands from stdin, one per line "
               "(down ID, up ID, rtt ID MS, leader TOPIC PARTITION ID, "
               "coordinator group|transaction KEY ID, errors API_KEY CODE "
               "COUNT); "
               "each is answered with one line on stdout, ok or error: ...");
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
    // Commands run on a thread of their own (detached: it may sit in a read
    // of stdin forever); the main thread waits for the stop signal. At end
    // of input the broker keeps running. `gate` keeps a command from
    // running while the broker is destroyed.
    auto gate = std::make_shared<control_gate>();
    if (control) {
      std::thread{[&broker, gate] {
        std::string line;
        while (std::getline(std::cin, line)) {
          if (line.empty())
            continue;
          std::lock_guard guard{gate->mtx};
          if (gate->closed)
            return;
          std::cout << run_command(broker, line) << std::endl;
        }
      }}.detach();
    }
    int received = 0;
    sigwait(&stop_signals, &received);
    std::lock_guard guard{gate->mtx};
    gate->closed = true;
  } catch (const std::exception& e) {
    std::cerr << "fastkafka-broker: " << e.what() << std::endl;
    return exit_failure;
  }
  return 0;
}
