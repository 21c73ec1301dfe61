#include "fastkafka/actors/board.hpp"

#include <unistd.h>

#include "fastkafka/detail/clock.hpp"

namespace fastkafka::actors {

void runtime_board::add_consumer(std::shared_ptr<consumer_status> status) {
  std::lock_guard guard{mtx_};
  for (auto& c : consumers_)
    if (c == status)
      return;
  consumers_.push_back(std::move(status));
}

void runtime_board::set_producer(const std::string& name,
                                 const std::string& topic,
                                 std::shared_ptr<kafka::producer_port> client) {
  std::lock_guard guard{mtx_};
  producers_[name] = {topic, std::move(client)};
}

void runtime_board::set_reachable(const std::string& address, bool reachable) {
  std::lock_guard guard{mtx_};
  reachable_[address] = reachable;
}

void runtime_board::set_state(runtime_state state, std::string failure) {
  {
    std::lock_guard guard{mtx_};
    // A failure stays a failure through the orderly stop that follows it.
    if (state_ == runtime_state::failed && state != runtime_state::starting)
      return;
    state_ = state;
    if (!failure.empty())
      failure_ = std::move(failure);
  }
  cv_.notify_all();
}

runtime_state runtime_board::state() const {
  std::lock_guard guard{mtx_};
  return state_;
}

std::string runtime_board::failure() const {
  std::lock_guard guard{mtx_};
  return failure_;
}

bool runtime_board::wait_failed(std::chrono::milliseconds timeout) const {
  std::unique_lock guard{mtx_};
  return cv_.wait_for(guard, timeout,
                      [this] { return state_ == runtime_state::failed; });
}

runtime_snapshot runtime_board::snapshot(const std::string& app) const {
  runtime_snapshot out;
  out.app = app;
  out.pid = static_cast<int32_t>(::getpid());
  out.taken_at_ms = fastkafka::detail::wall_clock_ms();
  std::vector<std::shared_ptr<consumer_status>> consumers;
  {
    std::lock_guard guard{mtx_};
    out.state = state_;
    out.broker_reachable = !reachable_.empty();
    for (auto& [address, up] : reachable_)
      out.broker_reachable = out.broker_reachable && up;
    consumers = consumers_;
    for (auto& [name, p] : producers_) {
      producer_snapshot ps;
      ps.name = name;
      ps.topic = p.topic;
      if (p.client) {
        ps.sent = p.client->sent();
        ps.acknowledged = p.client->delivered();
        ps.failed = p.client->failed();
      }
      out.producers.push_back(std::move(ps));
    }
  }
  for (auto& c : consumers)
    out.consumers.push_back(c->snapshot());
  return out;
}

std::vector<std::pair<std::string, std::string>>
runtime_board::statistics() const {
  std::vector<std::shared_ptr<consumer_status>> consumers;
  std::vector<std::pair<std::string, std::shared_ptr<kafka::producer_port>>>
      producers;
  {
    std::lock_guard guard{mtx_};
    consumers = consumers_;
    for (auto& [name, p] : producers_)
      producers.emplace_back(name, p.client);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& c : consumers)
    if (c->statistics)
      if (auto json = c->statistics(); !json.empty())
        out.emplace_back(c->name, std::move(json));
  for (auto& [name, client] : producers)
    if (client)
      if (auto json = client->statistics(); !json.empty())
        out.emplace_back(name, std::move(json));
  return out;
}

} // namespace fastkafka::actors
