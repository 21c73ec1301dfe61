#include "consumer_engine.hpp"
#include "executor.hpp"

namespace fastkafka::engine {

namespace {

/// One message per call, in offset order per partition. A failure pauses
/// the message's partition and seeks back to it, so that it and everything
/// after it are fetched again once the backoff ended.
class sequential_executor final : public executor_base {
public:
  using executor_base::executor_base;

  void handle(std::vector<kafka::record>& records) override {
    auto& spec = engine_.spec();
    // Timed calls (metrics on) read the clock once per message: a call's
    // end is the next one's start, so the few steps between two calls count
    // as the next handler's time.
    auto started = engine_.timed() ? std::chrono::steady_clock::now()
                                   : std::chrono::steady_clock::time_point{};
    for (auto& r : records) {
      if (engine_.paused(r.partition)) {
        engine_.skipped(r);
        continue; // fetched again after the seek (or the resume)
      }
      auto* t = engine_.tracker().open(r.partition, r.offset);
      if (engine_.dead_letter_due(r, t)) {
        commit_tracker::close(t);
        continue;
      }
      auto meta = engine_.meta_of(r);
      engine_.begin_call(r, t, meta);
      decode_error derr;
      std::string failure;
      bool threw = false;
      bool timed_end = false;
      {
        auto trace = r.header(kafka::traceparent_header);
        kafka::delivery_scope scope{t, &engine_.batch(),
                                    trace.value_or(std::string_view{})};
        try {
          if (!spec.invoke(r.value, meta, derr)) {
            engine_.undecodable(r, t, derr, &engine_.batch());
            engine_.end_unhandled_call();
          } else {
            started = engine_.handled(r, 1, started, true);
            timed_end = true;
            engine_.succeeded(r.partition, r.offset);
          }
        } catch (const std::exception& e) {
          threw = true;
          failure = e.what();
        } catch (...) {
          threw = true;
          failure = "the handler threw a non-standard exception";
        }
      }
      if (threw) {
        const kafka::record* one[] = {&r};
        engine_.handler_failed(one, r.offset, t, failure, r.offset,
                               &engine_.batch());
        engine_.end_unhandled_call();
      }
      commit_tracker::close(t);
      // What was not a handled call (a decode failure, a throw and what
      // followed it) is no handler's time.
      if (!timed_end && engine_.timed())
        started = std::chrono::steady_clock::now();
    }
  }
};

} // namespace

std::unique_ptr<executor_base> make_sequential_executor(consumer_engine& e) {
  return std::make_unique<sequential_executor>(e);
}

} // namespace fastkafka::engine
