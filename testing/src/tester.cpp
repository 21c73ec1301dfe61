#include "fastkafka/tester.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cxxabi.h>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <unistd.h>

#include <boost/json.hpp>

#include "caf/actor_system.hpp"

#include "fastkafka/kafka/config.hpp"
#include "fastkafka/kafka/consumer_client.hpp"
#include "fastkafka/kafka/handles.hpp"
#include "fastkafka/runtime.hpp"
#include "fastkafka/runtime_config.hpp"

namespace fastkafka {

namespace {

using namespace std::chrono_literals;

void quiet_log(const rd_kafka_t*, int, const char*, const char*) {
  // The tester's clients see brokers go down on purpose: stay silent.
}

kafka::kafka_ptr make_client(rd_kafka_type_t type,
                             const std::string& bootstrap) {
  std::vector<std::pair<std::string, std::string>> props{
      {"bootstrap.servers", bootstrap}};
  if (type == RD_KAFKA_PRODUCER) {
    props.emplace_back("linger.ms", "0");
    // Each send waits for its acknowledgement: fail within the test's time.
    props.emplace_back("message.timeout.ms", "10000");
  } else {
    // 2.0.2 refuses assign without a group id; assign never joins it.
    static std::atomic<int> seq{0};
    props.emplace_back("group.id", "fastkafka.tester." +
                                       std::to_string(::getpid()) + "." +
                                       std::to_string(seq++));
    props.emplace_back("enable.auto.commit", "false");
    props.emplace_back("enable.auto.offset.store", "false");
    props.emplace_back("fetch.wait.max.ms", "10");
    props.emplace_back("topic.metadata.refresh.interval.ms", "1000");
  }
  std::string err;
  auto conf = kafka::make_conf(props, err);
  if (!conf)
    throw std::runtime_error("tester: " + err);
  rd_kafka_conf_set_log_cb(conf.get(), quiet_log);
  rd_kafka_conf_set_dr_msg_cb(
      conf.get(), [](rd_kafka_t*, const rd_kafka_message_t* m, void*) {
        // Runs inside a poll on the sender's thread: the opaque is its slot.
        if (m->_private != nullptr)
          *static_cast<rd_kafka_resp_err_t*>(m->_private) = m->err;
      });
  auto rk = kafka::make_client(type, std::move(conf), err);
  if (!rk)
    throw std::runtime_error("tester: " + err);
  return rk;
}

// Compares JSON texts as values; falls back to bytes when not JSON.
bool same_json(const std::string& a, const std::string& b) {
  boost::system::error_code ea;
  boost::system::error_code eb;
  auto va = boost::json::parse(a, ea);
  auto vb = boost::json::parse(b, eb);
  if (ea || eb)
    return a == b;
  return va == vb;
}

// Bytes as a person can read them: printable ASCII as is, the rest escaped.
std::string printable(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

} // namespace

std::optional<std::string>
received_message::header_value(std::string_view name) const {
  for (auto& [n, v] : headers)
    if (n == name)
      return v;
  return std::nullopt;
}

namespace detail {

std::string type_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name{
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free};
  return status == 0 && name ? std::string{name.get()}
                             : std::string{type.name()};
}

const void* find_codec(const std::vector<app*>& apps, const std::string& topic,
                       const std::type_info& type, bool prefer_consumers) {
  const void* fallback = nullptr;
  std::string other;
  auto look = [&](const auto& spec, bool preferred) -> const void* {
    if (spec.topic != topic || spec.value_type == nullptr)
      return nullptr;
    if (*spec.value_type != type) {
      if (other.empty())
        other = spec.name + " uses " + type_name(*spec.value_type);
      return nullptr;
    }
    if (preferred)
      return spec.codec.get();
    if (!fallback)
      fallback = spec.codec.get();
    return nullptr;
  };
  for (auto* a : apps) {
    for (auto& c : a->consumers())
      if (auto* found = look(*c, prefer_consumers))
        return found;
    for (auto& p : a->producers())
      if (auto* found = look(*p, !prefer_consumers))
        return found;
  }
  if (fallback)
    return fallback;
  if (!other.empty())
    throw std::invalid_argument("tester: topic " + topic +
                                " carries another "
                                "type than " +
                                type_name(type) + ": registration " + other);
  return nullptr;
}

} // namespace detail

struct tester::impl {
  tester_options options;
  std::unique_ptr<embedded_broker> broker;
  std::string bootstrap;
  runtime_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::vector<app*> apps;
  std::vector<std::unique_ptr<runtime>> started;
  std::set<std::string> watched;
  kafka::kafka_ptr producer;
  kafka::kafka_ptr reader;
  std::jthread reader_thread;
  mutable std::mutex mtx;
  mutable std::condition_variable cv;
  std::map<std::string, std::vector<received_message>> got;
  std::map<std::string, std::vector<std::any>> mocks;
  std::map<std::string, const std::type_info*> mock_types;
  std::vector<fastkafka::detail::observer_hook*> hooks;

  void install_mocks() {
    for (auto* a : apps) {
      // A registration's retry consumers share its observer: their calls
      // are the registration's.
      for (auto& c : a->consumers())
        if (c->retry_of.empty())
          hook(*c->observer, c->name);
      for (auto& p : a->producers())
        hook(p->slot->observer, p->name);
    }
  }

  void hook(fastkafka::detail::observer_hook& h, const std::string& name) {
    mocks[name];
    mock_types[name] = h.type;
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
      kafka::message_ptr msg{rd_kafka_consumer_poll(reader.get(), 10)};
      if (!msg || msg->err != RD_KAFKA_RESP_ERR_NO_ERROR)
        continue;
      received_message r;
      r.topic = rd_kafka_topic_name(msg->rkt);
      r.partition = msg->partition;
      r.offset = msg->offset;
      if (msg->key != nullptr)
        r.key.emplace(static_cast<const char*>(msg->key), msg->key_len);
      r.value.assign(static_cast<const char*>(msg->payload), msg->len);
      for (auto& [n, v] : kafka::headers_of(msg.get()))
        r.headers.emplace_back(std::string{n}, std::string{v});
      {
        std::lock_guard guard{mtx};
        got[r.topic].push_back(std::move(r));
      }
      cv.notify_all();
    }
  }

  int partitions_of(const std::string& topic) {
    if (broker)
      return options.partitions;
    kafka::topic_ptr rkt{
        rd_kafka_topic_new(reader.get(), topic.c_str(), nullptr)};
    const rd_kafka_metadata_t* md = nullptr;
    int n = options.partitions;
    if (rd_kafka_metadata(reader.get(), 0, rkt.get(), &md, 5000) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      kafka::metadata_ptr owned{md};
      if (md->topic_cnt == 1 && md->topics[0].err == 0 &&
          md->topics[0].partition_cnt > 0)
        n = md->topics[0].partition_cnt;
    }
    return n;
  }

  void stop_all() noexcept {
    for (auto it = started.rbegin(); it != started.rend(); ++it) {
      try {
        (*it)->stop();
      } catch (...) {
        // A destructor must not throw; the runtime logged why.
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
      rd_kafka_destroy_flags(reader.release(),
                             RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    producer.reset();
    sys.reset();
  }

  // The end of a failure message: what arrived on `topic`.
  std::string
  tail(const std::string& topic,
       const std::function<std::optional<std::string>(const std::string&)>&
           show = {}) const {
    if (!watched.contains(topic)) {
      std::string list;
      for (auto& t : watched)
        list += (list.empty() ? "" : ", ") + t;
      return "topic " + topic +
             " is not watched by the tester (watched: " + list +
             "); list it in tester_options::topics to watch it";
    }
    auto it = got.find(topic);
    if (it == got.end() || it->second.empty())
      return "nothing received on " + topic;
    auto& v = it->second;
    std::string out =
        std::to_string(v.size()) + " received on " + topic + "; the last ones:";
    for (size_t i = v.size() > 5 ? v.size() - 5 : 0; i < v.size(); ++i) {
      std::optional<std::string> text;
      if (show)
        text = show(v[i].value);
      out += "\n  " + (text ? *text : printable(v[i].value));
    }
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
  d.watched.insert(d.options.topics.begin(), d.options.topics.end());
  for (auto* a : d.apps) {
    for (auto& t : a->get_topics())
      all_topics.insert(t);
    for (auto& p : a->producers())
      d.watched.insert(p->topic);
    // Dead letters are output too: tests assert on them and their headers.
    for (auto& t : a->dead_letter_topics()) {
      all_topics.insert(t);
      d.watched.insert(t);
    }
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
    kafka::tpl_ptr parts{rd_kafka_topic_partition_list_new(16)};
    for (auto& t : d.watched) {
      auto n = d.partitions_of(t);
      for (int p = 0; p < n; ++p)
        rd_kafka_topic_partition_list_add(parts.get(), t.c_str(), p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    }
    if (auto err = rd_kafka_assign(d.reader.get(), parts.get()))
      throw std::runtime_error(std::string{"tester: cannot assign: "} +
                               rd_kafka_err2str(err));
    d.reader_thread =
        std::jthread{[&d](std::stop_token st) { d.read_loop(std::move(st)); }};
    d.install_mocks();
    d.sys = std::make_unique<caf::actor_system>(d.cfg);
    for (auto* a : d.apps) {
      auto rt = std::make_unique<runtime>(*a);
      start_options so;
      so.broker_name = d.broker ? "embedded" : "external";
      so.bootstrap_servers = d.bootstrap;
      so.override_all = true;
      if (d.broker)
        so.defaults = embedded_client_defaults();
      rt->start(*d.sys, std::move(so));
      d.started.push_back(std::move(rt));
    }
  } catch (...) {
    d.stop_all();
    throw;
  }
}

tester::~tester() noexcept {
  impl_->stop_all();
}

const std::vector<app*>& tester::apps() const noexcept {
  return impl_->apps;
}

const std::string& tester::bootstrap_servers() const noexcept {
  return impl_->bootstrap;
}

embedded_broker* tester::broker() noexcept {
  return impl_->broker.get();
}

void tester::send_raw(const std::string& topic, std::string_view payload,
                      std::optional<std::string_view> key,
                      const std::vector<header>& headers) {
  auto status = RD_KAFKA_RESP_ERR__IN_PROGRESS;
  kafka::headers_ptr hdrs{rd_kafka_headers_new(headers.size())};
  for (auto& [n, v] : headers)
    rd_kafka_header_add(hdrs.get(), n.data(), static_cast<ssize_t>(n.size()),
                        v.data(), static_cast<ssize_t>(v.size()));
  const char* key_ptr = nullptr;
  size_t key_len = 0;
  if (key) {
    key_ptr = key->data() ? key->data() : "";
    key_len = key->size();
  }
  auto err = rd_kafka_producev(
      impl_->producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
      RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
      RD_KAFKA_V_KEY(key_ptr, key_len), RD_KAFKA_V_HEADERS(hdrs.get()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(&status),
      RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw produce_error("tester: cannot send to " + topic + ": " +
                        rd_kafka_err2str(err));
  (void)hdrs.release(); // librdkafka owns them now
  // The delivery report writes `status`: wait for it before it goes away.
  while (status == RD_KAFKA_RESP_ERR__IN_PROGRESS)
    rd_kafka_poll(impl_->producer.get(), 10);
  if (status != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw produce_error("tester: send to " + topic +
                        " failed: " + rd_kafka_err2str(status));
}

std::vector<std::string> tester::received(const std::string& topic) const {
  std::vector<std::string> out;
  for (auto& m : received_messages(topic))
    out.push_back(m.value);
  return out;
}

std::vector<received_message>
tester::received_messages(const std::string& topic) const {
  std::lock_guard guard{impl_->mtx};
  auto it = impl_->got.find(topic);
  return it == impl_->got.end() ? std::vector<received_message>{} : it->second;
}

std::vector<std::string> tester::watched_topics() const {
  return {impl_->watched.begin(), impl_->watched.end()};
}

check_result tester::wait_for_value(
    const std::string& topic, const std::string& expected,
    const std::function<std::optional<std::string>(const std::string&)>& show,
    std::chrono::milliseconds timeout) const {
  auto& d = *impl_;
  std::unique_lock guard{d.mtx};
  auto found = [&] {
    auto it = d.got.find(topic);
    if (it == d.got.end())
      return false;
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const received_message& m) {
                         auto text = show(m.value);
                         return text && same_json(*text, expected);
                       });
  };
  if (d.cv.wait_for(guard, timeout, found))
    return {true, {}};
  return {false, "expected " + topic + " to be called with " + expected +
                     " within " + std::to_string(timeout.count()) +
                     " ms, but " + d.tail(topic, show)};
}

check_result tester::called_with_json(const std::string& topic,
                                      const std::string& json,
                                      std::chrono::milliseconds timeout) const {
  return wait_for_value(
      topic, json,
      [](const std::string& s) -> std::optional<std::string> { return s; },
      timeout);
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
  if (!d.watched.contains(topic))
    return {false,
            "expected no message on " + topic + ", but " + d.tail(topic)};
  auto before = d.count(topic);
  if (!d.cv.wait_for(guard, window, [&] { return d.count(topic) > before; }))
    return {true, {}};
  return {false, "expected no message on " + topic + " for " +
                     std::to_string(window.count()) + " ms, but " +
                     d.tail(topic)};
}

check_result
tester::received_where(const std::string& topic,
                       const std::function<bool(const received_message&)>& pred,
                       const std::string& what,
                       std::chrono::milliseconds timeout) const {
  auto& d = *impl_;
  std::unique_lock guard{d.mtx};
  auto found = [&] {
    auto it = d.got.find(topic);
    return it != d.got.end() &&
           std::any_of(it->second.begin(), it->second.end(), pred);
  };
  if (d.cv.wait_for(guard, timeout, found))
    return {true, {}};
  return {false, "expected " + topic + " to receive " + what + " within " +
                     std::to_string(timeout.count()) + " ms, but " +
                     d.tail(topic)};
}

check_result tester::dead_lettered(const std::string& dead_letter_topic,
                                   const std::vector<header>& headers,
                                   std::chrono::milliseconds timeout) const {
  std::string what = "a dead letter with";
  for (auto& [n, v] : headers)
    what += " " + n + "=" + v;
  auto res = received_where(
      dead_letter_topic,
      [&](const received_message& m) {
        return std::all_of(headers.begin(), headers.end(), [&](auto& h) {
          return m.header_value(h.first) == h.second;
        });
      },
      what, timeout);
  if (res.ok)
    return res;
  // Show the headers that did arrive: they say why a message was dropped.
  std::lock_guard guard{impl_->mtx};
  if (auto it = impl_->got.find(dead_letter_topic); it != impl_->got.end()) {
    auto& v = it->second;
    for (size_t i = v.size() > 3 ? v.size() - 3 : 0; i < v.size(); ++i) {
      res.message += "\n  headers:";
      for (auto& [n, val] : v[i].headers)
        res.message += " " + n + "=" + printable(val);
    }
  }
  return res;
}

void tester::check_mock_type(const std::string& name,
                             const std::type_info& asked) const {
  std::lock_guard guard{impl_->mtx};
  auto it = impl_->mock_types.find(name);
  if (it == impl_->mock_types.end())
    throw std::invalid_argument("tester: no registration named " + name);
  if (it->second != nullptr && *it->second != asked)
    throw std::invalid_argument(
        "tester: the mock of " + name + " holds " +
        detail::type_name(*it->second) + " values, not " +
        detail::type_name(asked) + "; ask for mock_calls<" +
        detail::type_name(*it->second) + ">(\"" + name + "\")");
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
