#pragma once

// A `fastkafka-broker` process for tests of programs in other processes.

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "support/rdkafka_helpers.hpp"

namespace fastkafka::test {

/// `fastkafka-broker ARGS...` started by path, killed by pid at scope exit;
/// `bootstrap` is the address it printed first.
struct broker_process {
  child_process proc;
  std::string bootstrap;

  /// `pipe_stdin` keeps its standard input open (for `--control`).
  broker_process(const std::string& exe, std::vector<std::string> args,
                 bool pipe_stdin = false)
      : proc(with_exe(exe, std::move(args)), pipe_stdin) {
    auto line = proc.read_line(std::chrono::seconds{10});
    CAF_REQUIRE(line.has_value());
    bootstrap = *line;
    CAF_REQUIRE(std::regex_match(bootstrap, std::regex{R"(127\.0\.0\.1:\d+)"}));
  }

private:
  static std::vector<std::string> with_exe(const std::string& exe,
                                           std::vector<std::string> args) {
    args.insert(args.begin(), exe);
    return args;
  }
};

} // namespace fastkafka::test
