#include "fastkafka/ops/systemd_service.hpp"

#include <algorithm>

namespace fastkafka::ops {

bool watchdog_healthy(const health_report& report, bool requires_ready) {
  if (!report.live.ok)
    return false;
  if (requires_ready)
    return report.ready.ok;
  return std::none_of(report.ready.problems.begin(),
                      report.ready.problems.end(),
                      [](auto& p) { return p.reason == "stalled"; });
}

std::string status_line(const health_report& report) {
  if (!report.live.ok)
    return "not live: " + (report.live.problems.empty()
                               ? std::string{"unknown"}
                               : report.live.problems.front().detail);
  if (report.ready.ok)
    return "ready: " + std::to_string(report.ready.consumers) + " consumer" +
           (report.ready.consumers == 1 ? "" : "s") + " making progress";
  auto& problems = report.ready.problems;
  std::string out = "not ready: " + problems.front().detail;
  if (problems.size() > 1)
    out += " (and " + std::to_string(problems.size() - 1) + " more)";
  return out;
}

systemd_service::systemd_service(systemd_notifier notifier,
                                 health_source health,
                                 systemd_service_options options)
    : notifier_(std::move(notifier))
    , health_(std::move(health))
    , options_(options) {
  if (notifier_.enabled())
    worker_ = std::thread{[this] { run(); }};
}

systemd_service::~systemd_service() noexcept {
  stop();
}

void systemd_service::stopping(std::string_view status) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (stopping_)
    return;
  stopping_ = true;
  last_status_ = status;
  notifier_.stopping(status);
}

void systemd_service::stop() noexcept {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    quit_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable() && worker_.get_id() != std::this_thread::get_id())
    worker_.join();
}

bool systemd_service::ready_sent() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return ready_sent_;
}

void systemd_service::run() {
  auto interval = options_.poll_interval;
  if (auto wd = notifier_.watchdog_interval())
    interval = std::min(
        interval, std::chrono::duration_cast<std::chrono::milliseconds>(*wd));
  interval = std::max(interval, std::chrono::milliseconds{1});
  std::unique_lock<std::mutex> lock{mtx_};
  while (!quit_) {
    // Health is asked without the lock: it takes a snapshot, which may
    // take a while, and `stopping` must not wait for it.
    lock.unlock();
    health_report report;
    try {
      report = health_();
    } catch (const std::exception& e) {
      report = unresponsive_report(e.what());
    }
    lock.lock();
    if (quit_)
      break;
    if (!stopping_) {
      auto line = status_line(report);
      if (!ready_sent_ && report.ready.ok) {
        ready_sent_ = notifier_.ready(line);
        last_status_ = line;
      } else if (line != last_status_) {
        notifier_.status(line);
        last_status_ = line;
      }
    }
    if (notifier_.watchdog_interval() &&
        watchdog_healthy(report, options_.watchdog_requires_ready))
      notifier_.watchdog();
    wake_.wait_for(lock, interval, [this] { return quit_; });
  }
}

} // namespace fastkafka::ops
