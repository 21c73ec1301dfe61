#include "fastkafka/tester.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <unistd.h>

#include <boost/json.hpp>
#include <librdkafka/rdkafka.h>

#include "caf/actor_system.hpp"

#include "fastkafka/runtime_config.hpp"

namespace fastkafka {

namespace {

using namespace std::chrono_literals;

struct rk_deleter {
  void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
};
using rk_ptr = std::unique_ptr<rd_kafka_t, rk_deleter>;

void quiet_log(const rd_kafka_t*, int, const char*, const char*) {
  // The tester's clients see brokers go down on purpose: stay silent.
}

rk_ptr make_client(rd_kafka_type_t type, const std::string& bootstrap) {
  auto* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const char* k, const char* v) {
    if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK)
      throw std::runtime_error(std::string{"tester: "} + err);
  };
  set("bootstrap.servers", bootstrap.c_str());
  if (type == RD_KAFKA_PRODUCER) {
    set("linger.ms", "0");
    // Each send waits for its acknowledgement: fail within the test's time.
    set("message.timeout.ms", "10000");
  } else {
    // 2.0.2 refuses assign without a group id; assign never joins it.
    static std::atomic<int> seq{0};
    auto group = "fastkafka.tester." + std::to_string(::getpid()) + "." +
                 std::to_string(seq++);
    set("group.id", group.c_str());
    set("enable.auto.commit", "false");
    set("enable.auto.offset.store", "false");
    set("fetch.wait.max.ms", "20");
    set("topic.metadata.refresh.interval.ms", "1000");
  }
  rd_kafka_conf_set_log_cb(conf, quiet_log);
  rd_kafka_conf_set_dr_msg_cb(
      conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void*) {
        // Runs inside flush on the caller's thread: the opaque is its slot.
        if (m->_private != nullptr)
          *static_cast<rd_kafka_resp_err_t*>(m->_private) = m->err;
      });
  auto* rk = rd_kafka_new(type, conf, err, sizeof(err));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string{"tester: "} + err);
  }
  return rk_ptr{rk};
}

// Compares JSON texts as values; falls back to bytes when not JSON.
bool same_json(const std::string& a, const boost::json::value& b,
               bool b_is_json, const std::string& b_text) {
  if (!b_is_json)
    return a == b_text;
  boost::system::error_code ec;
  auto va = boost::json::parse(a, ec);
  return !ec && va == b;
}

} // namespace

struct tester::impl {
  tester_options options;
  std::unique_ptr<embedded_broker> broker;
  std::string bootstrap;
  runtime_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::vector<app*> apps;
  std::vector<app*> started;
  rk_ptr producer;
  rk_ptr reader;
  std::jthread reader_thread;
  mutable std::mutex mtx;
  mutable std::condition_variable cv;
  std::map<std::string, std::vector<std::string>> got;
  std::map<std::string, std::vector<std::any>> mocks;
  std::vector<detail::observer_hook*> hooks;

  void install_mocks() {
    for (auto* a : apps) {
      for (auto& c : a->consumers())
        hook(*c->observer, c->name);
      for (auto& p : a->producers())
        hook(p->slot->observer, p->name);
    }
  }

  void hook(detail::observer_hook& h, const std::string& name) {
    mocks[name];
    h.fn = [this, &h, name](const void* value) {
      auto copy = h.copy(value);
      {
        std::lock_guard guard{mtx};
        mocks[name].push_back(std::move(copy));
      }
      cv.notify_all();
    };
    hooks.push_back(&h);
  }

  void read_loop(std::stop_token stop) {
    while (!stop.stop_requested()) {
      auto* msg = rd_kafka_consumer_poll(reader.get(), 10);
      if (msg == nullptr)
        continue;
      if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::string topic = rd_kafka_topic_name(msg->rkt);
        std::string payload(static_cast<const char*>(msg->payload), msg->len);
        {
          std::lock_guard guard{mtx};
          got[topic].push_back(std::move(payload));
        }
        cv.notify_all();
      }
      rd_kafka_message_destroy(msg);
    }
  }

  int partitions_of(const std::string& topic) {
    if (broker)
      return options.partitions;
    auto* rkt = rd_kafka_topic_new(reader.get(), topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    int n = options.partitions;
    if (rd_kafka_metadata(reader.get(), 0, rkt, &md, 5000) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (md->topic_cnt == 1 && md->topics[0].err == 0 &&
          md->topics[0].partition_cnt > 0)
        n = md->topics[0].partition_cnt;
      rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    return n;
  }

  void stop_all() noexcept {
    for (auto it = started.rbegin(); it != started.rend(); ++it) {
      try {
        (*it)->stop();
      } catch (...) {
        // A destructor must not throw; the app logged why.
      }
    }
    started.clear();
    // The apps outlive the tester: their hooks must not point into it.
    for (auto* h : hooks)
      h->fn = nullptr;
    hooks.clear();
    if (reader_thread.joinable()) {
      reader_thread.request_stop();
      reader_thread.join();
    }
    // The mock cluster's thread wakes at once while clients are connected
    // but sleeps up to 1 s when idle: stop it first.
    broker.reset();
    if (reader)
      rd_kafka_consumer_close(reader.get());
    reader.reset();
    producer.reset();
    sys.reset();
  }

  std::string tail(const std::string& topic) const {
    auto it = got.find(topic);
    if (it == got.end() || it->second.empty())
      return "nothing received on " + topic;
    auto& v = it->second;
    std::string out =
        std::to_string(v.size()) + " received on " + topic + "; the last ones:";
    for (size_t i = v.size() > 5 ? v.size() - 5 : 0; i < v.size(); ++i)
      out += "\n  " + v[i];
    return out;
  }

  size_t count(const std::string& topic) const {
    auto it = got.find(topic);
    return it == got.end() ? 0 : it->second.size();
  }
};

void check_topic_cluster(const std::vector<app*>& apps,
                         const std::string& topic) {
  std::optional<std::set<std::string>> first;
  std::string first_title;
  for (auto* a : apps) {
    auto topics = a->get_topics();
    if (!std::binary_search(topics.begin(), topics.end(), topic))
      continue;
    std::set<std::string> names;
    for (auto& [name, _] : a->config().kafka_brokers)
      names.insert(name);
    if (!first) {
      first = std::move(names);
      first_title = a->config().title;
    } else if (*first != names) {
      throw config_error("tester: topic " + topic +
                         " exists on two clusters (apps " + first_title +
                         " and " + a->config().title +
                         " declare different kafka_brokers); test the "
                         "apps in separate testers, or give both apps "
                         "the same broker names");
    }
  }
}

tester::tester(std::vector<app*> apps, tester_options options)
    : impl_(std::make_unique<impl>()) {
  auto& d = *impl_;
  d.options = std::move(options);
  d.apps = std::move(apps);
  std::set<std::string> all_topics(d.options.topics.begin(),
                                   d.options.topics.end());
  std::set<std::string> outputs(d.options.topics.begin(),
                                d.options.topics.end());
  for (auto* a : d.apps) {
    for (auto& t : a->get_topics())
      all_topics.insert(t);
    for (auto& p : a->producers())
      outputs.insert(p->topic);
  }
  for (auto& t : all_topics)
    check_topic_cluster(d.apps, t);
  try {
    if (d.options.bootstrap_servers.empty()) {
      embedded_broker_options bo;
      bo.partitions = d.options.partitions;
      bo.topics.assign(all_topics.begin(), all_topics.end());
      d.broker = std::make_unique<embedded_broker>(std::move(bo));
      d.bootstrap = d.broker->bootstrap_servers();
    } else {
      d.bootstrap = d.options.bootstrap_servers;
    }
    d.producer = make_client(RD_KAFKA_PRODUCER, d.bootstrap);
    d.reader = make_client(RD_KAFKA_CONSUMER, d.bootstrap);
    // Direct assignment: no group join, so the reader is ready at once.
    auto* parts = rd_kafka_topic_partition_list_new(16);
    for (auto& t : outputs) {
      auto n = d.partitions_of(t);
      for (int p = 0; p < n; ++p)
        rd_kafka_topic_partition_list_add(parts, t.c_str(), p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    }
    auto err = rd_kafka_assign(d.reader.get(), parts);
    rd_kafka_topic_partition_list_destroy(parts);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      throw std::runtime_error(std::string{"tester: cannot assign: "} +
                               rd_kafka_err2str(err));
    d.reader_thread =
        std::jthread{[&d](std::stop_token st) { d.read_loop(std::move(st)); }};
    d.install_mocks();
    d.sys = std::make_unique<caf::actor_system>(d.cfg);
    for (auto* a : d.apps) {
      a->start(*d.sys, {.broker_name = d.broker ? "embedded" : "external",
                        .bootstrap_servers = d.bootstrap,
                        .override_all = true});
      d.started.push_back(a);
    }
  } catch (...) {
    d.stop_all();
    throw;
  }
}

tester::~tester() noexcept {
  impl_->stop_all();
}

const std::string& tester::bootstrap_servers() const noexcept {
  return impl_->bootstrap;
}

embedded_broker* tester::broker() noexcept {
  return impl_->broker.get();
}

void tester::send_raw(const std::string& topic, std::string_view payload,
                      std::string_view key) {
  auto status = RD_KAFKA_RESP_ERR__IN_PROGRESS;
  auto err = rd_kafka_producev(
      impl_->producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
      RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
      RD_KAFKA_V_KEY(key.empty() ? nullptr : const_cast<char*>(key.data()),
                     key.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(&status),
      RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw produce_error("tester: cannot send to " + topic + ": " +
                        rd_kafka_err2str(err));
  // The delivery report writes `status`: wait for it before it goes away.
  while (status == RD_KAFKA_RESP_ERR__IN_PROGRESS)
    rd_kafka_poll(impl_->producer.get(), 10);
  if (status != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw produce_error("tester: send to " + topic +
                        " failed: " + rd_kafka_err2str(status));
}

std::vector<std::string> tester::received(const std::string& topic) const {
  std::lock_guard guard{impl_->mtx};
  auto it = impl_->got.find(topic);
  return it == impl_->got.end() ? std::vector<std::string>{} : it->second;
}

check_result tester::called_with_json(const std::string& topic,
                                      const std::string& json,
                                      std::chrono::milliseconds timeout) const {
  boost::system::error_code ec;
  auto expected = boost::json::parse(json, ec);
  bool is_json = !ec;
  auto& d = *impl_;
  std::unique_lock guard{d.mtx};
  auto found = [&] {
    auto it = d.got.find(topic);
    if (it == d.got.end())
      return false;
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const std::string& s) {
                         return same_json(s, expected, is_json, json);
                       });
  };
  if (d.cv.wait_for(guard, timeout, found))
    return {true, {}};
  return {false, "expected " + topic + " to be called with " + json +
                     " within " + std::to_string(timeout.count()) +
                     " ms, but " + d.tail(topic)};
}

check_result tester::called_at_least(const std::string& topic, size_t n,
                                     std::chrono::milliseconds timeout) const {
  auto& d = *impl_;
  std::unique_lock guard{d.mtx};
  if (d.cv.wait_for(guard, timeout, [&] { return d.count(topic) >= n; }))
    return {true, {}};
  return {false, "expected at least " + std::to_string(n) + " on " + topic +
                     " within " + std::to_string(timeout.count()) +
                     " ms, but " + d.tail(topic)};
}

check_result tester::called_times(const std::string& topic, size_t n,
                                  std::chrono::milliseconds timeout) const {
  auto& d = *impl_;
  std::unique_lock guard{d.mtx};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (d.cv.wait_until(guard, deadline, [&] { return d.count(topic) >= n; })) {
    // Reaching n is not enough: a further message would make it n + 1.
    d.cv.wait_for(guard, 200ms, [&] { return d.count(topic) > n; });
    if (d.count(topic) == n)
      return {true, {}};
  }
  return {false, "expected exactly " + std::to_string(n) + " on " + topic +
                     " within " + std::to_string(timeout.count()) +
                     " ms, but " + d.tail(topic)};
}

check_result tester::not_called(const std::string& topic,
                                std::chrono::milliseconds window) const {
  auto& d = *impl_;
  std::unique_lock guard{d.mtx};
  auto before = d.count(topic);
  if (!d.cv.wait_for(guard, window, [&] { return d.count(topic) > before; }))
    return {true, {}};
  return {false, "expected no message on " + topic + " for " +
                     std::to_string(window.count()) + " ms, but " +
                     d.tail(topic)};
}

std::vector<std::any> tester::mock_values(const std::string& name) const {
  std::lock_guard guard{impl_->mtx};
  auto it = impl_->mocks.find(name);
  if (it == impl_->mocks.end())
    throw std::invalid_argument("tester: no registration named " + name);
  return it->second;
}

check_result
tester::mock_wait(const std::string& name,
                  const std::function<bool(const std::vector<std::any>&)>& pred,
                  const std::function<std::string(const std::any&)>& show,
                  const std::string& what,
                  std::chrono::milliseconds timeout) const {
  auto& d = *impl_;
  std::unique_lock guard{d.mtx};
  auto it = d.mocks.find(name);
  if (it == d.mocks.end())
    throw std::invalid_argument("tester: no registration named " + name);
  auto& seen = it->second;
  if (d.cv.wait_for(guard, timeout, [&] { return pred(seen); }))
    return {true, {}};
  std::string out = "expected the mock of " + name + " " + what + " within " +
                    std::to_string(timeout.count()) + " ms, but it saw " +
                    std::to_string(seen.size());
  if (!seen.empty() && show) {
    out += "; the last ones:";
    for (size_t i = seen.size() > 5 ? seen.size() - 5 : 0; i < seen.size(); ++i)
      out += "\n  " + show(seen[i]);
  }
  return {false, std::move(out)};
}

check_result
tester::mock_called_times(const std::string& name, size_t n,
                          std::chrono::milliseconds timeout) const {
  auto res = mock_wait(
      name, [n](const std::vector<std::any>& v) { return v.size() >= n; }, {},
      "to be called " + std::to_string(n) + " times", timeout);
  if (!res.ok)
    return res;
  // Reaching n is not enough: one more call would make it n + 1.
  std::this_thread::sleep_for(200ms);
  auto count = mock_values(name).size();
  if (count == n)
    return {true, {}};
  return {false, "expected the mock of " + name + " to be called " +
                     std::to_string(n) + " times, but it saw " +
                     std::to_string(count)};
}

namespace {

embedded_broker& need(embedded_broker* b) {
  if (b == nullptr)
    throw std::logic_error("tester: fault injection needs the embedded "
                           "broker, not an external one");
  return *b;
}

} // namespace

void tester::broker_down(int32_t id) {
  need(broker()).set_down(id);
}

void tester::broker_up(int32_t id) {
  need(broker()).set_up(id);
}

void tester::fail_next(int16_t api_key, size_t count, int error) {
  need(broker()).push_request_errors(api_key, std::vector<int>(count, error));
}

void tester::add_latency(std::chrono::milliseconds rtt, int32_t id) {
  need(broker()).set_rtt(id, rtt);
}

} // namespace fastkafka
