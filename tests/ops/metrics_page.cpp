#define CAF_SUITE ops_metrics_page

#include "fastkafka/ops/metrics_page.hpp"

#include "caf/test/unit_test.hpp"

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "fastkafka/ops/exposition.hpp"
#include "sample_snapshot.hpp"

using namespace fastkafka;
using namespace fastkafka::ops;

namespace {

std::vector<std::string> lines_of(const std::string& page) {
  std::vector<std::string> out;
  std::istringstream in{page};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

bool has_line(const std::string& page, const std::string& line) {
  for (auto& l : lines_of(page))
    if (l == line)
      return true;
  return false;
}

std::string sample_page() {
  auto clients = test::sample_rdkafka_stats();
  return render_metrics(test::sample_snapshot(), clients);
}

} // namespace

CAF_TEST(label values escape backslash quote and line feed) {
  CAF_CHECK_EQUAL(escape_label_value(R"(a\b"c)"
                                     "\n"
                                     "d"),
                  R"(a\\b\"c\nd)");
  CAF_CHECK_EQUAL(escape_label_value("plain.topic-1"), "plain.topic-1");
  CAF_CHECK_EQUAL(escape_help("two\nlines \\ here"), R"(two\nlines \\ here)");
}

CAF_TEST(values print integers exactly and floats in shortest form) {
  CAF_CHECK_EQUAL(format_value(0), "0");
  CAF_CHECK_EQUAL(format_value(123456789012), "123456789012");
  CAF_CHECK_EQUAL(format_value(0.005), "0.005");
  CAF_CHECK_EQUAL(format_value(2.5), "2.5");
  CAF_CHECK_EQUAL(format_value(1.0 / 0.0), "+Inf");
  CAF_CHECK_EQUAL(format_value(-1.0 / 0.0), "-Inf");
  CAF_CHECK_EQUAL(format_value(0.0 / 0.0), "NaN");
}

CAF_TEST(a family without samples leaves no header) {
  exposition_writer w;
  w.family("empty_total", metric_type::counter, "nothing");
  w.family("one", metric_type::gauge, "a gauge");
  w.sample({{"k", "v"}}, 1);
  CAF_CHECK_EQUAL(w.text(), "# HELP one a gauge\n# TYPE one gauge\n"
                            "one{k=\"v\"} 1\n");
}

CAF_TEST(histogram buckets are cumulative and end with Inf at the count) {
  exposition_writer w;
  w.family("h_seconds", metric_type::histogram, "h");
  histogram_snapshot h;
  h.bounds = {0.1, 1, 10};
  // Copied while observations landed: a later bucket read lower than an
  // earlier one, and the last one above the count.
  h.cumulative = {3, 2, 9};
  h.count = 8;
  h.sum = 12.5;
  label l{"registration", "r"};
  w.histogram(std::span<const label>{&l, 1}, h);
  auto page = w.text();
  CAF_CHECK(has_line(page, R"(h_seconds_bucket{registration="r",le="0.1"} 3)"));
  CAF_CHECK(has_line(page, R"(h_seconds_bucket{registration="r",le="1"} 3)"));
  CAF_CHECK(has_line(page, R"(h_seconds_bucket{registration="r",le="10"} 8)"));
  CAF_CHECK(
      has_line(page, R"(h_seconds_bucket{registration="r",le="+Inf"} 8)"));
  CAF_CHECK(has_line(page, R"(h_seconds_sum{registration="r"} 12.5)"));
  CAF_CHECK(has_line(page, R"(h_seconds_count{registration="r"} 8)"));
}

CAF_TEST(the page has the counters per registration with OTel labels) {
  auto page = sample_page();
  std::string in = R"({registration="on_input",)"
                   R"(consumer_group="fastkafka.pipeline.on_input",)"
                   R"(topic="input"})";
  CAF_CHECK(has_line(page, "fastkafka_consumer_consumed_messages_total" + in +
                               " 155"));
  CAF_CHECK(has_line(page, "fastkafka_consumer_handled_messages_total" + in +
                               " 150"));
  CAF_CHECK(
      has_line(page, "fastkafka_consumer_handler_failures_total" + in + " 7"));
  CAF_CHECK(
      has_line(page, "fastkafka_consumer_handler_retries_total" + in + " 5"));
  CAF_CHECK(has_line(page, "fastkafka_consumer_dead_lettered_messages_total" +
                               in + " 2"));
  CAF_CHECK(has_line(page, "fastkafka_consumer_rebalances_total" + in + " 3"));
  CAF_CHECK(has_line(page, "fastkafka_consumer_restarts_total" + in + " 1"));
  CAF_CHECK(
      has_line(page, "fastkafka_consumer_in_flight_messages" + in + " 5"));
  // Lag: 20 on partition 0, 0 on partition 1, unknown on partition 2.
  CAF_CHECK(has_line(page, "fastkafka_consumer_lag_messages" + in + " 20"));
  CAF_CHECK(has_line(page, "fastkafka_consumer_last_handled_timestamp_seconds" +
                               in + " 1796157384.5"));
  CAF_CHECK(has_line(
      page,
      R"(fastkafka_producer_sent_messages_total{registration="to_output",topic="output"} 150)"));
  CAF_CHECK(has_line(
      page,
      R"(fastkafka_producer_acknowledged_messages_total{registration="to_output",topic="output"} 148)"));
  CAF_CHECK(has_line(
      page,
      R"(fastkafka_producer_failed_messages_total{registration="to_output",topic="output"} 1)"));
  CAF_CHECK(has_line(page, R"(fastkafka_runtime_state{state="running"} 1)"));
  CAF_CHECK(has_line(page, R"(fastkafka_runtime_state{state="failed"} 0)"));
  CAF_CHECK(has_line(
      page, R"(fastkafka_app_info{app="Pipeline \"prod\"",worker="2"} 1)"));
}

CAF_TEST(partition offsets appear only when known) {
  auto page = sample_page();
  std::string p0 =
      R"({registration="on_input",consumer_group="fastkafka.pipeline.on_input",topic="input",partition="0"})";
  std::string p2 =
      R"({registration="on_input",consumer_group="fastkafka.pipeline.on_input",topic="input",partition="2"})";
  CAF_CHECK(
      has_line(page, "fastkafka_partition_committed_offset" + p0 + " 100"));
  CAF_CHECK(
      has_line(page, "fastkafka_partition_position_offset" + p0 + " 105"));
  CAF_CHECK(has_line(page, "fastkafka_partition_end_offset" + p0 + " 120"));
  CAF_CHECK(has_line(page, "fastkafka_partition_lag_messages" + p0 + " 20"));
  CAF_CHECK(has_line(page, "fastkafka_partition_paused" + p0 + " 0"));
  CAF_CHECK(has_line(page, "fastkafka_partition_paused" + p2 + " 0"));
  CAF_CHECK(page.find("fastkafka_partition_committed_offset" + p2) ==
            std::string::npos);
  CAF_CHECK(page.find("fastkafka_partition_lag_messages" + p2) ==
            std::string::npos);
}

CAF_TEST(odd registration names are escaped in every label) {
  auto page = sample_page();
  CAF_CHECK(has_line(
      page,
      R"(fastkafka_consumer_joined{registration="on_odd\\name\nwith \"quotes\"",consumer_group="group\\with\"escapes\"",topic="odd.topic"} 0)"));
}

CAF_TEST(librdkafka statistics give round trips and queue depths) {
  auto page = sample_page();
  CAF_CHECK(has_line(
      page,
      R"(fastkafka_rdkafka_broker_rtt_p99_seconds{registration="on_input",broker="127.0.0.1:9092/1"} 0.053759)"));
  // No round trip in the interval: no value rather than a zero.
  CAF_CHECK(
      page.find(
          R"(fastkafka_rdkafka_broker_rtt_p99_seconds{registration="on_input",broker="GroupCoordinator"})") ==
      std::string::npos);
  CAF_CHECK(has_line(
      page,
      R"(fastkafka_rdkafka_producer_queue_messages{registration="to_output"} 12)"));
  CAF_CHECK(has_line(
      page,
      R"(fastkafka_rdkafka_fetch_queue_messages{registration="on_input",topic="input",partition="0"} 15)"));
  CAF_CHECK(has_line(
      page,
      R"(fastkafka_rdkafka_broker_request_errors_total{registration="to_output",broker="127.0.0.1:9092/1"} 2)"));
}

CAF_TEST(every family on the page is in the table and follows the rules) {
  auto page = sample_page();
  std::map<std::string, std::string> typed; // family -> type from the page
  std::regex type_line{R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+))"};
  for (auto& line : lines_of(page)) {
    std::smatch m;
    if (std::regex_match(line, m, type_line))
      typed[m[1]] = m[2];
  }
  std::set<std::string> table;
  for (auto& f : metric_families()) {
    table.insert(std::string{f.name});
    CAF_CHECK(f.name.starts_with("fastkafka_"));
    if (f.type == "counter")
      CAF_CHECK(f.name.ends_with("_total"));
    else
      CAF_CHECK(!f.name.ends_with("_total"));
    // Base units only.
    for (auto unit : {"_ms", "_milliseconds", "_us", "_microseconds",
                      "_minutes", "_kilobytes"})
      CAF_CHECK(f.name.find(unit) == std::string_view::npos);
    CAF_CHECK(std::string_view{f.labels}.find("seconds") ==
              std::string_view::npos);
    // The rich sample has data for every family.
    CAF_CHECK_EQUAL(typed.count(std::string{f.name}), 1u);
    if (typed.count(std::string{f.name}))
      CAF_CHECK_EQUAL(typed[std::string{f.name}], f.type);
  }
  for (auto& [name, type] : typed)
    CAF_CHECK(table.count(name) == 1);
}

CAF_TEST(an empty snapshot renders only the app families) {
  runtime_snapshot s;
  s.app = "empty";
  auto page = render_metrics(s);
  CAF_CHECK(has_line(page, R"(fastkafka_runtime_state{state="idle"} 1)"));
  CAF_CHECK(has_line(page, "fastkafka_broker_reachable 0"));
  CAF_CHECK(page.find("fastkafka_consumer") == std::string::npos);
  CAF_CHECK(page.find("fastkafka_rdkafka") == std::string::npos);
}
