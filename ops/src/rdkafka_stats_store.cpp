#include "fastkafka/ops/rdkafka_stats_store.hpp"

namespace fastkafka::ops {

void rdkafka_stats_store::update(std::string_view registration,
                                 std::string_view json) noexcept {
  std::string err;
  // Parsed outside the lock: a scrape must not wait for a large document.
  auto stats = parse_rdkafka_stats(json, err);
  if (!stats) {
    parse_errors_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  try {
    stats->registration = std::string{registration};
    std::lock_guard<std::mutex> guard{mtx_};
    clients_.insert_or_assign(std::string{registration}, std::move(*stats));
  } catch (...) {
    parse_errors_.fetch_add(1, std::memory_order_relaxed);
  }
}

void rdkafka_stats_store::remove(std::string_view registration) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto i = clients_.find(registration); i != clients_.end())
    clients_.erase(i);
}

std::vector<rdkafka_stats> rdkafka_stats_store::all() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<rdkafka_stats> out;
  out.reserve(clients_.size());
  for (auto& [name, stats] : clients_)
    out.push_back(stats);
  return out;
}

} // namespace fastkafka::ops
