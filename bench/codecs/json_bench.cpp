// Micro-benchmark of the JSON codec against a hand-written Boost.JSON
// reference: reused parser and monotonic resource plus hand-written field
// extraction for decode, a hand-written serializer for encode. The
// reference takes Boost.JSON 1.81's doubles, which are not always correctly
// rounded; ours are (codecs/include/fastkafka/codecs/detail/json_number.hpp),
// at some cost for texts beyond 15 digits or with an exponent.
//
// Run: build-codecs/bench/codecs/bench_codecs_json
// The custom main runs 5 repetitions (unless told otherwise) and prints the
// median throughput ratio ours/reference per case; the target is >= 0.8.

#include "fastkafka/codecs/json.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

// -- models -------------------------------------------------------------------

struct input_data {
  int64_t id = 0;
  double value = 0;
  std::string name;
};
BOOST_DESCRIBE_STRUCT(input_data, (), (id, value, name))

struct point {
  int64_t ts = 0;
  double x = 0;
  double y = 0;
};
BOOST_DESCRIBE_STRUCT(point, (), (ts, x, y))

struct track {
  std::string id;
  std::vector<point> points;
  std::optional<std::string> label;
};
BOOST_DESCRIBE_STRUCT(track, (), (id, points, label))

namespace {

// -- payloads -----------------------------------------------------------------

std::vector<std::string> flat_payloads() {
  std::vector<std::string> out;
  for (int i = 0; i < 64; ++i)
    out.push_back(R"({"id":)" + std::to_string(100 + i) + R"(,"value":)" +
                  std::to_string(i) + R"(.5,"name":"sensor-)" +
                  std::to_string(100 + i) + R"("})");
  return out;
}

std::vector<std::string> nested_payloads() {
  std::vector<std::string> out;
  for (int i = 0; i < 64; ++i) {
    track t;
    t.id = "track-" + std::to_string(i);
    for (int k = 0; k < 8; ++k)
      t.points.push_back({1700000000000 + k, k * 0.25 + i, k * 1.5 - i});
    if (i % 2 == 0)
      t.label = "label-" + std::to_string(i);
    out.push_back(fastkafka::json_encode(t));
  }
  return out;
}

// -- the reference: what one would write by hand ------------------------------

struct reference_parser {
  unsigned char buffer[16 * 1024];
  boost::json::parser parser;

  // Runs `fn(value)` on the parsed document; returns false on bad JSON.
  template <class F>
  bool parse(std::string_view text, F&& fn) {
    boost::json::monotonic_resource mr(buffer, sizeof buffer);
    parser.reset(&mr);
    boost::system::error_code ec;
    parser.write(text.data(), text.size(), ec);
    if (ec)
      return false;
    auto v = parser.release();
    bool ok = fn(v);
    parser.reset();
    return ok;
  }
};

double ref_number(const boost::json::value& v) {
  if (v.is_double())
    return v.get_double();
  if (v.is_int64())
    return static_cast<double>(v.get_int64());
  return static_cast<double>(v.as_uint64());
}

bool ref_decode(const boost::json::value& v, input_data& out) {
  auto* obj = v.if_object();
  if (!obj)
    return false;
  for (const auto& kv : *obj) {
    auto key = kv.key();
    if (key == "id")
      out.id = kv.value().as_int64();
    else if (key == "value")
      out.value = ref_number(kv.value());
    else if (key == "name")
      out.name.assign(kv.value().as_string().data(),
                      kv.value().as_string().size());
  }
  return true;
}

bool ref_decode(const boost::json::value& v, track& out) {
  auto* obj = v.if_object();
  if (!obj)
    return false;
  out.label.reset();
  for (const auto& kv : *obj) {
    auto key = kv.key();
    if (key == "id") {
      out.id.assign(kv.value().as_string().data(),
                    kv.value().as_string().size());
    } else if (key == "points") {
      const auto& arr = kv.value().as_array();
      out.points.resize(arr.size());
      for (std::size_t i = 0; i < arr.size(); ++i) {
        for (const auto& p : arr[i].as_object()) {
          auto k = p.key();
          if (k == "ts")
            out.points[i].ts = p.value().as_int64();
          else if (k == "x")
            out.points[i].x = ref_number(p.value());
          else if (k == "y")
            out.points[i].y = ref_number(p.value());
        }
      }
    } else if (key == "label" && !kv.value().is_null()) {
      out.label.emplace(kv.value().as_string().data(),
                        kv.value().as_string().size());
    }
  }
  return true;
}

void ref_string(std::string_view s, std::string& out) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out.append(buf);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

template <class N>
void ref_number(N n, std::string& out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

void ref_encode(const input_data& x, std::string& out) {
  out += R"({"id":)";
  ref_number(x.id, out);
  out += R"(,"value":)";
  ref_number(x.value, out);
  out += R"(,"name":)";
  ref_string(x.name, out);
  out += '}';
}

void ref_encode(const track& t, std::string& out) {
  out += R"({"id":)";
  ref_string(t.id, out);
  out += R"(,"points":[)";
  bool first = true;
  for (const auto& p : t.points) {
    if (!first)
      out += ',';
    first = false;
    out += R"({"ts":)";
    ref_number(p.ts, out);
    out += R"(,"x":)";
    ref_number(p.x, out);
    out += R"(,"y":)";
    ref_number(p.y, out);
    out += '}';
  }
  out += R"(],"label":)";
  if (t.label)
    ref_string(*t.label, out);
  else
    out += "null";
  out += '}';
}

// -- benchmarks ---------------------------------------------------------------

template <class T>
const std::vector<std::string>& payloads() {
  static const auto p = [] {
    if constexpr (std::is_same_v<T, input_data>)
      return flat_payloads();
    else
      return nested_payloads();
  }();
  return p;
}

template <class T>
std::vector<T> values() {
  std::vector<T> out;
  for (const auto& p : payloads<T>())
    out.push_back(fastkafka::json_decode<T>(p));
  return out;
}

template <class T>
void decode_ours(benchmark::State& state) {
  const auto& in = payloads<T>();
  T out;
  fastkafka::decode_error err;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& p = in[i++ % in.size()];
    if (!fastkafka::json_decode(p, out, err))
      state.SkipWithError(err.to_string().c_str());
    benchmark::DoNotOptimize(out);
    bytes += p.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

template <class T>
void decode_ref(benchmark::State& state) {
  const auto& in = payloads<T>();
  T out;
  reference_parser rp;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& p = in[i++ % in.size()];
    if (!rp.parse(
            p, [&](const boost::json::value& v) { return ref_decode(v, out); }))
      state.SkipWithError("reference decode failed");
    benchmark::DoNotOptimize(out);
    bytes += p.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

template <class T>
void encode_ours(benchmark::State& state) {
  auto in = values<T>();
  std::string out;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    out.clear();
    fastkafka::json_encode(in[i++ % in.size()], out);
    benchmark::DoNotOptimize(out.data());
    bytes += out.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

template <class T>
void encode_ref(benchmark::State& state) {
  auto in = values<T>();
  std::string out;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    out.clear();
    ref_encode(in[i++ % in.size()], out);
    benchmark::DoNotOptimize(out.data());
    bytes += out.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

// What a pipeline stage does per message: decode, then encode a result.
template <class T>
void roundtrip_ours(benchmark::State& state) {
  const auto& in = payloads<T>();
  T value;
  std::string out;
  fastkafka::decode_error err;
  std::size_t i = 0;
  for (auto _ : state) {
    if (!fastkafka::json_decode(in[i++ % in.size()], value, err))
      state.SkipWithError(err.to_string().c_str());
    out.clear();
    fastkafka::json_encode(value, out);
    benchmark::DoNotOptimize(out.data());
  }
}

template <class T>
void roundtrip_ref(benchmark::State& state) {
  const auto& in = payloads<T>();
  T value;
  std::string out;
  reference_parser rp;
  std::size_t i = 0;
  for (auto _ : state) {
    if (!rp.parse(in[i++ % in.size()], [&](const boost::json::value& v) {
          return ref_decode(v, value);
        }))
      state.SkipWithError("reference decode failed");
    out.clear();
    ref_encode(value, out);
    benchmark::DoNotOptimize(out.data());
  }
}

BENCHMARK(decode_ours<input_data>)->Name("flat/decode/ours");
BENCHMARK(decode_ref<input_data>)->Name("flat/decode/ref");
BENCHMARK(encode_ours<input_data>)->Name("flat/encode/ours");
BENCHMARK(encode_ref<input_data>)->Name("flat/encode/ref");
BENCHMARK(roundtrip_ours<input_data>)->Name("flat/decode+encode/ours");
BENCHMARK(roundtrip_ref<input_data>)->Name("flat/decode+encode/ref");
BENCHMARK(decode_ours<track>)->Name("nested/decode/ours");
BENCHMARK(decode_ref<track>)->Name("nested/decode/ref");
BENCHMARK(encode_ours<track>)->Name("nested/encode/ours");
BENCHMARK(encode_ref<track>)->Name("nested/encode/ref");
BENCHMARK(roundtrip_ours<track>)->Name("nested/decode+encode/ours");
BENCHMARK(roundtrip_ref<track>)->Name("nested/decode+encode/ref");

/// Console output as usual, plus the median CPU time of each case.
class median_reporter : public benchmark::ConsoleReporter {
public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      bool single = r.repetitions <= 1 && r.run_type == Run::RT_Iteration;
      if (single || r.aggregate_name == "median")
        medians_[r.run_name.function_name] = r.GetAdjustedCPUTime();
    }
  }

  /// Prints `case: ours/ref throughput ratio` for every ours+ref pair.
  int print_ratios() const {
    std::printf("\nmedian throughput ratio ours/reference (target >= 0.8):\n");
    int below = 0;
    for (const auto& [name, ours] : medians_) {
      auto suffix = name.rfind("/ours");
      if (suffix == std::string::npos || suffix + 5 != name.size())
        continue;
      auto base = name.substr(0, suffix);
      auto ref = medians_.find(base + "/ref");
      if (ref == medians_.end() || ours <= 0)
        continue;
      double ratio = ref->second / ours;
      below += ratio < 0.8;
      std::printf("  %-22s %5.2fx  (ours %8.1f ns, ref %8.1f ns)\n",
                  base.c_str(), ratio, ours, ref->second);
    }
    return below;
  }

private:
  std::map<std::string, double> medians_;
};

} // namespace

int main(int argc, char** argv) {
  // Five repetitions by default so that the figures are medians.
  std::vector<char*> args(argv, argv + argc);
  std::string reps = "--benchmark_repetitions=5";
  std::string agg = "--benchmark_report_aggregates_only=true";
  bool has_reps = false;
  for (int i = 1; i < argc; ++i)
    has_reps |=
        std::string_view{argv[i]}.starts_with("--benchmark_repetitions");
  if (!has_reps) {
    args.push_back(reps.data());
    args.push_back(agg.data());
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data()))
    return 1;
  median_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  reporter.print_ratios();
  return 0;
}
