#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "consumer_engine.hpp"
#include "executor.hpp"

namespace fastkafka::engine {

namespace {

/// Up to `max_in_flight` handler calls at once on a pool of threads.
///
/// Tickets are opened on the consumer thread in offset order, so that the
/// tracker commits only up to the first unfinished message. A failed call
/// goes back to the consumer thread, which decides like for any executor:
/// dead-letter it, or hold it and pause its partition for the backoff, then
/// hand it to a worker again (nothing sleeps on a worker).
class concurrent_executor final : public executor_base {
public:
  explicit concurrent_executor(consumer_engine& e)
      : executor_base(e)
      , limit_(std::max<size_t>(1, e.spec().max_in_flight)) {
    // nop
  }

  ~concurrent_executor() override { stop(); }

  void handle(std::vector<kafka::record>& records) override {
    if (workers_.empty())
      for (size_t i = 0; i < limit_; ++i)
        workers_.emplace_back([this](std::stop_token st) { work(st); });
    for (auto& r : records) {
      if (engine_.paused(r.partition))
        continue;
      task t{r, engine_.tracker().open(r.partition, r.offset), {}, false};
      r.handle = nullptr; // the task owns the record now
      dispatch(std::move(t));
    }
  }

  void collect() override {
    std::deque<task> failed;
    std::vector<std::pair<int32_t, int64_t>> done;
    {
      std::lock_guard guard{mtx_};
      failed.swap(failed_);
      done.swap(retried_done_);
    }
    for (auto [p, offset] : done)
      engine_.succeeded(p, offset);
    for (auto& t : failed) {
      const kafka::record* one[] = {&t.rec};
      if (engine_.handler_failed(one, t.rec.offset, t.ticket, t.failure, -1,
                                 &engine_.batch())) {
        commit_tracker::close(t.ticket);
        engine_.release(t.rec);
        continue;
      }
      // Held until the partition's backoff ends.
      t.retried = true;
      held_[t.rec.partition].push_back(std::move(t));
    }
  }

  void retry_due(int32_t partition) override {
    auto i = held_.find(partition);
    if (i != held_.end()) {
      auto tasks = std::move(i->second);
      held_.erase(i);
      for (auto& t : tasks)
        dispatch(std::move(t));
    }
    engine_.resume_partition(partition);
  }

  void drop_held(std::span<const int32_t> partitions) override {
    auto drop = [&](std::vector<task>& tasks) {
      for (auto& t : tasks) {
        t.ticket->discarded = true;
        commit_tracker::close(t.ticket);
        engine_.release(t.rec);
      }
      tasks.clear();
    };
    if (partitions.empty()) {
      for (auto& [p, tasks] : held_)
        drop(tasks);
      held_.clear();
      return;
    }
    for (auto p : partitions)
      if (auto i = held_.find(p); i != held_.end()) {
        drop(i->second);
        held_.erase(i);
      }
  }

  void stop() override {
    {
      std::unique_lock guard{mtx_};
      idle_.wait(guard, [this] { return in_flight_ == 0; });
    }
    for (auto& w : workers_)
      w.request_stop();
    work_.notify_all();
    workers_.clear(); // joins
    // Failures that came back after the last collect are not retried: the
    // messages are consumed again after the restart.
    std::lock_guard guard{mtx_};
    for (auto& t : failed_) {
      t.ticket->discarded = true;
      commit_tracker::close(t.ticket);
      engine_.release(t.rec);
    }
    failed_.clear();
  }

private:
  struct task {
    kafka::record rec;
    kafka::ticket* ticket;
    std::string failure;
    /// Whether it failed before (its attempts are counted).
    bool retried;
  };

  void dispatch(task t) {
    std::unique_lock guard{mtx_};
    // Back-pressure: wait for a free worker.
    idle_.wait(guard, [this] { return in_flight_ < limit_; });
    ++in_flight_;
    queue_.push_back(std::move(t));
    work_.notify_one();
  }

  void work(std::stop_token stop) {
    kafka::delivery_batch batch;
    for (;;) {
      task t;
      {
        std::unique_lock guard{mtx_};
        if (!work_.wait(guard, stop, [this] { return !queue_.empty(); }))
          return;
        t = std::move(queue_.front());
        queue_.pop_front();
      }
      bool ok = run(t, batch);
      batch.serve();
      {
        std::lock_guard guard{mtx_};
        --in_flight_;
        if (!ok)
          failed_.push_back(std::move(t));
        else if (t.retried)
          retried_done_.emplace_back(t.rec.partition, t.rec.offset);
      }
      idle_.notify_all();
      if (!ok)
        engine_.nudge();
    }
  }

  // Runs one call; false when the handler threw (the consumer thread
  // decides what happens next).
  bool run(task& t, kafka::delivery_batch& batch) {
    auto meta = engine_.meta_of(t.rec);
    auto started = engine_.timed() ? std::chrono::steady_clock::now()
                                   : std::chrono::steady_clock::time_point{};
    {
      auto trace = t.rec.header(kafka::traceparent_header);
      kafka::delivery_scope scope{t.ticket, &batch,
                                  trace.value_or(std::string_view{})};
      try {
        decode_error derr;
        if (!engine_.spec().invoke(t.rec.value, meta, derr))
          engine_.undecodable(t.rec, t.ticket, derr, &batch);
        else
          engine_.handled(t.rec, 1, started);
      } catch (const std::exception& e) {
        t.failure = e.what();
        return false;
      } catch (...) {
        t.failure = "the handler threw a non-standard exception";
        return false;
      }
    }
    commit_tracker::close(t.ticket);
    engine_.release(t.rec);
    return true;
  }

  size_t limit_;
  std::mutex mtx_;
  std::condition_variable_any work_;
  std::condition_variable_any idle_;
  std::deque<task> queue_;
  std::deque<task> failed_;
  std::vector<std::pair<int32_t, int64_t>> retried_done_;
  size_t in_flight_ = 0;
  std::map<int32_t, std::vector<task>> held_;
  std::vector<std::jthread> workers_;
};

} // namespace

std::unique_ptr<executor_base> make_concurrent_executor(consumer_engine& e) {
  return std::make_unique<concurrent_executor>(e);
}

} // namespace fastkafka::engine
