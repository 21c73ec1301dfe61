// Kafka clients without a broker, for the engine and supervision tests:
// a consumer that hands out scripted records and answers commits as told,
// and a producer that records what it was given.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "fastkafka/kafka/consumer_port.hpp"
#include "fastkafka/kafka/delivery.hpp"
#include "fastkafka/kafka/producer_port.hpp"
#include "fastkafka/kafka/transaction_port.hpp"

namespace fastkafka::test {

/// One message of a fake partition.
struct fake_message {
  std::optional<std::string> key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t timestamp_ms = 1;
};

/// A consumer over in-memory partitions, assigned on the first poll.
///
/// `poll` hands out records from each partition's fetch position in
/// partition order (up to `max`), skipping paused partitions; `seek` moves
/// a position; commits are answered during `serve` with `commit_error`
/// (0: confirmed). Everything it was asked is recorded.
class fake_consumer final : public kafka::consumer_port {
public:
  explicit fake_consumer(std::string topic, int partitions = 2)
      : topic_(std::move(topic)) {
    for (int p = 0; p < partitions; ++p)
      logs[p];
  }

  // -- the script -----------------------------------------------------------

  std::map<int32_t, std::vector<fake_message>> logs;
  /// Answer to every commit; 0 confirms.
  int commit_error = 0;
  /// Whether commits are answered at all (false: the coordinator is gone).
  bool answer_commits = true;
  /// Thrown from the next poll when set.
  std::optional<std::string> throw_on_poll;
  kafka::consumer_listener* listener = nullptr;

  // -- what happened --------------------------------------------------------

  std::vector<int32_t> paused_calls;
  std::vector<int32_t> resumed_calls;
  std::vector<kafka::partition_offset> seeks;
  std::vector<std::vector<kafka::partition_offset>> commits;
  std::map<int32_t, int64_t> committed;
  std::set<int32_t> paused;
  bool closed = false;
  int released = 0;
  int handed_out = 0;
  /// Where `close` says so, when set.
  std::vector<std::string>* journal = nullptr;

  void append(int32_t partition, std::string value,
              std::optional<std::string> key = std::nullopt,
              std::vector<std::pair<std::string, std::string>> headers = {}) {
    logs[partition].push_back(
        {std::move(key), std::move(value), std::move(headers)});
  }

  // -- consumer_port --------------------------------------------------------

  const std::string& topic() const noexcept override { return topic_; }

  void poll(std::vector<kafka::record>& out, size_t max,
            std::chrono::milliseconds) override {
    out.clear();
    if (throw_on_poll) {
      auto what = *throw_on_poll;
      throw_on_poll.reset();
      throw std::runtime_error(what);
    }
    if (!assigned_) {
      assigned_ = true;
      std::vector<int32_t> parts;
      for (auto& [p, log] : logs)
        parts.push_back(p);
      listener->on_assigned(parts);
    }
    for (auto& [p, log] : logs) {
      if (paused.contains(p))
        continue;
      auto& pos = position_[p];
      while (out.size() < max && pos < static_cast<int64_t>(log.size())) {
        auto& m = log[static_cast<size_t>(pos)];
        kafka::record r;
        r.partition = p;
        r.offset = pos++;
        if (m.key)
          r.key = std::string_view{*m.key};
        r.value = m.value;
        r.timestamp_ms = m.timestamp_ms;
        r.handle = const_cast<fake_message*>(&m);
        r.read_headers = [](const void* h) {
          std::vector<header_view> hs;
          for (auto& [n, v] : static_cast<const fake_message*>(h)->headers)
            hs.emplace_back(n, v);
          return hs;
        };
        out.push_back(r);
        ++handed_out;
      }
    }
  }

  void release(kafka::record& r) noexcept override {
    if (r.handle != nullptr) {
      std::lock_guard guard{mtx_};
      ++released;
    }
    r.handle = nullptr;
  }

  void pause(int32_t partition) override {
    paused_calls.push_back(partition);
    paused.insert(partition);
  }

  void resume(int32_t partition) override {
    resumed_calls.push_back(partition);
    paused.erase(partition);
  }

  void seek(int32_t partition, int64_t offset) override {
    seeks.push_back({partition, offset});
    position_[partition] = offset;
  }

  int64_t offset_for_time(int32_t partition, int64_t timestamp_ms,
                          std::chrono::milliseconds) override {
    auto& log = logs[partition];
    for (size_t i = 0; i < log.size(); ++i)
      if (log[i].timestamp_ms >= timestamp_ms)
        return static_cast<int64_t>(i);
    return static_cast<int64_t>(log.size());
  }

  void commit(std::span<const kafka::partition_offset> offsets) override {
    commits.emplace_back(offsets.begin(), offsets.end());
    pending_.emplace_back(offsets.begin(), offsets.end());
  }

  void serve(std::chrono::milliseconds) override {
    if (!answer_commits)
      return;
    while (!pending_.empty()) {
      auto offsets = std::move(pending_.front());
      pending_.pop_front();
      for (auto& po : offsets) {
        po.error = commit_error;
        if (commit_error == 0)
          committed[po.partition] = po.offset;
      }
      listener->on_committed(offsets, 0, "");
    }
  }

  int64_t high_watermark(int32_t partition) noexcept override {
    return static_cast<int64_t>(logs[partition].size());
  }

  bool close(std::chrono::milliseconds) override {
    if (assigned_) {
      std::vector<int32_t> parts;
      for (auto& [p, log] : logs)
        parts.push_back(p);
      listener->on_revoked(parts);
    }
    closed = true;
    if (journal)
      journal->push_back("close " + topic_);
    return answer_commits;
  }

  void wake() noexcept override {}
  bool connected() const noexcept override { return true; }

  int64_t position(int32_t partition) { return position_[partition]; }

private:
  std::string topic_;
  bool assigned_ = false;
  std::map<int32_t, int64_t> position_;
  std::deque<std::vector<kafka::partition_offset>> pending_;
  std::mutex mtx_;
};

/// One message a fake producer was given.
struct sent_message {
  std::string topic;
  std::optional<std::string> key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// A producer that acknowledges everything at once and records it; a
/// fatal error can be scripted to test replacement.
class fake_producer final : public kafka::producer_port {
public:
  std::vector<sent_message> sent_messages;
  std::string fatal;
  /// Where `flush` says so, when set.
  std::vector<std::string>* journal = nullptr;
  std::string name;

  bool send(const fastkafka::detail::outbound_message& msg,
            std::string&) override {
    sent_message m;
    m.topic = std::string{msg.topic};
    if (msg.key)
      m.key = std::string{*msg.key};
    m.value = std::string{msg.value};
    for (auto& [n, v] : msg.headers)
      m.headers.emplace_back(std::string{n}, std::string{v});
    {
      std::lock_guard guard{mtx_};
      sent_messages.push_back(std::move(m));
    }
    // The delivery report comes at once: the ticket's share is settled
    // before send returns, as if the broker answered instantly.
    ++sent_;
    ++delivered_;
    return true;
  }

  void poll(int) noexcept override {}
  int flush(int) noexcept override {
    if (journal)
      journal->push_back("flush " + name);
    return 0;
  }
  std::string fatal_error() const override { return fatal; }
  bool connected() const noexcept override { return true; }
  uint64_t sent() const noexcept override { return sent_; }
  uint64_t delivered() const noexcept override { return delivered_; }
  uint64_t failed() const noexcept override { return 0; }

private:
  std::mutex mtx_;
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> delivered_{0};
};

/// A transactional producer whose calls are journaled and answered as
/// scripted: what a transaction sent moves to `committed` or `aborted`
/// when it ends.
class fake_transactions final : public kafka::transaction_port {
public:
  /// Calls in order: `init`, `begin`, `offsets [p]=o ...`, `commit`,
  /// `abort`.
  std::vector<std::string> journal;
  /// Answers of the next calls of each kind (ok when empty).
  std::deque<kafka::txn_result> begin_results;
  std::deque<kafka::txn_result> offsets_results;
  std::deque<kafka::txn_result> commit_results;
  /// Values sent in transactions that committed, and that aborted.
  std::vector<std::string> committed;
  std::vector<std::string> aborted;
  /// Offsets committed through transactions, per partition.
  std::map<int32_t, int64_t> committed_offsets;

  kafka::producer_port& sink() noexcept override { return sink_; }

  kafka::txn_result init(std::chrono::milliseconds) override {
    journal.push_back("init");
    return {};
  }
  kafka::txn_result begin() override {
    journal.push_back("begin");
    return next(begin_results);
  }
  kafka::txn_result
  send_offsets(std::span<const kafka::partition_offset> offsets,
               const std::string&, const kafka::consumer_port&,
               std::chrono::milliseconds) override {
    std::string line = "offsets";
    for (auto& po : offsets)
      line += " [" + std::to_string(po.partition) +
              "]=" + std::to_string(po.offset);
    journal.push_back(line);
    auto r = next(offsets_results);
    if (r.ok())
      pending_offsets_.assign(offsets.begin(), offsets.end());
    return r;
  }
  kafka::txn_result commit(std::chrono::milliseconds) override {
    journal.push_back("commit");
    auto r = next(commit_results);
    if (r.ok()) {
      for (auto& m : sink_.sent_messages)
        committed.push_back(m.value);
      for (auto& po : pending_offsets_)
        committed_offsets[po.partition] = po.offset;
      sink_.sent_messages.clear();
      pending_offsets_.clear();
    }
    return r;
  }
  kafka::txn_result abort(std::chrono::milliseconds) override {
    journal.push_back("abort");
    for (auto& m : sink_.sent_messages)
      aborted.push_back(m.value);
    sink_.sent_messages.clear();
    pending_offsets_.clear();
    return {};
  }

private:
  static kafka::txn_result next(std::deque<kafka::txn_result>& q) {
    if (q.empty())
      return {};
    auto r = q.front();
    q.pop_front();
    return r;
  }
  fake_producer sink_;
  std::vector<kafka::partition_offset> pending_offsets_;
};

} // namespace fastkafka::test
