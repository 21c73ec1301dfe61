#include "fastkafka/workers/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "fastkafka/with_thousands.hpp"

namespace fastkafka::workers {

namespace {

// A table whose columns are as wide as their widest cell; numbers are
// aligned right. A row with a `tail` has cells for the first columns only,
// then free text.
class text_table {
public:
  explicit text_table(std::vector<std::pair<std::string, bool>> columns)
      : columns_(std::move(columns)) {
    std::vector<std::string> head;
    for (auto& [name, right] : columns_)
      head.push_back(name);
    add(std::move(head));
  }

  void add(std::vector<std::string> cells, std::string tail = {}) {
    rows_.push_back({std::move(cells), std::move(tail)});
  }

  std::string render(size_t width) const {
    std::vector<size_t> widths(columns_.size(), 0);
    for (auto& r : rows_)
      for (size_t i = 0; i < r.cells.size(); ++i)
        widths[i] = std::max(widths[i], r.cells[i].size());
    std::string out;
    for (auto& r : rows_) {
      std::string line;
      for (size_t i = 0; i < r.cells.size(); ++i) {
        if (i > 0)
          line += "  ";
        auto pad = std::string(widths[i] - r.cells[i].size(), ' ');
        bool last = i + 1 == r.cells.size() && r.tail.empty();
        if (columns_[i].second)
          line += pad + r.cells[i];
        else
          line += r.cells[i] + (last ? "" : pad);
      }
      if (!r.tail.empty())
        line += "  " + r.tail;
      while (!line.empty() && line.back() == ' ')
        line.pop_back();
      if (width > 0 && line.size() > width)
        line.resize(width);
      out += line + '\n';
    }
    return out;
  }

private:
  struct row {
    std::vector<std::string> cells;
    std::string tail;
  };
  std::vector<std::pair<std::string, bool>> columns_;
  std::vector<row> rows_;
};

std::string rate_text(double r) {
  char buf[32];
  if (r < 10) {
    std::snprintf(buf, sizeof(buf), "%.1f", r);
    return buf;
  }
  return with_thousands(static_cast<uint64_t>(std::llround(r)));
}

std::string state_text(const member_report& m) {
  std::string s = to_string(m.snapshot.state);
  if (!m.snapshot.broker_reachable)
    s += ", no broker";
  if (m.process_restarts > 0)
    s += ", restarted " + std::to_string(m.process_restarts) + "x";
  return s;
}

std::optional<int64_t> total_lag(const consumer_snapshot& c) {
  std::optional<int64_t> sum;
  for (auto& p : c.partitions)
    if (auto l = p.lag(); l >= 0)
      sum = sum.value_or(0) + l;
  return sum;
}

const registration_rate* rate_of(const member_report& m,
                                 const std::string& name) {
  for (auto& r : m.rates)
    if (r.name == name)
      return &r;
  return nullptr;
}

std::string worker_text(int32_t w) {
  return w < 0 ? "-" : std::to_string(w);
}

std::string pid_text(int32_t pid) {
  return pid <= 0 ? "-" : std::to_string(pid);
}

} // namespace

std::string partition_ranges(std::vector<int32_t> partitions) {
  if (partitions.empty())
    return "-";
  std::sort(partitions.begin(), partitions.end());
  std::string out;
  for (size_t i = 0; i < partitions.size();) {
    size_t j = i;
    while (j + 1 < partitions.size() && partitions[j + 1] == partitions[j] + 1)
      ++j;
    if (!out.empty())
      out += ',';
    out += std::to_string(partitions[i]);
    if (j > i)
      out += "-" + std::to_string(partitions[j]);
    i = j + 1;
  }
  return out;
}

std::string render_summary(const std::vector<member_report>& members) {
  size_t ok = 0;
  std::optional<double> rate;
  std::optional<int64_t> lag;
  std::map<std::string, size_t> failed;
  for (auto& m : members) {
    if (m.status != member_status::ok) {
      ++failed[to_string(m.status)];
      continue;
    }
    ++ok;
    for (auto& c : m.snapshot.consumers) {
      if (auto r = rate_of(m, c.name))
        rate = rate.value_or(0) + r->last;
      if (auto l = total_lag(c))
        lag = lag.value_or(0) + *l;
    }
  }
  std::string out = std::to_string(members.size()) + " member" +
                    (members.size() == 1 ? "" : "s") + ", " +
                    std::to_string(ok) + " answering";
  for (auto& [status, n] : failed)
    out += ", " + std::to_string(n) + " " + status;
  out += "; handled " + (rate ? rate_text(*rate) + "/s" : "-") + "; lag " +
         (lag ? with_thousands(static_cast<uint64_t>(*lag)) : "-") + "\n";
  return out;
}

std::string render_table(const std::vector<member_report>& members,
                         const table_options& options) {
  text_table main{{{"ENDPOINT", false},
                   {"W", true},
                   {"PID", true},
                   {"STATE", false},
                   {"REGISTRATION", false},
                   {"PARTS", false},
                   {"HANDLED", true},
                   {"PRODUCED", true},
                   {"FAILED", true},
                   {"DLQ", true},
                   {"RATE/s", true},
                   {"AVG/s", true},
                   {"LAG", true},
                   {"RESTARTS", true}}};
  text_table parts{{{"ENDPOINT", false},
                    {"W", true},
                    {"REGISTRATION", false},
                    {"PARTITION", true},
                    {"COMMITTED", true},
                    {"POSITION", true},
                    {"END", true},
                    {"LAG", true},
                    {"PAUSED", false}}};
  bool any_partition = false;
  std::optional<std::pair<int64_t, uint32_t>> windows;
  for (auto& m : members) {
    std::vector<std::string> who{m.endpoint.empty() ? "-" : m.endpoint,
                                 worker_text(m.worker), pid_text(m.pid)};
    if (m.status != member_status::ok) {
      auto cells = who;
      cells.push_back(to_string(m.status));
      main.add(std::move(cells), m.reason);
      continue;
    }
    if (m.rate_interval_ms > 0)
      windows = {m.rate_interval_ms, m.rate_window};
    auto state = state_text(m);
    auto rates = [&](const std::string& name) {
      auto r = rate_of(m, name);
      return std::pair{r ? rate_text(r->last) : "-",
                       r ? rate_text(r->average) : "-"};
    };
    for (auto& c : m.snapshot.consumers) {
      std::vector<int32_t> numbers;
      for (auto& p : c.partitions) {
        numbers.push_back(p.partition);
        auto num = [](int64_t v) {
          return v < 0 ? std::string{"-"}
                       : with_thousands(static_cast<uint64_t>(v));
        };
        parts.add({who[0], who[1], c.name, std::to_string(p.partition),
                   num(p.committed), num(p.position), num(p.high_watermark),
                   num(p.lag()), p.paused ? "paused" : ""});
        any_partition = true;
      }
      auto [last, avg] = rates(c.name);
      auto lag = total_lag(c);
      auto cells = who;
      cells.insert(
          cells.end(),
          {state, c.name,
           c.joined ? partition_ranges(numbers) : std::string{"(joining)"},
           with_thousands(c.handled), "-", with_thousands(c.failed),
           with_thousands(c.dead_lettered), last, avg,
           lag ? with_thousands(static_cast<uint64_t>(*lag)) : "-",
           std::to_string(c.restarts)});
      main.add(std::move(cells));
    }
    for (auto& p : m.snapshot.producers) {
      auto [last, avg] = rates(p.name);
      auto cells = who;
      cells.insert(cells.end(),
                   {state, p.name, "-", "-", with_thousands(p.acknowledged),
                    with_thousands(p.failed), "-", last, avg, "-", "-"});
      main.add(std::move(cells));
    }
    if (m.snapshot.consumers.empty() && m.snapshot.producers.empty()) {
      auto cells = who;
      cells.insert(cells.end(),
                   {state, "-", "-", "-", "-", "-", "-", "-", "-", "-", "-"});
      main.add(std::move(cells));
    }
  }
  auto out = main.render(options.width);
  if (windows) {
    char buf[160];
    std::snprintf(buf, sizeof(buf),
                  "RATE/s: last %.3g s; AVG/s: mean of the last %u "
                  "intervals\n",
                  static_cast<double>(windows->first) / 1000.0,
                  windows->second);
    std::string note = buf;
    if (options.width > 0 && note.size() > options.width + 1)
      note = note.substr(0, options.width) + "\n";
    out += note;
  }
  if (options.partitions && any_partition)
    out += "\n" + parts.render(options.width);
  return out;
}

} // namespace fastkafka::workers
