#include "fastkafka/ops/monitor.hpp"

#include "fastkafka/ops/exposition.hpp"
#include "fastkafka/ops/metrics_page.hpp"

namespace fastkafka::ops {

namespace {

constexpr std::string_view no_report =
    "the runtime did not report its state in time";

http_answer verdict_answer(const health_verdict& v, std::string_view ok_word,
                           std::string_view failed_word) {
  return {v.ok ? 200 : 503, "application/json",
          to_json(v, ok_word, failed_word) + "\n"};
}

} // namespace

ops_monitor::ops_monitor(snapshot_source source, health_options options,
                         const rdkafka_stats_store* stats)
    : source_(std::move(source))
    , tracker_(options)
    , stats_(stats) {}

http_answer ops_monitor::metrics() {
  auto snapshot = source_();
  if (!snapshot)
    return {503, "text/plain", std::string{no_report} + "\n"};
  // Readiness remembers progress from scrapes too, so that a stall shows
  // even when probes are rare.
  tracker_.observe(*snapshot);
  std::vector<rdkafka_stats> clients;
  if (stats_ != nullptr)
    clients = stats_->all();
  return {200, std::string{exposition_content_type},
          render_metrics(*snapshot, clients)};
}

health_report ops_monitor::health() {
  auto snapshot = source_();
  if (!snapshot)
    return unresponsive_report(no_report);
  return tracker_.observe(*snapshot);
}

http_answer ops_monitor::live() {
  return verdict_answer(health().live, "live", "not live");
}

http_answer ops_monitor::ready() {
  return verdict_answer(health().ready, "ready", "not ready");
}

http_routes ops_monitor::routes() {
  return {[this] { return metrics(); }, [this] { return live(); },
          [this] { return ready(); }};
}

} // namespace fastkafka::ops
