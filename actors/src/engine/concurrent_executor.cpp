#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <sys/resource.h>

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
///
/// The hand-off is built to cost little per call: a poll's records go to
/// the queue under one lock; a worker that finishes a call takes the next
/// one in the same critical section and sleeps only when the queue is
/// empty; a sleeping worker is woken only when no awake worker will take
/// the work. Beyond one awake worker per core, more are woken only while
/// handlers wait rather than compute (a quarter of the calls take 1 ms or
/// more, their thread blocked and not preempted): then a worker that
/// leaves work behind wakes the next one, so that every worker gets a
/// call. The consumer thread, when `max_in_flight` calls are out, waits
/// until half of them finished rather than waking for each; delivery
/// reports are served when a worker runs out of work or every
/// `serve_every` calls, not after every call.
class concurrent_executor final : public executor_base {
public:
  explicit concurrent_executor(consumer_engine& e)
      : executor_base(e)
      , limit_(std::max<size_t>(1, e.spec().max_in_flight))
      , low_water_(limit_ / 2) {
    // nop
  }

  ~concurrent_executor() override { stop(); }

  void handle(std::vector<kafka::record>& records) override {
    start_workers();
    outgoing_.clear();
    for (auto& r : records) {
      if (engine_.paused(r.partition))
        continue;
      outgoing_.push_back(
          task{r, engine_.tracker().open(r.partition, r.offset), {}, false});
      r.handle = nullptr; // the task owns the record now
    }
    submit(outgoing_);
  }

  void collect() override {
    std::deque<task> failed;
    std::vector<std::pair<int32_t, int64_t>> done;
    {
      std::lock_guard guard{mtx_};
      if (failed_.empty() && retried_done_.empty())
        return;
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
      start_workers();
      submit(tasks);
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
      wait_in_flight(guard, 0);
      stopping_ = true;
    }
    work_.notify_all();
    for (auto& w : workers_)
      w.join();
    workers_.clear();
    // Failures that came back after the last collect are not retried: the
    // messages are consumed again after the restart.
    std::lock_guard guard{mtx_};
    stopping_ = false;
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

  /// Calls between two servings of a busy worker's delivery reports.
  static constexpr int serve_every = 64;
  /// A call this long means the handler waits rather than computes.
  static constexpr std::chrono::milliseconds slow_call{1};
  /// How long slow calls keep every worker available; then one worker per
  /// core decides again.
  static constexpr std::chrono::seconds slow_memory{5};
  /// Calls per window of `count_call`, and the fewest that decide.
  static constexpr size_t window = 256;
  static constexpr size_t min_window = 8;
  /// A waiting call this long decides alone (lock waits behind a preempted
  /// thread take a few ms).
  static constexpr std::chrono::milliseconds very_slow_call{50};

  void start_workers() {
    if (workers_.empty())
      for (size_t i = 0; i < limit_; ++i)
        workers_.emplace_back([this] { work(); });
  }

  // Under the lock: whether queued work needs a sleeping worker. Awake
  // workers between calls take it anyway; beyond one awake worker per core,
  // more only help handlers that wait (I/O, sleeps), which shows as a call
  // that took `slow_call` or longer within the last `slow_memory`.
  bool should_wake() const noexcept {
    if (spare_ > 0 || sleeping_ == 0)
      return false;
    if (limit_ - sleeping_ < cores_)
      return true;
    return wide();
  }

  // Under the lock: whether every worker may be woken now.
  bool wide() const noexcept {
    return wide_until_ != std::chrono::steady_clock::time_point{} &&
           std::chrono::steady_clock::now() < wide_until_;
  }

  // Under the lock: counts a finished call. When a quarter or more of the
  // calls of a window (at least `min_window` of them) were slow, or one
  // waited `very_slow_call`, every
  // worker may be woken for the next `slow_memory`. Lock waits behind a
  // preempted thread make a few calls of a computing handler slow, too;
  // a handler that waits makes nearly all of them slow.
  void count_call(bool slow, bool very_slow,
                  std::chrono::steady_clock::time_point now) {
    // While wide, many workers contend and their lock waits look slow: only
    // calls made with one worker per core decide.
    if (now < wide_until_)
      return;
    ++window_calls_;
    if (slow)
      ++window_slow_;
    if (very_slow ||
        (window_calls_ >= min_window && window_slow_ * 4 >= window_calls_))
      wide_until_ = now + slow_memory;
    if (window_calls_ >= window) {
      window_calls_ = 0;
      window_slow_ = 0;
    }
  }

  // Consumer thread: waits until at most `level` calls are in flight.
  void wait_in_flight(std::unique_lock<std::mutex>& guard, size_t level) {
    if (in_flight_ <= level)
      return;
    wake_level_ = level;
    waiting_ = true;
    room_.wait(guard, [&] { return in_flight_ <= level; });
    waiting_ = false;
  }

  // Consumer thread: queues `tasks` (emptied), waiting for room as needed.
  void submit(std::vector<task>& tasks) {
    size_t next = 0;
    while (next < tasks.size()) {
      bool wake = false;
      {
        std::unique_lock guard{mtx_};
        // Back-pressure: at the limit, wait until half of it is free.
        if (in_flight_ >= limit_)
          wait_in_flight(guard, low_water_);
        auto n = std::min(limit_ - in_flight_, tasks.size() - next);
        for (size_t i = 0; i < n; ++i)
          queue_.push_back(std::move(tasks[next + i]));
        next += n;
        in_flight_ += n;
        // Awake workers between calls take the work without a wake-up.
        wake = should_wake();
        if (wake)
          ++wake_tokens_;
      }
      if (wake)
        work_.notify_one();
    }
    tasks.clear();
  }

  void work() {
    kafka::delivery_batch batch;
    int since_serve = 0;
    auto waits = switches::now();
    std::unique_lock guard{mtx_};
    ++spare_;
    for (;;) {
      // Beyond one awake worker per core, computing handlers only contend:
      // the surplus sleeps until it is woken for work.
      bool surplus = !stopping_ && limit_ - sleeping_ > cores_ && !wide();
      if (queue_.empty() || surplus) {
        if (since_serve > 0) {
          // Out of work: serve this worker's delivery reports first.
          guard.unlock();
          batch.serve();
          since_serve = 0;
          guard.lock();
          continue;
        }
        if (stopping_)
          break;
        --spare_;
        ++sleeping_;
        work_.wait(guard, [this] { return stopping_ || wake_tokens_ > 0; });
        if (wake_tokens_ > 0)
          --wake_tokens_;
        --sleeping_;
        ++spare_;
        // Sleeping here was a voluntary switch, too: count from now.
        waits = switches::now();
        continue;
      }
      task t = std::move(queue_.front());
      queue_.pop_front();
      --spare_;
      // Work left behind and nobody awake to take it: wake the next one.
      bool wake_next = !queue_.empty() && should_wake();
      if (wake_next)
        ++wake_tokens_;
      guard.unlock();
      if (wake_next)
        work_.notify_one();
      auto call_started = std::chrono::steady_clock::now();
      bool ok = run(t, batch);
      auto call_ended = std::chrono::steady_clock::now();
      // A long call counts as waiting only if the thread gave up the CPU
      // itself and was not preempted: on a busy machine a call that
      // computes is long, too.
      bool slow = false;
      bool very_slow = false;
      if (call_ended - call_started >= slow_call) {
        auto now_waits = switches::now();
        slow = now_waits.voluntary > waits.voluntary &&
               now_waits.involuntary == waits.involuntary;
        very_slow = slow && call_ended - call_started >= very_slow_call;
        waits = now_waits;
      }
      guard.lock();
      ++spare_;
      --in_flight_;
      count_call(slow, very_slow, call_ended);
      if (!ok)
        failed_.push_back(std::move(t));
      else if (t.retried)
        retried_done_.emplace_back(t.rec.partition, t.rec.offset);
      // In flight only drops while the consumer waits: the level is crossed
      // exactly once.
      if (waiting_ && in_flight_ == wake_level_)
        room_.notify_one();
      if (!ok) {
        guard.unlock();
        engine_.nudge();
        guard.lock();
      }
    }
    --spare_;
  }

  /// The calling thread's context switches so far.
  struct switches {
    long voluntary = 0;
    long involuntary = 0;

    static switches now() noexcept {
      rusage ru{};
      if (getrusage(RUSAGE_THREAD, &ru) != 0)
        return {};
      return {ru.ru_nvcsw, ru.ru_nivcsw};
    }
  };

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
  size_t low_water_;
  std::mutex mtx_;
  /// Workers wait here for work.
  std::condition_variable work_;
  /// The consumer thread waits here for calls to finish.
  std::condition_variable room_;
  std::deque<task> queue_;
  std::deque<task> failed_;
  std::vector<std::pair<int32_t, int64_t>> retried_done_;
  /// Calls queued or running.
  size_t in_flight_ = 0;
  /// Workers awake and not in a call.
  size_t spare_ = 0;
  /// Workers waiting for work.
  size_t sleeping_ = 0;
  /// Whether the consumer thread waits for `in_flight_` to reach
  /// `wake_level_`.
  bool waiting_ = false;
  size_t wake_level_ = 0;
  bool stopping_ = false;
  /// Awake workers that suffice for handlers that compute.
  size_t cores_ = std::max(1u, std::thread::hardware_concurrency());
  /// Until when every worker may be woken (slow calls were seen).
  std::chrono::steady_clock::time_point wide_until_{};
  /// Wake-ups owed to sleeping workers (a woken worker takes one).
  size_t wake_tokens_ = 0;
  size_t window_calls_ = 0;
  size_t window_slow_ = 0;
  std::map<int32_t, std::vector<task>> held_;
  /// The consumer thread's tasks of one poll (kept for its capacity).
  std::vector<task> outgoing_;
  std::vector<std::thread> workers_;
};

} // namespace

std::unique_ptr<executor_base> make_concurrent_executor(consumer_engine& e) {
  return std::make_unique<concurrent_executor>(e);
}

} // namespace fastkafka::engine
