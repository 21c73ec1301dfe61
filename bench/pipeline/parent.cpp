#include "parent.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "probe.hpp"

namespace bench {

namespace {

const std::string json_input = "input";
const std::string avro_input = "input-avro";

/// The raw reference each framework kind is compared with.
const std::map<std::string, std::string> reference_of{
    {"fw-json", "raw-poll"},    {"fw-json-metrics", "fw-json"},
    {"fw-json-eos", "fw-json"}, {"fw-batch", "raw-batch"},
    {"fw-avro", "raw-avro"},    {"fw-conc", "raw-poll"}};

double median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string self_path() {
  char buf[4096];
  auto n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    die("cannot read /proc/self/exe");
  return {buf, static_cast<size_t>(n)};
}

double parent_cpu_seconds() {
  auto m = mark::now();
  return m.user + m.sys;
}

// -- preload -----------------------------------------------------------------

/// Checks that every partition of `topic` holds exactly its share of `n`
/// records from offset 0: the mock keeps only the newest 5 MiB (and 100,000
/// message sets) per partition and drops older data silently.
void check_complete(rd_kafka_t* rk, const std::string& topic, int64_t n,
                    bool exact_split) {
  int64_t total = 0;
  auto marks = watermarks(rk, topic);
  for (int p = 0; p < partitions; ++p) {
    int64_t expected = n / partitions + (p < n % partitions ? 1 : 0);
    total += marks[p].high;
    if (marks[p].low != 0 || (exact_split && marks[p].high != expected))
      die("preload: partition " + std::to_string(p) + " of " + topic +
          " holds offsets [" + std::to_string(marks[p].low) + ", " +
          std::to_string(marks[p].high) +
          "): the mock broker dropped data (it keeps 5 MiB per partition); "
          "use fewer --messages");
  }
  if (total != n)
    die("preload: " + topic + " holds " + std::to_string(total) +
        " records instead of " + std::to_string(n));
}

/// Produces `n` records the way an ordinary producer writes them:
/// librdkafka's producer defaults (linger.ms 5, batch.num.messages 10000),
/// record `i` keyed `i` on partition `i % 8`.
void preload_librdkafka(const std::string& bootstrap, const std::string& topic,
                        int64_t n, bool avro) {
  delivery_counts counts;
  auto rk = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}},
                        count_deliveries, &counts);
  std::string payload;
  char key[24];
  for (int64_t i = 0; i < n; ++i) {
    payload.clear();
    auto name = "name-" + std::to_string(i);
    if (avro)
      write_avro(payload, {i, input_value(i), name});
    else
      write_json(payload, i, input_value(i), name);
    auto key_len = std::to_chars(key, key + sizeof key, i).ptr - key;
    produce_or_die(rk.get(), topic.c_str(),
                   static_cast<int32_t>(i % partitions),
                   {key, static_cast<size_t>(key_len)}, payload);
    if (i % 1000 == 0)
      rd_kafka_poll(rk.get(), 0);
  }
  for (int tries = 0; rd_kafka_outq_len(rk.get()) > 0; ++tries) {
    if (tries == 60)
      die("preload: broker did not acknowledge everything within 60 s");
    rd_kafka_flush(rk.get(), 1000);
  }
  if (counts.failed.load() != 0)
    die("preload: " + std::to_string(counts.failed.load()) +
        " deliveries failed");
  check_complete(rk.get(), topic, n, true);
}

/// Produces `n` JSON records with kcat (one process per partition, reading
/// `key<TAB>value` lines), as the measurements were made.
void preload_kcat(const std::string& bootstrap, const std::string& topic,
                  int64_t n) {
  char dir_template[] = "/tmp/pipeline_bench.XXXXXX";
  auto* dir = mkdtemp(dir_template);
  if (dir == nullptr)
    die("mkdtemp failed");
  std::string payload;
  for (int p = 0; p < partitions; ++p) {
    auto file = std::string{dir} + "/p" + std::to_string(p);
    {
      std::ofstream out{file};
      for (int64_t i = p; i < n; i += partitions) {
        payload.clear();
        write_json(payload, i, input_value(i), "name-" + std::to_string(i));
        out << i << '\t' << payload << '\n';
      }
    }
    std::vector<std::string> args{
        "/usr/bin/kcat",   "-P", "-b", bootstrap, "-t", topic, "-p",
        std::to_string(p), "-K", "\t", "-l",      file};
    child kcat{args};
    if (!kcat.wait(120))
      die("preload: kcat failed for partition " + std::to_string(p));
    std::remove(file.c_str());
  }
  rmdir(dir);
  auto rk = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}});
  check_complete(rk.get(), topic, n, true);
}

// -- runs --------------------------------------------------------------------

/// One finished throughput run.
struct run_result {
  double throughput = 0;
  double cpu_us = 0;
  double rss_mib = 0;
};

/// One latency run.
struct latency_result {
  latency_stats stats;
  double worker_cpu_pct = 0;
};

std::vector<std::string> worker_args(const settings& s, const std::string& kind,
                                     const std::string& bootstrap,
                                     const std::string& tag,
                                     const std::string& input,
                                     const std::string& output) {
  std::vector<std::string> args{self_path(),
                                "--worker",
                                kind,
                                "--bootstrap",
                                bootstrap,
                                "--group",
                                "bench-" + tag,
                                "--input-topic",
                                input,
                                "--output-topic",
                                output,
                                "--messages",
                                std::to_string(s.messages),
                                "--timeout",
                                std::to_string(s.timeout_s),
                                "--raw-batch",
                                std::to_string(s.raw_batch),
                                "--scrape-ms",
                                std::to_string(s.scrape_ms)};
  if (s.concurrency > 0) {
    args.push_back("--concurrency");
    args.push_back(std::to_string(s.concurrency));
  }
  if (s.raw_wake_ms > 0) {
    args.push_back("--raw-wake-ms");
    args.push_back(std::to_string(s.raw_wake_ms));
  }
  for (auto& kv : s.raw_set) {
    args.push_back("--raw-set");
    args.push_back(kv);
  }
  for (auto& kv : s.fw_set) {
    args.push_back("--fw-set");
    args.push_back(kv);
  }
  return args;
}

run_result run_throughput(const settings& s, fastkafka::embedded_broker& broker,
                          rd_kafka_t* checker, const std::string& kind,
                          int run_no) {
  auto tag = kind + "-" + std::to_string(run_no);
  auto output = "output-" + tag;
  if (auto ec = broker.create_topic(output, partitions))
    die("create_topic " + output + ": " + ec.message());
  auto input = is_avro(kind) ? avro_input : json_input;
  child worker{
      worker_args(s, kind, broker.bootstrap_servers(), tag, input, output)};
  bool ok = worker.wait(s.timeout_s);
  auto fields = worker.result();
  if (!ok || fields.empty())
    die("run " + std::to_string(run_no) + " (" + kind +
        ") failed; its output:\n" + worker.output());
  auto handled = std::stoll(fields["handled"]);
  auto acked = std::stoll(fields["acked"]);
  // The broker's own count, independent of what the worker believes.
  int64_t stored = 0;
  for (auto& m : watermarks(checker, output))
    stored += m.high;
  if (handled != s.messages || acked != s.messages || stored != s.messages)
    die("run " + std::to_string(run_no) + " (" + kind +
        ") lost or duplicated messages: expected " +
        std::to_string(s.messages) + ", handled " + std::to_string(handled) +
        ", acknowledged " + std::to_string(acked) + ", in " + output + " " +
        std::to_string(stored));
  auto seconds = std::stod(fields["seconds"]);
  auto cpu = std::stod(fields["cpu_seconds"]);
  auto n = static_cast<double>(s.messages);
  run_result r{n / seconds, cpu * 1e6 / n, std::stod(fields["rss_mib"])};
  std::printf("run %-3d %-15s %8.0f msg/s  %.3f us/msg cpu (user %s sys %s)  "
              "drain %ss  rss %.1f MiB\n",
              run_no, kind.c_str(), r.throughput, r.cpu_us,
              fields["user_seconds"].c_str(), fields["sys_seconds"].c_str(),
              fields["handle_seconds"].c_str(), r.rss_mib);
  std::fflush(stdout);
  return r;
}

/// Runs `kind` in latency mode against the probe; with `idle_s` > 0 also
/// measures the worker's and the broker's CPU while no message flows.
latency_result run_latency(const settings& s,
                           fastkafka::embedded_broker& broker,
                           const std::string& kind, int rate, int fetch_wait,
                           int run_no, double idle_s, double* idle_worker_pct,
                           double* idle_broker_pct) {
  auto tag = "lat-" + kind + "-" + std::to_string(run_no);
  auto input = "in-" + tag;
  auto output = "out-" + tag;
  for (auto& t : {input, output})
    if (auto ec = broker.create_topic(t, partitions))
      die("create_topic " + t + ": " + ec.message());
  auto args =
      worker_args(s, kind, broker.bootstrap_servers(), tag, input, output);
  args.push_back("--latency");
  args.push_back("--fetch-wait-ms");
  args.push_back(std::to_string(fetch_wait));
  child worker{args};
  probe_options po{.bootstrap = broker.bootstrap_servers(),
                   .input_topic = input,
                   .output_topic = output,
                   .rate = rate,
                   .seconds = s.latency_seconds,
                   .fetch_wait_ms = 5};
  auto cpu0 = worker.cpu_seconds();
  auto t0 = wall_seconds();
  latency_result r;
  r.stats = run_probe(po);
  r.worker_cpu_pct =
      (worker.cpu_seconds() - cpu0) / (wall_seconds() - t0) * 100;
  if (idle_s > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto w0 = worker.cpu_seconds();
    auto b0 = parent_cpu_seconds();
    auto i0 = wall_seconds();
    std::this_thread::sleep_for(std::chrono::duration<double>(idle_s));
    auto dt = wall_seconds() - i0;
    *idle_worker_pct = (worker.cpu_seconds() - w0) / dt * 100;
    *idle_broker_pct = (parent_cpu_seconds() - b0) / dt * 100;
  }
  worker.terminate();
  if (!worker.wait(60) || worker.result().empty())
    die("latency run " + tag + " failed; its output:\n" + worker.output());
  std::printf("lat %-3d %-9s %5d msg/s fetch_wait %3d ms: p50 %.2f p99 %.2f "
              "max %.2f ms (%lld/%lld), worker cpu %.1f%%\n",
              run_no, kind.c_str(), rate, fetch_wait, r.stats.p50_ms,
              r.stats.p99_ms, r.stats.max_ms,
              static_cast<long long>(r.stats.received),
              static_cast<long long>(r.stats.sent), r.worker_cpu_pct);
  std::fflush(stdout);
  return r;
}

void print_machine() {
  std::printf("machine: %ld cpus,", sysconf(_SC_NPROCESSORS_ONLN));
  std::ifstream cpuinfo{"/proc/cpuinfo"};
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.starts_with("model name")) {
      std::printf(" %s", line.substr(line.find(':') + 2).c_str());
      break;
    }
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf(", load average %.2f %.2f %.2f\n", load[0], load[1], load[2]);
}

} // namespace

int run_parent(const settings& s) {
  if (s.messages < 1 || s.rounds < 0)
    die("--messages must be at least 1 and --rounds at least 0");
  fastkafka::embedded_broker broker{{.brokers = 1,
                                     .partitions = partitions,
                                     .replication_factor = 1,
                                     .topics = {}}};
  auto bootstrap = broker.bootstrap_servers();
  bool wants_avro = std::any_of(s.kinds.begin(), s.kinds.end(),
                                [](auto& k) { return is_avro(k); });
  for (auto& t : {json_input, avro_input})
    if (auto ec = broker.create_topic(t, partitions))
      die("create_topic " + t + ": " + ec.message());
  auto t0 = wall_seconds();
  if (s.rounds > 0 || s.serve_s > 0) {
    if (s.preload == "kcat")
      preload_kcat(bootstrap, json_input, s.messages);
    else
      preload_librdkafka(bootstrap, json_input, s.messages, false);
    if (wants_avro)
      preload_librdkafka(bootstrap, avro_input, s.messages, true);
    std::fprintf(stderr,
                 "embedded broker at %s; preloaded %lld records (%s) into "
                 "%s%s in %.1f s, every partition complete\n",
                 bootstrap.c_str(), static_cast<long long>(s.messages),
                 s.preload.c_str(), json_input.c_str(),
                 wants_avro ? " and input-avro" : "", wall_seconds() - t0);
  }
  if (s.serve_s > 0) {
    // For profiling a worker by hand (perf, valgrind) against this broker.
    for (int i = 0; i < 20; ++i)
      broker.create_topic("profile-" + std::to_string(i), partitions);
    std::printf("serving %s for %d s; output topics profile-0..profile-19\n",
                bootstrap.c_str(), s.serve_s);
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(s.serve_s));
    return 0;
  }
  print_machine();

  auto checker =
      make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}});
  std::map<std::string, std::vector<run_result>> results;
  int run_no = 0;
  for (int round = 1; round <= s.rounds; ++round)
    for (auto& kind : s.kinds)
      results[kind].push_back(
          run_throughput(s, broker, checker.get(), kind, ++run_no));

  // kind -> rate -> runs
  std::map<std::string, std::map<int, std::vector<latency_result>>> latencies;
  for (int round = 1; round <= s.latency_rounds; ++round)
    for (int rate : s.rates)
      for (const char* kind : {"raw-poll", "fw-json"})
        latencies[kind][rate].push_back(run_latency(
            s, broker, kind, rate, 5, ++run_no, 0, nullptr, nullptr));

  struct sweep_row {
    int wait;
    std::string kind;
    latency_result r;
    double idle_worker, idle_broker;
  };
  std::vector<sweep_row> sweep;
  for (int wait : s.fetch_wait_sweep)
    for (const char* kind : {"raw-poll", "fw-json"}) {
      sweep_row row{wait, kind, {}, 0, 0};
      row.r = run_latency(s, broker, kind, 1000, wait, ++run_no, 3,
                          &row.idle_worker, &row.idle_broker);
      sweep.push_back(row);
    }

  // -- the table -------------------------------------------------------------
  std::printf("\n");
  print_machine();
  std::printf("%lld records (%s preload), %d rounds, kinds alternating\n\n",
              static_cast<long long>(s.messages), s.preload.c_str(), s.rounds);
  struct summary {
    double median = 0, best = 0, cpu = 0, rss = 0;
  };
  std::map<std::string, summary> sums;
  for (auto& [kind, runs] : results) {
    std::vector<double> t, c, r;
    for (auto& x : runs) {
      t.push_back(x.throughput);
      c.push_back(x.cpu_us);
      r.push_back(x.rss_mib);
    }
    sums[kind] = {median(t), *std::max_element(t.begin(), t.end()), median(c),
                  *std::max_element(r.begin(), r.end())};
  }
  if (!results.empty()) {
    std::printf("| kind | median msg/s | best msg/s | CPU us/msg | peak RSS "
                "MiB | vs | median x | best x | CPU x |\n"
                "|---|---:|---:|---:|---:|---|---:|---:|---:|\n");
    for (auto& kind : s.kinds) {
      auto& k = sums[kind];
      std::printf("| %s | %.0f | %.0f | %.3f | %.1f |", kind.c_str(), k.median,
                  k.best, k.cpu, k.rss);
      auto ref = reference_of.find(kind);
      if (ref != reference_of.end() && sums.contains(ref->second)) {
        auto& r = sums[ref->second];
        std::printf(" %s | %.2f | %.2f | %.2f |\n", ref->second.c_str(),
                    k.median / r.median, k.best / r.best, k.cpu / r.cpu);
      } else {
        std::printf(" | | | |\n");
      }
    }
    auto check = [](const char* what, bool ok) {
      std::printf("%s %s\n", ok ? "  met:    " : "  MISSED: ", what);
    };
    std::printf("\ntargets:\n");
    if (sums.contains("fw-json") && sums.contains("raw-poll")) {
      auto& f = sums["fw-json"];
      auto& r = sums["raw-poll"];
      check("fw-json >= 0.95x raw-poll, median to median",
            f.median >= 0.95 * r.median);
      check("fw-json >= 0.95x raw-poll, best to best", f.best >= 0.95 * r.best);
      check("fw-json CPU/msg <= 1.1x raw-poll", f.cpu <= 1.1 * r.cpu);
      check("fw-json peak RSS <= 100 MiB", f.rss <= 100);
    }
    if (sums.contains("fw-json-metrics") && sums.contains("fw-json")) {
      check("fw-json-metrics >= 0.97x fw-json (median)",
            sums["fw-json-metrics"].median >= 0.97 * sums["fw-json"].median);
      check("fw-json-metrics CPU/msg <= 1.03x fw-json",
            sums["fw-json-metrics"].cpu <= 1.03 * sums["fw-json"].cpu);
    }
    if (sums.contains("fw-avro") && sums.contains("fw-json"))
      check("fw-avro >= 1.0x fw-json (median)",
            sums["fw-avro"].median >= sums["fw-json"].median);
    if (sums.contains("fw-batch") && sums.contains("fw-json"))
      check("fw-batch >= 1.0x fw-json (median)",
            sums["fw-batch"].median >= sums["fw-json"].median);
  }
  if (!latencies.empty()) {
    std::printf("\nlatency, probe produce -> probe reads output, "
                "fetch_max_wait_ms=5 everywhere (medians of %d runs; max: the "
                "largest)\n\n| rate msg/s | kind | p50 ms | p99 ms | max ms | "
                "worker CPU %% | p50 x | p99 x |\n"
                "|---:|---|---:|---:|---:|---:|---:|---:|\n",
                s.latency_rounds);
    std::map<std::pair<std::string, int>, std::pair<double, double>> meds;
    for (int rate : s.rates)
      for (const char* kind : {"raw-poll", "fw-json"}) {
        std::vector<double> p50, p99, cpu;
        double mx = 0;
        for (auto& r : latencies[kind][rate]) {
          p50.push_back(r.stats.p50_ms);
          p99.push_back(r.stats.p99_ms);
          cpu.push_back(r.worker_cpu_pct);
          mx = std::max(mx, r.stats.max_ms);
        }
        meds[{kind, rate}] = {median(p50), median(p99)};
        std::printf("| %d | %s | %.2f | %.2f | %.2f | %.1f |", rate, kind,
                    median(p50), median(p99), mx, median(cpu));
        if (std::string{kind} == "fw-json") {
          auto& raw = meds[{"raw-poll", rate}];
          std::printf(" %.2f | %.2f |\n", median(p50) / raw.first,
                      median(p99) / raw.second);
        } else {
          std::printf(" | |\n");
        }
      }
  }
  if (!sweep.empty()) {
    std::printf("\nembedded broker, fetch_max_wait_ms sweep at 1000 msg/s "
                "(one run each; idle: 3 s without messages)\n\n"
                "| fetch wait ms | kind | p50 ms | p99 ms | max ms | idle "
                "worker CPU %% | idle broker CPU %% |\n"
                "|---:|---|---:|---:|---:|---:|---:|\n");
    for (auto& row : sweep)
      std::printf("| %d | %s | %.2f | %.2f | %.2f | %.1f | %.1f |\n", row.wait,
                  row.kind.c_str(), row.r.stats.p50_ms, row.r.stats.p99_ms,
                  row.r.stats.max_ms, row.idle_worker, row.idle_broker);
  }
  return 0;
}

} // namespace bench
