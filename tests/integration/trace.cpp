#define CAF_SUITE integration.trace

#include "fastkafka/tester.hpp"

#include "caf/test/unit_test.hpp"

#include <mutex>
#include <sstream>

#include <boost/json.hpp>
#include <spdlog/sinks/ostream_sink.h>

#include "fastkafka/dead_letter.hpp"
#include "fastkafka/log.hpp"
#include "pipeline_app.hpp"

// A W3C `traceparent` on an input is carried to what its handler produces
// and to its dead letter, is visible in `message_meta`, and is named in the
// JSON log lines written while the handler runs.

using namespace fastkafka;
using namespace std::chrono_literals;
using pipeline::InputData;

namespace {

constexpr const char* trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-"
                              "00f067aa0ba902b7-01";

std::string json_of(const InputData& m) {
  std::string out;
  json_codec<InputData>().encode(m, out);
  return out;
}

} // namespace

CAF_TEST(a traceparent goes from the input to the output and the logs) {
  std::ostringstream lines;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines);
  auto logger = std::make_shared<spdlog::logger>("fastkafka", sink);
  set_logger(logger);
  set_log_format(log_format::json);
  app a{{.title = "Traced"}};
  auto to_output = a.produces<InputData>("to_output");
  std::mutex mtx;
  std::vector<std::string> seen;
  a.consumes<InputData>(
      "on_input",
      [&](const InputData& m, const message_meta& meta) {
        {
          std::lock_guard guard{mtx};
          seen.push_back(std::string{meta.traceparent().value_or("<none>")});
        }
        log().info("handling {}", m.id);
        if (m.id == 13)
          throw std::runtime_error("unlucky");
        to_output(InputData{m.id, m.value * 2, m.name});
      },
      {.retry = {.max_attempts = 1}});
  {
    tester t{{&a}};
    t.send_raw("input", json_of({1, 1, "traced"}), "k",
               {{"traceparent", trace}});
    t.send_raw("input", json_of({2, 1, "plain"}), "k");
    t.send_raw("input", json_of({13, 1, "dead"}), "k",
               {{"traceparent", trace}});
    FASTKAFKA_REQUIRE(t.called_at_least("output", 2, 20s));
    FASTKAFKA_REQUIRE(t.called_at_least("input.dlq", 1, 10s));
    for (auto& m : t.received_messages("output")) {
      auto id = boost::json::parse(m.value).as_object().at("id").as_int64();
      if (id == 1)
        CAF_CHECK_EQUAL(m.header_value("traceparent").value_or("<none>"),
                        trace);
      else
        CAF_CHECK(!m.header_value("traceparent"));
    }
    auto dl = t.received_messages("input.dlq");
    CAF_REQUIRE_EQUAL(dl.size(), 1u);
    CAF_CHECK_EQUAL(dl[0].header_value("traceparent").value_or("<none>"),
                    trace);
    CAF_CHECK_EQUAL(dl[0].header_value(dlq_header::reason).value_or(""),
                    "handler");
  }
  set_log_format(log_format::text);
  set_logger(nullptr);
  std::lock_guard guard{mtx};
  CAF_CHECK(std::count(seen.begin(), seen.end(), trace) == 2);
  CAF_CHECK(std::count(seen.begin(), seen.end(), "<none>") == 1);
  // The handler's own line for input 1 carries the trace; for 2 it does not.
  bool traced_line = false;
  bool plain_line = false;
  std::istringstream in{lines.str()};
  for (std::string line; std::getline(in, line);) {
    auto doc = boost::json::parse(line).as_object();
    auto& msg = doc.at("message").as_string();
    if (msg == "handling 1")
      traced_line = doc.contains("traceparent") &&
                    doc.at("traceparent").as_string() == trace;
    if (msg == "handling 2")
      plain_line = !doc.contains("traceparent");
  }
  CAF_CHECK(traced_line);
  CAF_CHECK(plain_line);
}
