#include "fastkafka/detail/ledger.hpp"

#include <algorithm>

namespace fastkafka::detail {

ticket*& current_ticket() noexcept {
  thread_local ticket* current = nullptr;
  return current;
}

ledger::partition_state& ledger::state(int32_t partition) {
  if (static_cast<size_t>(partition) >= partitions_.size())
    partitions_.resize(static_cast<size_t>(partition) + 1);
  return partitions_[static_cast<size_t>(partition)];
}

ticket* ledger::open(int32_t partition, int64_t offset) {
  ticket* t;
  if (free_.empty()) {
    storage_.push_back(std::make_unique<ticket>());
    t = storage_.back().get();
  } else {
    t = free_.back();
    free_.pop_back();
  }
  t->pending.store(1, std::memory_order_relaxed);
  t->failed.store(false, std::memory_order_relaxed);
  t->partition = partition;
  t->offset = offset;
  t->discarded = false;
  state(partition).queue.push_back(t);
  ++open_;
  return t;
}

void ledger::release(ticket* t) {
  --open_;
  free_.push_back(t);
}

void ledger::discard_from(const ticket* t) {
  auto& q = state(t->partition).queue;
  auto i = std::find(q.begin(), q.end(), t);
  for (; i != q.end(); ++i)
    (*i)->discarded = true;
}

void ledger::discard_from(int32_t partition, int64_t offset) {
  for (auto* t : state(partition).queue)
    if (t->offset >= offset)
      t->discarded = true;
}

std::vector<ledger::rewind> ledger::collect() {
  std::vector<rewind> rewinds;
  for (size_t p = 0; p < partitions_.size(); ++p) {
    auto& st = partitions_[p];
    while (!st.queue.empty()) {
      auto* t = st.queue.front();
      if (t->pending.load(std::memory_order_acquire) != 0)
        break;
      st.queue.pop_front();
      if (!t->discarded) {
        if (t->failed.load(std::memory_order_relaxed)) {
          // Something this message caused was not delivered: the message
          // is consumed again, and so is everything after it.
          rewinds.push_back({t->partition, t->offset});
          for (auto* later : st.queue)
            later->discarded = true;
        } else {
          st.next_commit = t->offset + 1;
        }
      }
      release(t);
    }
  }
  reap_graveyard();
  return rewinds;
}

void ledger::reap_graveyard() {
  auto done = [](ticket* t) {
    return t->pending.load(std::memory_order_acquire) == 0;
  };
  for (auto* t : graveyard_)
    if (done(t))
      release(t);
  std::erase_if(graveyard_, done);
}

int64_t ledger::committable(int32_t partition) const {
  if (static_cast<size_t>(partition) >= partitions_.size())
    return -1;
  auto& st = partitions_[static_cast<size_t>(partition)];
  return st.next_commit > st.committed ? st.next_commit : -1;
}

std::vector<std::pair<int32_t, int64_t>> ledger::uncommitted() const {
  std::vector<std::pair<int32_t, int64_t>> out;
  for (size_t p = 0; p < partitions_.size(); ++p) {
    auto& st = partitions_[p];
    if (st.next_commit > st.committed)
      out.emplace_back(static_cast<int32_t>(p), st.next_commit);
  }
  return out;
}

void ledger::mark_committed(int32_t partition, int64_t offset) {
  auto& st = state(partition);
  st.committed = std::max(st.committed, offset);
}

void ledger::uncommit(int32_t partition) {
  state(partition).committed = -1;
}

bool ledger::busy(int32_t partition) const {
  if (partition >= 0) {
    if (static_cast<size_t>(partition) >= partitions_.size())
      return false;
    return !partitions_[static_cast<size_t>(partition)].queue.empty();
  }
  return std::any_of(partitions_.begin(), partitions_.end(),
                     [](auto& st) { return !st.queue.empty(); });
}

void ledger::forget(int32_t partition) {
  if (static_cast<size_t>(partition) >= partitions_.size())
    return;
  auto& st = partitions_[static_cast<size_t>(partition)];
  for (auto* t : st.queue)
    graveyard_.push_back(t);
  st = partition_state{};
  reap_graveyard();
}

} // namespace fastkafka::detail
