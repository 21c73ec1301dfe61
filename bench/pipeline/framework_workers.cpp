// The framework's shapes of the same pipeline (the pipeline example's
// handler, with the key forwarded as the raw loops forward it):
//   fw-json   one message per call, JSON codec
//   fw-batch  one call per partition batch, each record sent
//   fw-avro   one message per call, Avro codec both ways
//   fw-conc   one message per call on the concurrent executor
//   fw-json-metrics  fw-json with metrics on, as `run --metrics-port` has
//             them: handler calls timed, the ops monitor and its HTTP
//             server running, and /metrics rendered every --scrape-ms
//   fw-json-eos  fw-json with delivery=exactly_once: one transaction per
//             poll, holding the outputs and the input offsets
// Framework defaults everywhere, except what --fw-set and --fetch-wait-ms
// change.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "caf/actor_system.hpp"

#include "fastkafka/app.hpp"
#include "fastkafka/codecs/avro.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/ops/http_server.hpp"
#include "fastkafka/ops/monitor.hpp"
#include "fastkafka/ops/rdkafka_stats_store.hpp"
#include "fastkafka/runtime.hpp"
#include "fastkafka/runtime_config.hpp"
#include "workers.hpp"

namespace bench {

namespace {

/// Keeps the framework's "producer ... stopped; N delivered" lines so that
/// the worker can report the acknowledged count.
class capture_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  /// Every captured line, copied under the sink's lock.
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> guard{this->mutex_};
    return lines_;
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view text{msg.payload.data(), msg.payload.size()};
    if (text.find("delivered") != std::string_view::npos)
      lines_.emplace_back(text);
  }
  void flush_() override {}

private:
  std::vector<std::string> lines_;
};

/// What the handlers share with the worker's main thread.
struct progress {
  int64_t target = 0;
  std::atomic<int64_t> handled{0};
  std::once_flag started;
  mark first;
  std::mutex mtx;
  std::condition_variable done;

  /// Counts `n` handled records; wakes the main thread at the target.
  void add(int64_t n) {
    std::call_once(started, [this] { first = mark::now(); });
    auto total = handled.fetch_add(n, std::memory_order_acq_rel) + n;
    if (target > 0 && total >= target && total - n < target) {
      std::lock_guard<std::mutex> guard{mtx};
      done.notify_all();
    }
  }
};

} // namespace

int run_framework_worker(const settings& s) {
  handle_sigterm();
  // Warnings and errors still reach stderr; info lines only feed the check.
  auto capture = std::make_shared<capture_sink>();
  auto err_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  // PIPELINE_BENCH_DEBUG=1 shows the framework's debug lines, librdkafka's
  // `debug` output among them (--fw-set librdkafka.debug=fetch).
  bool debug = std::getenv("PIPELINE_BENCH_DEBUG") != nullptr;
  err_sink->set_level(debug ? spdlog::level::debug : spdlog::level::warn);
  auto logger = std::make_shared<spdlog::logger>(
      "fastkafka", spdlog::sinks_init_list{err_sink, capture});
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
  fastkafka::set_logger(logger);

  progress prog;
  prog.target = s.latency ? 0 : s.messages;
  fastkafka::runtime_config cfg;
  caf::actor_system sys{cfg};
  fastkafka::app_config config{.title = "Pipeline"};
  for (auto& [name, value] : parse_assignments(s.fw_set))
    fastkafka::set_option(config.options, name, value);
  if (s.fetch_wait_ms >= 0)
    config.options.fetch_max_wait_ms = s.fetch_wait_ms;
  fastkafka::app app{std::move(config)};

  bool avro = is_avro(s.worker);
  fastkafka::produces_options<record> out_opts{.topic = s.output_topic};
  if (avro)
    out_opts.encoder = fastkafka::avro_codec<record>();
  auto to_output = app.produces<record>("to_output", std::move(out_opts));
  fastkafka::consumes_options<record> in_opts{
      .topic = s.input_topic,
      .description = "Doubles value and forwards the record to output"};
  in_opts.options.group_id = s.group;
  if (avro)
    in_opts.decoder = fastkafka::avro_codec<record>();
  if (s.worker == "fw-json-eos")
    in_opts.delivery = fastkafka::delivery_mode::exactly_once;
  if (s.worker == "fw-conc") {
    in_opts.exec = fastkafka::executor::concurrent;
    if (s.concurrency > 0)
      in_opts.max_in_flight = static_cast<size_t>(s.concurrency);
  }
  if (s.worker == "fw-batch") {
    app.consumes<record>(
        "on_input",
        [&](std::vector<record>& batch,
            const std::vector<fastkafka::message_meta>& metas) {
          for (size_t i = 0; i < batch.size(); ++i)
            to_output.send(
                record{batch[i].id, batch[i].value * 2, batch[i].name},
                metas[i].key);
          prog.add(static_cast<int64_t>(batch.size()));
        },
        std::move(in_opts));
  } else {
    app.consumes<record>(
        "on_input",
        [&](const record& m, const fastkafka::message_meta& meta) {
          to_output.send(record{m.id, m.value * 2, m.name}, meta.key);
          prog.add(1);
        },
        std::move(in_opts));
  }
  auto started = mark::now();
  fastkafka::runtime rt{app};
  bool metrics = s.worker == "fw-json-metrics";
  // What `run --metrics-port` sets up (cli.cpp): timed handler calls, the
  // monitor over the runtime's snapshots and librdkafka's statistics, and
  // the HTTP server; a scraper renders the page as Prometheus would fetch
  // it, more often than Prometheus does.
  fastkafka::ops::rdkafka_stats_store rdkafka_stats;
  fastkafka::ops::ops_monitor monitor{
      [&rt, &rdkafka_stats]() -> std::optional<fastkafka::runtime_snapshot> {
        for (auto& [name, json] : rt.statistics())
          rdkafka_stats.update(name, json);
        return rt.snapshot();
      },
      {},
      &rdkafka_stats};
  std::unique_ptr<fastkafka::ops::ops_http_server> server;
  if (metrics)
    server = std::make_unique<fastkafka::ops::ops_http_server>(
        fastkafka::ops::http_server_options{"127.0.0.1", 0}, monitor.routes());
  rt.start(sys, {.broker_name = "embedded",
                 .bootstrap_servers = s.bootstrap,
                 .timed = metrics});
  std::atomic<bool> scraping{metrics && s.scrape_ms > 0};
  std::atomic<int64_t> scrapes{0};
  std::thread scraper;
  if (scraping.load())
    scraper = std::thread{[&] {
      while (scraping.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(s.scrape_ms));
        if (monitor.metrics().status == 200)
          scrapes.fetch_add(1);
      }
    }};
  if (s.latency) {
    // 20 wake-ups a second: little enough not to count in the idle CPU.
    while (stop_requested == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    prog.first = started;
  } else {
    std::unique_lock<std::mutex> lock{prog.mtx};
    if (!prog.done.wait_for(lock, std::chrono::seconds(s.timeout_s), [&] {
          return prog.handled.load(std::memory_order_acquire) >= prog.target;
        }))
      die("framework worker: handled only " +
          std::to_string(prog.handled.load()) + " of " +
          std::to_string(s.messages) + " messages in time");
  }
  // stop() drains the consumer, commits and flushes the producers: when it
  // returns, every output was acknowledged (or it logged an error).
  auto last = mark::now();
  scraping.store(false);
  if (scraper.joinable())
    scraper.join();
  rt.stop();
  auto end = mark::now();
  if (metrics && s.scrape_ms > 0 && scrapes.load() == 0 &&
      end.wall - started.wall > 2.0 * s.scrape_ms / 1000)
    die("framework worker: no /metrics page rendered");
  int64_t acked = -1;
  // Exactly-once outputs go through the consumer's transactional producer.
  const char* tag = s.worker == "fw-json-eos"
                        ? "producer on_input.txn stopped; "
                        : "producer to_output stopped; ";
  for (auto& line : capture->lines()) {
    auto pos = line.find(tag);
    if (pos == std::string::npos)
      continue;
    auto num = line.data() + pos + std::strlen(tag);
    acked = std::strtoll(num, nullptr, 10);
  }
  print_result(s.worker, prog.first, last, end, prog.handled.load(), acked);
  return 0;
}

} // namespace bench
