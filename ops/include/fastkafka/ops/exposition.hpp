#pragma once

// Prometheus' text exposition format, version 0.0.4: HELP and TYPE lines,
// samples with escaped labels, histograms as cumulative buckets. Only the
// format; which metrics a fastkafka app has is `metrics_page.hpp`.

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fastkafka/stats.hpp"

namespace fastkafka::ops {

/// The `Content-Type` of a page in this format.
inline constexpr std::string_view exposition_content_type =
    "text/plain; version=0.0.4; charset=utf-8";

/// A metric family's type, as its `# TYPE` line names it.
enum class metric_type : uint8_t { counter, gauge, histogram };

/// One label of a sample: a name (`[a-zA-Z_][a-zA-Z0-9_]*`) and any text.
struct label {
  std::string_view name;
  std::string_view value;
};

/// A label value with `\`, `"` and line feeds escaped as the format wants.
std::string escape_label_value(std::string_view value);

/// A HELP text with `\` and line feeds escaped.
std::string escape_help(std::string_view text);

/// A sample value: integers exactly, others in the shortest form that
/// reads back the same, and `+Inf`, `-Inf`, `NaN`.
std::string format_value(double value);

/// Builds one page. Families are written in the order they are started;
/// a family's HELP and TYPE lines appear with its first sample, so that a
/// family without samples (no consumer, no broker) leaves no trace.
class exposition_writer {
public:
  /// Starts the family `name` (counters end in `_total`); every sample
  /// until the next `family` call belongs to it.
  void family(std::string_view name, metric_type type, std::string_view help);

  /// Writes `<family name><suffix>{labels} value`.
  void sample(std::span<const label> labels, double value,
              std::string_view suffix = {});
  void sample(std::initializer_list<label> labels, double value) {
    sample(std::span<const label>{labels.begin(), labels.size()}, value);
  }

  /// Writes a histogram's `_bucket` lines (cumulative, ending with `+Inf`
  /// = count), `_sum` and `_count`. A snapshot copied while observations
  /// landed may be a little inconsistent; buckets are made non-decreasing
  /// and capped by the count, which Prometheus requires.
  void histogram(std::span<const label> labels, const histogram_snapshot& h);

  /// The page so far.
  const std::string& text() const noexcept { return out_; }

  /// Moves the page out.
  std::string take() noexcept { return std::move(out_); }

private:
  void write_header();

  std::string out_;
  std::string name_;
  std::string help_;
  metric_type type_ = metric_type::gauge;
  bool header_written_ = true;
};

} // namespace fastkafka::ops
