#include "fastkafka/ops/exposition.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace fastkafka::ops {

namespace {

const char* type_name(metric_type type) {
  switch (type) {
  case metric_type::counter:
    return "counter";
  case metric_type::gauge:
    return "gauge";
  case metric_type::histogram:
    return "histogram";
  }
  return "untyped";
}

void write_labels(std::string& out, std::span<const label> labels,
                  const label* extra = nullptr) {
  if (labels.empty() && extra == nullptr)
    return;
  out += '{';
  bool first = true;
  auto one = [&](const label& l) {
    if (!first)
      out += ',';
    first = false;
    out += l.name;
    out += "=\"";
    out += escape_label_value(l.value);
    out += '"';
  };
  for (auto& l : labels)
    one(l);
  if (extra != nullptr)
    one(*extra);
  out += '}';
}

} // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
    case '\\':
      out += "\\\\";
      break;
    case '"':
      out += "\\\"";
      break;
    case '\n':
      out += "\\n";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Counts and offsets print as integers (up to 2^53, where doubles stop
  // holding every integer), everything else in the shortest exact form.
  if (std::trunc(value) == value && std::fabs(value) < 9007199254740992.0) {
    auto [end, ec] =
        std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(value));
    return std::string(buf, end);
  }
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, end);
}

void exposition_writer::family(std::string_view name, metric_type type,
                               std::string_view help) {
  name_ = name;
  help_ = help;
  type_ = type;
  header_written_ = false;
}

void exposition_writer::write_header() {
  if (header_written_)
    return;
  header_written_ = true;
  out_ += "# HELP ";
  out_ += name_;
  out_ += ' ';
  out_ += escape_help(help_);
  out_ += "\n# TYPE ";
  out_ += name_;
  out_ += ' ';
  out_ += type_name(type_);
  out_ += '\n';
}

void exposition_writer::sample(std::span<const label> labels, double value,
                               std::string_view suffix) {
  write_header();
  out_ += name_;
  out_ += suffix;
  write_labels(out_, labels);
  out_ += ' ';
  out_ += format_value(value);
  out_ += '\n';
}

void exposition_writer::histogram(std::span<const label> labels,
                                  const histogram_snapshot& h) {
  write_header();
  uint64_t running = 0;
  auto n = std::min(h.bounds.size(), h.cumulative.size());
  for (size_t i = 0; i < n; ++i) {
    running = std::min(std::max(running, h.cumulative[i]), h.count);
    auto le = format_value(h.bounds[i]);
    label extra{"le", le};
    out_ += name_;
    out_ += "_bucket";
    write_labels(out_, labels, &extra);
    out_ += ' ';
    out_ += format_value(static_cast<double>(running));
    out_ += '\n';
  }
  label inf{"le", "+Inf"};
  out_ += name_;
  out_ += "_bucket";
  write_labels(out_, labels, &inf);
  out_ += ' ';
  out_ += format_value(static_cast<double>(h.count));
  out_ += '\n';
  sample(labels, h.sum, "_sum");
  sample(labels, static_cast<double>(h.count), "_count");
}

} // namespace fastkafka::ops
