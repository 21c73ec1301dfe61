#pragma once

// Helpers of the `run --reset-offsets` suites: the pipeline binary against
// a fastkafka-broker process, with records whose timestamps are known.

#include "caf/test/unit_test.hpp"

#include <csignal>
#include <set>

#include <boost/json.hpp>

#include "support/broker_process.hpp"
#include "support/kafka_checks.hpp"

namespace fastkafka::test::reset {

using namespace std::chrono_literals;

inline const std::string group = "reset.on_input";

// Timestamps the test gives its records: id i was written at base + i s.
constexpr int64_t base_ms = 1796119200000; // 2026-12-01T10:00:00Z

// Produces ids [first, last] to `input` with their own timestamps.
inline void produce_ids(const std::string& bootstrap, int first, int last) {
  test::delivery_log log;
  auto rk = test::make_client(RD_KAFKA_PRODUCER, bootstrap, {}, &log);
  for (int id = first; id <= last; ++id) {
    auto key = std::to_string(id);
    auto value = "{\"id\":" + key + ",\"value\":" + key + ".5,\"name\":\"n-" +
                 key + "\"}";
    auto rc = rd_kafka_producev(
        rk.get(), RD_KAFKA_V_TOPIC("input"),
        RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(value.data(), value.size()),
        RD_KAFKA_V_TIMESTAMP(base_ms + int64_t{id} * 1000),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    CAF_REQUIRE_EQUAL(rc, RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  auto n = static_cast<size_t>(last - first + 1);
  CAF_REQUIRE(test::wait_for_reports(rk.get(), log, n));
  CAF_REQUIRE_EQUAL(log.failed, 0u);
}

// Every id on `output` (each handled input writes one).
inline std::multiset<int64_t> output_ids(const std::string& bootstrap,
                                         size_t count) {
  std::multiset<int64_t> ids;
  for (auto& r : test::read_topic(bootstrap, "output", count, 45s, 1s))
    ids.insert(boost::json::parse(r.value).as_object().at("id").as_int64());
  return ids;
}

inline std::multiset<int64_t> range(int first, int last, int times = 1) {
  std::multiset<int64_t> out;
  for (int k = 0; k < times; ++k)
    for (int id = first; id <= last; ++id)
      out.insert(id);
  return out;
}

inline std::vector<std::string> run_args(const std::string& bootstrap,
                                         std::vector<std::string> extra = {}) {
  std::vector<std::string> args{PIPELINE_EXE, "run",   "--bootstrap-servers",
                                bootstrap,    "--set", "group_id=reset"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// Collects `app`'s stderr until `line` shows up (or `timeout`).
inline std::string stderr_until(child_process& app, const std::string& line,
                                std::chrono::milliseconds timeout = 30s) {
  std::string log;
  test::eventually(
      [&] {
        log += app.read_stderr(100ms);
        return log.find(line) != std::string::npos;
      },
      timeout);
  return log;
}

// Stops `app` with SIGTERM; it must drain and exit 0.
inline void stop(child_process& app) {
  CAF_REQUIRE_EQUAL(::kill(app.pid(), SIGTERM), 0);
  CAF_CHECK_EQUAL(app.exit_code(30s), 0);
}

/// A broker process with the pipeline's topics, 4 partitions each.
inline broker_process pipeline_broker() {
  return broker_process{BROKER_EXE,
                        {"--partitions", "4", "--topic", "input", "--topic",
                         "output", "--topic", "input.dlq"}};
}

} // namespace fastkafka::test::reset
