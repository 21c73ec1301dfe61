// Micro-benchmark of the Avro codec against avro-c (Debian's libavro-dev),
// the well-kept library we would otherwise use: a generic value reused
// across messages, avro_value_read/avro_value_write on a reused memory
// reader/writer, and the field copies into/out of the C++ struct that a
// codec must do on top. The figures justify writing the format ourselves
// (see the top of codecs/include/fastkafka/codecs/avro.hpp).
//
// Run: build-avro/bench/codecs/bench_codecs_avro
// Prints each case's median and the speed-up ours/avro-c per case.

#include "fastkafka/codecs/avro.hpp"

#include <avro.h>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

// -- models (the same as the JSON benchmark) ----------------------------------

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

template <class T>
std::vector<T> values() {
  std::vector<T> out;
  for (int i = 0; i < 64; ++i) {
    if constexpr (std::is_same_v<T, input_data>) {
      out.push_back({100 + i, i + 0.5, "sensor-" + std::to_string(100 + i)});
    } else {
      track t;
      t.id = "track-" + std::to_string(i);
      for (int k = 0; k < 8; ++k)
        t.points.push_back({1700000000000 + k, k * 0.25 + i, k * 1.5 - i});
      if (i % 2 == 0)
        t.label = "label-" + std::to_string(i);
      out.push_back(t);
    }
  }
  return out;
}

template <class T>
const std::vector<std::string>& payloads() {
  static const auto p = [] {
    std::vector<std::string> out;
    for (const auto& v : values<T>())
      out.push_back(fastkafka::avro_encode(v));
    return out;
  }();
  return p;
}

// -- avro-c: generic value plus field copies ----------------------------------

/// One schema, generic value, reader and writer, reused for every message.
struct avro_c_state {
  avro_schema_t schema = nullptr;
  avro_value_iface_t* iface = nullptr;
  avro_value_t value;
  avro_reader_t reader;
  avro_writer_t writer;
  std::string buffer = std::string(64 * 1024, '\0');

  explicit avro_c_state(const std::string& json) {
    if (avro_schema_from_json_length(json.data(), json.size(), &schema))
      throw std::runtime_error(avro_strerror());
    iface = avro_generic_class_from_schema(schema);
    avro_generic_value_new(iface, &value);
    reader = avro_reader_memory(nullptr, 0);
    writer = avro_writer_memory(buffer.data(), buffer.size());
  }
  ~avro_c_state() {
    avro_reader_free(reader);
    avro_writer_free(writer);
    avro_value_decref(&value);
    avro_value_iface_decref(iface);
    avro_schema_decref(schema);
  }
  avro_c_state(const avro_c_state&) = delete;
  avro_c_state& operator=(const avro_c_state&) = delete;

  bool read(const std::string& in) {
    avro_value_reset(&value);
    avro_reader_memory_set_source(reader, in.data(), in.size());
    return avro_value_read(reader, &value) == 0;
  }

  void write(std::string& out) {
    avro_writer_memory_set_dest(writer, buffer.data(), buffer.size());
    avro_value_write(writer, &value);
    out.append(buffer.data(), avro_writer_tell(writer));
  }
};

void get_string(avro_value_t* v, std::string& out) {
  const char* s;
  size_t n; // includes the terminating NUL
  avro_value_get_string(v, &s, &n);
  out.assign(s, n - 1);
}

void from_avro_c(avro_value_t* rec, input_data& out) {
  avro_value_t f;
  avro_value_get_by_index(rec, 0, &f, nullptr);
  avro_value_get_long(&f, &out.id);
  avro_value_get_by_index(rec, 1, &f, nullptr);
  avro_value_get_double(&f, &out.value);
  avro_value_get_by_index(rec, 2, &f, nullptr);
  get_string(&f, out.name);
}

void from_avro_c(avro_value_t* rec, track& out) {
  avro_value_t f, e, g;
  avro_value_get_by_index(rec, 0, &f, nullptr);
  get_string(&f, out.id);
  avro_value_get_by_index(rec, 1, &f, nullptr);
  size_t n;
  avro_value_get_size(&f, &n);
  out.points.resize(n);
  for (size_t i = 0; i < n; ++i) {
    avro_value_get_by_index(&f, i, &e, nullptr);
    avro_value_get_by_index(&e, 0, &g, nullptr);
    avro_value_get_long(&g, &out.points[i].ts);
    avro_value_get_by_index(&e, 1, &g, nullptr);
    avro_value_get_double(&g, &out.points[i].x);
    avro_value_get_by_index(&e, 2, &g, nullptr);
    avro_value_get_double(&g, &out.points[i].y);
  }
  avro_value_get_by_index(rec, 2, &f, nullptr);
  int branch;
  avro_value_get_discriminant(&f, &branch);
  if (branch == 0) {
    out.label.reset();
  } else {
    avro_value_get_current_branch(&f, &e);
    get_string(&e, out.label.emplace());
  }
}

void to_avro_c(const input_data& in, avro_value_t* rec) {
  avro_value_t f;
  avro_value_get_by_index(rec, 0, &f, nullptr);
  avro_value_set_long(&f, in.id);
  avro_value_get_by_index(rec, 1, &f, nullptr);
  avro_value_set_double(&f, in.value);
  avro_value_get_by_index(rec, 2, &f, nullptr);
  avro_value_set_string_len(&f, in.name.c_str(), in.name.size() + 1);
}

void to_avro_c(const track& in, avro_value_t* rec) {
  avro_value_t f, e, g;
  avro_value_get_by_index(rec, 0, &f, nullptr);
  avro_value_set_string_len(&f, in.id.c_str(), in.id.size() + 1);
  avro_value_get_by_index(rec, 1, &f, nullptr);
  for (const auto& p : in.points) {
    avro_value_append(&f, &e, nullptr);
    avro_value_get_by_index(&e, 0, &g, nullptr);
    avro_value_set_long(&g, p.ts);
    avro_value_get_by_index(&e, 1, &g, nullptr);
    avro_value_set_double(&g, p.x);
    avro_value_get_by_index(&e, 2, &g, nullptr);
    avro_value_set_double(&g, p.y);
  }
  avro_value_get_by_index(rec, 2, &f, nullptr);
  if (in.label) {
    avro_value_set_branch(&f, 1, &e);
    avro_value_set_string_len(&e, in.label->c_str(), in.label->size() + 1);
  } else {
    avro_value_set_branch(&f, 0, &e);
    avro_value_set_null(&e);
  }
}

// -- benchmarks ---------------------------------------------------------------

template <class T>
void decode_ours(benchmark::State& state) {
  const auto& in = payloads<T>();
  T out;
  fastkafka::decode_error err;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& p = in[i++ % in.size()];
    if (!fastkafka::avro_decode(p, out, err))
      state.SkipWithError(err.to_string().c_str());
    benchmark::DoNotOptimize(out);
    bytes += p.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

template <class T>
void decode_ref(benchmark::State& state) {
  const auto& in = payloads<T>();
  avro_c_state st(fastkafka::avro_schema_json<T>());
  T out;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& p = in[i++ % in.size()];
    if (!st.read(p))
      state.SkipWithError(avro_strerror());
    from_avro_c(&st.value, out);
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
    fastkafka::avro_encode(in[i++ % in.size()], out);
    benchmark::DoNotOptimize(out.data());
    bytes += out.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

template <class T>
void encode_ref(benchmark::State& state) {
  auto in = values<T>();
  avro_c_state st(fastkafka::avro_schema_json<T>());
  std::string out;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    out.clear();
    avro_value_reset(&st.value);
    to_avro_c(in[i++ % in.size()], &st.value);
    st.write(out);
    benchmark::DoNotOptimize(out.data());
    bytes += out.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

BENCHMARK(decode_ours<input_data>)->Name("flat/decode/ours");
BENCHMARK(decode_ref<input_data>)->Name("flat/decode/avro-c");
BENCHMARK(encode_ours<input_data>)->Name("flat/encode/ours");
BENCHMARK(encode_ref<input_data>)->Name("flat/encode/avro-c");
BENCHMARK(decode_ours<track>)->Name("nested/decode/ours");
BENCHMARK(decode_ref<track>)->Name("nested/decode/avro-c");
BENCHMARK(encode_ours<track>)->Name("nested/encode/ours");
BENCHMARK(encode_ref<track>)->Name("nested/encode/avro-c");

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

  /// Prints `case: avro-c/ours time ratio` for every pair.
  void print_ratios() const {
    std::printf("\nmedian speed-up ours vs avro-c (generic value + copies):\n");
    for (const auto& [name, ours] : medians_) {
      auto suffix = name.rfind("/ours");
      if (suffix == std::string::npos || suffix + 5 != name.size())
        continue;
      auto base = name.substr(0, suffix);
      auto ref = medians_.find(base + "/avro-c");
      if (ref == medians_.end() || ours <= 0)
        continue;
      std::printf("  %-16s %6.1fx  (ours %8.1f ns, avro-c %8.1f ns)\n",
                  base.c_str(), ref->second / ours, ours, ref->second);
    }
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
