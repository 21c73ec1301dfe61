#include "fastkafka/workers/rates.hpp"

#include <algorithm>
#include <numeric>

namespace fastkafka::workers {

rate_tracker::rate_tracker(uint32_t window)
    : window_(std::max(window, 1u)) {}

void rate_tracker::add(const runtime_snapshot& snapshot,
                       std::chrono::steady_clock::time_point now) {
  for (auto& c : snapshot.consumers)
    add(c.name, c.handled, now);
  for (auto& p : snapshot.producers)
    add(p.name, p.acknowledged, now);
}

void rate_tracker::add(const std::string& name, uint64_t count,
                       std::chrono::steady_clock::time_point now) {
  auto [i, fresh] = series_.try_emplace(name);
  auto& s = i->second;
  if (!fresh && count >= s.last_count && now > s.last_at) {
    auto seconds = std::chrono::duration<double>(now - s.last_at).count();
    s.per_interval.push_back(static_cast<double>(count - s.last_count) /
                             seconds);
    while (s.per_interval.size() > window_)
      s.per_interval.pop_front();
  }
  s.last_count = count;
  s.last_at = now;
}

std::vector<registration_rate> rate_tracker::rates() const {
  std::vector<registration_rate> out;
  for (auto& [name, s] : series_) {
    if (s.per_interval.empty())
      continue;
    auto sum =
        std::accumulate(s.per_interval.begin(), s.per_interval.end(), 0.0);
    out.push_back({name, s.per_interval.back(),
                   sum / static_cast<double>(s.per_interval.size())});
  }
  return out;
}

} // namespace fastkafka::workers
