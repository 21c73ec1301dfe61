#include <algorithm>

#include "consumer_engine.hpp"
#include "executor.hpp"

namespace fastkafka::engine {

namespace {

/// One call per partition with its records of the poll, in offset order;
/// the partitions in the order their first record came. The records of a
/// call share one fate: one ticket at the last offset, retried or
/// dead-lettered together.
class batch_executor final : public executor_base {
public:
  using executor_base::executor_base;

  void handle(std::vector<kafka::record>& records) override {
    groups_.clear();
    for (size_t i = 0; i < records.size(); ++i) {
      auto p = records[i].partition;
      auto g = std::find_if(groups_.begin(), groups_.end(), [&](auto& group) {
        return records[group.front()].partition == p;
      });
      if (g == groups_.end())
        groups_.push_back({i});
      else
        g->push_back(i);
    }
    for (auto& group : groups_)
      if (!engine_.paused(records[group.front()].partition))
        run(records, group);
  }

private:
  void run(std::vector<kafka::record>& records,
           const std::vector<size_t>& group) {
    auto& last = records[group.back()];
    payloads_.clear();
    metas_.clear();
    members_.clear();
    // Nothing of the group is committed before the call returned and its
    // output was acknowledged.
    auto* t = engine_.tracker().open(last.partition, last.offset);
    for (auto i : group) {
      // Exactly-once: given up on in an aborted transaction.
      if (engine_.dead_letter_due(records[i], t))
        continue;
      payloads_.push_back(records[i].value);
      metas_.push_back(engine_.meta_of(records[i]));
      members_.push_back(&records[i]);
    }
    if (members_.empty()) {
      commit_tracker::close(t);
      return;
    }
    failures_.clear();
    std::string failure;
    bool threw = false;
    auto started = engine_.timed() ? std::chrono::steady_clock::now()
                                   : std::chrono::steady_clock::time_point{};
    {
      kafka::delivery_scope scope{t, &engine_.batch()};
      try {
        engine_.spec().invoke_batch(payloads_, metas_, failures_);
      } catch (const std::exception& e) {
        threw = true;
        failure = e.what();
      } catch (...) {
        threw = true;
        failure = "the handler threw a non-standard exception";
      }
      if (!threw) {
        for (auto& [i, err] : failures_)
          engine_.undecodable(*members_[i], t, err, &engine_.batch());
        engine_.handled(last, group.size() - failures_.size(), started, true);
        engine_.succeeded(last.partition, -1);
      }
    }
    if (threw)
      engine_.handler_failed(members_, -1, t, failure, members_.front()->offset,
                             &engine_.batch());
    commit_tracker::close(t);
  }

  std::vector<std::vector<size_t>> groups_;
  std::vector<std::string_view> payloads_;
  std::vector<message_meta> metas_;
  std::vector<const kafka::record*> members_;
  std::vector<std::pair<size_t, decode_error>> failures_;
};

} // namespace

std::unique_ptr<executor_base> make_batch_executor(consumer_engine& e) {
  return std::make_unique<batch_executor>(e);
}

} // namespace fastkafka::engine
