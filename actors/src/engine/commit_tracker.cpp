#include "commit_tracker.hpp"

#include <algorithm>

namespace fastkafka::engine {

commit_tracker::partition_state& commit_tracker::state(int32_t partition) {
  if (static_cast<size_t>(partition) >= partitions_.size())
    partitions_.resize(static_cast<size_t>(partition) + 1);
  auto& st = partitions_[static_cast<size_t>(partition)];
  st.assigned = true;
  return st;
}

const commit_tracker::partition_state*
commit_tracker::find(int32_t partition) const {
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size())
    return nullptr;
  return &partitions_[static_cast<size_t>(partition)];
}

ticket* commit_tracker::open(int32_t partition, int64_t offset) {
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

void commit_tracker::release(ticket* t) {
  --open_;
  free_.push_back(t);
}

void commit_tracker::discard_from(int32_t partition, int64_t offset) {
  for (auto* t : state(partition).queue)
    if (t->offset >= offset)
      t->discarded = true;
}

void commit_tracker::seek(int32_t partition, int64_t offset) {
  auto& st = state(partition);
  for (auto* t : st.queue)
    t->discarded = true;
  st.position = offset;
  // Backwards too: a restart must see the messages again.
  st.confirmed = -1;
}

void commit_tracker::rewind_to(int32_t partition, int64_t offset) {
  discard_from(partition, offset);
  auto& st = state(partition);
  if (st.position > offset)
    st.position = offset;
}

void commit_tracker::abandon_pending() noexcept {
  auto drop = [](ticket* t) {
    t->discarded = true;
    t->pending.store(0, std::memory_order_release);
  };
  for (auto& st : partitions_)
    for (auto* t : st.queue)
      drop(t);
  for (auto* t : graveyard_)
    drop(t);
}

std::vector<commit_tracker::rewind> commit_tracker::collect() {
  std::vector<rewind> rewinds;
  for (auto& st : partitions_) {
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
          st.position = t->offset + 1;
        }
      }
      release(t);
    }
  }
  reap_graveyard();
  return rewinds;
}

void commit_tracker::reap_graveyard() {
  auto done = [](ticket* t) {
    return t->pending.load(std::memory_order_acquire) == 0;
  };
  for (auto* t : graveyard_)
    if (done(t))
      release(t);
  std::erase_if(graveyard_, done);
}

std::vector<partition_offset> commit_tracker::to_commit() const {
  std::vector<partition_offset> out;
  if (requests_ > 0)
    return out;
  for (size_t p = 0; p < partitions_.size(); ++p) {
    auto& st = partitions_[p];
    if (st.assigned && st.position > st.confirmed && st.position > st.sending)
      out.push_back({static_cast<int32_t>(p), st.position});
  }
  return out;
}

std::vector<partition_offset>
commit_tracker::to_commit(std::span<const int32_t> partitions) const {
  std::vector<partition_offset> out;
  for (auto p : partitions)
    if (auto* st = find(p); st && st->position > st->confirmed)
      out.push_back({p, st->position});
  return out;
}

void commit_tracker::sent(std::span<const partition_offset> offsets) {
  if (offsets.empty())
    return;
  ++requests_;
  for (auto& po : offsets) {
    auto& st = state(po.partition);
    st.sending = std::max(st.sending, po.offset);
  }
}

std::vector<partition_offset>
commit_tracker::answered(std::span<const partition_offset> offsets, int error) {
  std::vector<partition_offset> failed;
  if (requests_ > 0)
    --requests_;
  for (auto& po : offsets) {
    auto* st = po.partition >= 0 &&
                       static_cast<size_t>(po.partition) < partitions_.size()
                   ? &partitions_[static_cast<size_t>(po.partition)]
                   : nullptr;
    if (st == nullptr)
      continue;
    if (st->sending <= po.offset)
      st->sending = -1;
    if (error == 0 && po.error == 0)
      st->confirmed = std::max(st->confirmed, po.offset);
    else
      failed.push_back({po.partition, po.offset, po.error ? po.error : error});
  }
  return failed;
}

bool commit_tracker::unconfirmed(std::span<const int32_t> partitions) const {
  if (partitions.empty()) {
    for (auto& st : partitions_)
      if (st.assigned && st.position > st.confirmed)
        return true;
    return false;
  }
  for (auto p : partitions)
    if (auto* st = find(p); st && st->position > st->confirmed)
      return true;
  return false;
}

bool commit_tracker::busy(int32_t partition) const {
  if (partition >= 0) {
    auto* st = find(partition);
    return st != nullptr && !st->queue.empty();
  }
  return std::any_of(partitions_.begin(), partitions_.end(),
                     [](auto& st) { return !st.queue.empty(); });
}

void commit_tracker::forget(int32_t partition) {
  if (partition < 0 || static_cast<size_t>(partition) >= partitions_.size())
    return;
  auto& st = partitions_[static_cast<size_t>(partition)];
  for (auto* t : st.queue)
    graveyard_.push_back(t);
  st = partition_state{};
  reap_graveyard();
}

std::vector<partition_offset> commit_tracker::confirmed() const {
  std::vector<partition_offset> out;
  for (size_t p = 0; p < partitions_.size(); ++p)
    if (partitions_[p].confirmed >= 0)
      out.push_back({static_cast<int32_t>(p), partitions_[p].confirmed});
  return out;
}

std::vector<partition_offset> commit_tracker::unconfirmed_positions() const {
  std::vector<partition_offset> out;
  for (size_t p = 0; p < partitions_.size(); ++p) {
    auto& st = partitions_[p];
    if (st.assigned && st.position > st.confirmed)
      out.push_back({static_cast<int32_t>(p), st.position});
  }
  return out;
}

std::vector<partition_offset> commit_tracker::first_unfinished() const {
  std::vector<partition_offset> out;
  for (size_t p = 0; p < partitions_.size(); ++p)
    if (auto& q = partitions_[p].queue; !q.empty())
      out.push_back({static_cast<int32_t>(p), q.front()->offset});
  return out;
}

} // namespace fastkafka::engine
