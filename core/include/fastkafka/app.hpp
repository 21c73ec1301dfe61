#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/describe/members.hpp>

#include "caf/actor.hpp"
#include "caf/fwd.hpp"

#include "fastkafka/broker.hpp"
#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/codecs/json.hpp"
#include "fastkafka/detail/runtime.hpp"
#include "fastkafka/errors.hpp"
#include "fastkafka/message.hpp"
#include "fastkafka/options.hpp"
#include "fastkafka/topic.hpp"

namespace fastkafka {

/// Code that runs around the app's life: `enter` before anything starts,
/// `exit` after everything stopped (also when a start fails after `enter`).
struct lifespan_hooks {
  std::function<void()> enter;
  std::function<void()> exit;
};

/// Everything an app declares about itself, its brokers and its clients.
struct app_config {
  /// Title for logs, the default consumer groups and the docs.
  std::string title;
  /// Description for the docs.
  std::string description;
  /// Version for the docs.
  std::string version;
  /// Contact for the docs; FastKafka's placeholder when absent.
  std::optional<contact_info> contact;
  /// Named broker sets; `run --kafka-broker NAME` picks one (default: the
  /// first name). The name `embedded` is reserved for the in-process broker.
  broker_map kafka_brokers;
  /// Where `docs generate` writes; empty for the working directory.
  std::string root_path;
  /// Client options for every consumer and producer of the app.
  client_options options;
  /// Hooks around start and stop.
  lifespan_hooks lifespan;
  /// Supplies tokens when `options.sasl_mechanism` is `OAUTHBEARER`.
  oauth_token_provider oauth_tokens;
};

/// Settings of one `consumes` registration.
template <class T>
struct consumes_options {
  /// The topic; inferred from the registration name when empty.
  std::string topic;
  /// Prefix stripped from the name to infer the topic.
  std::string prefix = "on_";
  /// Description for the docs.
  std::string description;
  /// The messages' Kafka key, for the docs: `key_schema<K>("...")`.
  std::optional<key_info> key;
  /// Headers the messages carry, for the docs: `{"traceparent", "W3C
  /// trace context"}`.
  std::vector<header_info> headers;
  /// Overrides of the app-wide client options for this consumer.
  client_options options;
  /// How payloads become `T`; JSON when empty.
  std::optional<codec<T>> decoder;
  /// How often a failing handler is tried before dead-lettering.
  retry_policy retry;
  /// Where messages go that cannot be decoded or handled;
  /// `<topic>.dlq` when empty.
  std::string dead_letter_topic;
  /// Logs this handler's throughput when set.
  std::optional<benchmark_options> benchmark;
  /// Sequential (ordered) or concurrent calls of the handler; a concurrent
  /// handler must be safe to call from several threads at once.
  executor exec = executor::sequential;
  /// Most concurrent calls in flight (concurrent executor only).
  size_t max_in_flight = 100;
  /// Other addresses for the app's broker names (the same names as the
  /// app's `kafka_brokers`, or the registration is rejected).
  std::optional<broker_map> brokers;
};

/// Settings of one `produces` registration.
template <class T>
struct produces_options {
  /// The topic; inferred from the registration name when empty.
  std::string topic;
  /// Prefix stripped from the name to infer the topic.
  std::string prefix = "to_";
  /// Description for the docs.
  std::string description;
  /// The messages' Kafka key, for the docs: `key_schema<K>("...")`.
  std::optional<key_info> key;
  /// Headers the messages carry, for the docs: `{"traceparent", "W3C
  /// trace context"}`.
  std::vector<header_info> headers;
  /// Overrides of the app-wide client options for this producer.
  client_options options;
  /// How `T` becomes a payload; JSON when empty.
  std::optional<codec<T>> encoder;
  /// Logs this producer's throughput when set.
  std::optional<benchmark_options> benchmark;
  /// Other addresses for the app's broker names (the same names as the
  /// app's `kafka_brokers`, or the registration is rejected).
  std::optional<broker_map> brokers;
};

/// Thrown by a producer call that cannot hand its message to Kafka.
class produce_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// One Kafka header: a name and a value of bytes.
using header = std::pair<std::string, std::string>;

/// A message with a key and headers (FastKafka's `KafkaEvent`, plus
/// headers). With `T = std::vector<U>` every element is sent with the same
/// key and headers.
template <class T>
struct event {
  /// The payload.
  T message;
  /// The key; empty for none (the partitioner then picks at random).
  std::string key;
  /// Headers sent with the message, in order.
  std::vector<header> headers;
};

/// Declares for the docs that a registration's keys are `K`s: the JSON
/// Schema of a described struct, a string or an integer.
template <class K>
key_info key_schema(std::string description = {}) {
  key_info k;
  k.description = std::move(description);
  if constexpr (boost::describe::has_describe_members<K>::value) {
    k.schema = [] { return json_schema<K>(); };
  } else if constexpr (std::is_same_v<K, std::string> ||
                       std::is_same_v<K, std::string_view>) {
    k.schema = [] { return boost::json::object{{"type", "string"}}; };
  } else if constexpr (std::is_integral_v<K> && !std::is_same_v<K, bool>) {
    k.schema = [] {
      boost::json::object s{{"type", "integer"}};
      // Narrow widths are part of the contract, as in json_schema<T>().
      if constexpr (sizeof(K) < 8) {
        s["minimum"] = static_cast<std::int64_t>(std::numeric_limits<K>::min());
        s["maximum"] = static_cast<std::int64_t>(std::numeric_limits<K>::max());
      } else if constexpr (std::is_unsigned_v<K>) {
        s["minimum"] = 0;
      }
      return s;
    };
  } else {
    static_assert(sizeof(K) == 0,
                  "key_schema<K>: K is a described struct, a string or an "
                  "integer type");
  }
  return k;
}

/// A callable handle that sends `T` values to one topic.
///
/// Calls encode and enqueue on the caller's thread (no actor hop); inside a
/// consumer handler, the input offset is committed only after the broker
/// acknowledged what the call sent. Each form returns what it sent.
template <class T>
class producer {
public:
  producer(std::shared_ptr<detail::producer_slot> slot,
           std::shared_ptr<const codec<T>> enc)
      : slot_(std::move(slot))
      , codec_(std::move(enc)) {
    // nop
  }

  /// Sends `value` without a key.
  T operator()(T value) const {
    send(value);
    return value;
  }

  /// Sends `ev.message` with its key and headers.
  event<T> operator()(event<T> ev) const {
    send(ev.message, ev.key, ev.headers);
    return ev;
  }

  /// Sends every element of `batch`, in order.
  std::vector<T> operator()(std::vector<T> batch) const {
    for (auto& value : batch)
      send(value);
    return batch;
  }

  /// Sends every element of `ev.message` with the event's key and headers.
  event<std::vector<T>> operator()(event<std::vector<T>> ev) const {
    for (auto& value : ev.message)
      send(value, ev.key, ev.headers);
    return ev;
  }

  /// Sends `value` with an optional key and headers.
  void send(const T& value, std::string_view key = {},
            const std::vector<header>& headers = {}) const {
    if (slot_->observer.fn) [[unlikely]]
      slot_->observer.fn(&value);
    thread_local std::string buffer;
    buffer.clear();
    codec_->encode(value, buffer);
    send_bytes(key, buffer, headers);
  }

  /// The topic this producer writes to.
  const std::string& topic() const noexcept { return slot_->topic; }

private:
  void send_bytes(std::string_view key, std::string_view bytes,
                  const std::vector<header>& headers) const {
    auto& slot = *slot_;
    slot.active.fetch_add(1);
    struct leave {
      detail::producer_slot& s;
      ~leave() { s.active.fetch_sub(1); }
    } guard{slot};
    auto* client = slot.client.load();
    if (client == nullptr)
      throw produce_error("producer " + slot.name +
                          ": the app is not running; start it first");
    detail::headers_ptr hdrs;
    if (!headers.empty()) {
      hdrs.reset(rd_kafka_headers_new(headers.size()));
      for (auto& [name, value] : headers)
        rd_kafka_header_add(hdrs.get(), name.data(),
                            static_cast<ssize_t>(name.size()), value.data(),
                            static_cast<ssize_t>(value.size()));
    }
    std::string err;
    if (!client->send(key, bytes, err, std::move(hdrs)))
      throw produce_error("producer " + slot.name + ": " + err);
    slot.sent.add(1);
  }

  std::shared_ptr<detail::producer_slot> slot_;
  std::shared_ptr<const codec<T>> codec_;
};

/// Where and how `app::start` connects.
struct start_options {
  /// The broker name chosen at run time (for logs).
  std::string broker_name;
  /// `host:port,...` to bootstrap from; required.
  std::string bootstrap_servers;
  /// Overrides of the app-wide options (e.g. from `--set`).
  client_options overrides;
  /// Whether `bootstrap_servers` replaces every address, also those of
  /// registrations with brokers of their own (set for `--bootstrap-servers`
  /// and the embedded broker).
  bool override_all = false;
};

/// A Kafka service: typed consumers and producers run as supervised actors.
///
/// Register everything before `start`; the app is neither copyable nor
/// movable because producer handles point into it.
class app {
public:
  explicit app(app_config config);
  app(const app&) = delete;
  app& operator=(const app&) = delete;
  ~app() noexcept;

  /// Registers a handler for messages of type `T`. The topic is
  /// `options.topic` or `name` minus `options.prefix`.
  ///
  /// One message per call: the handler takes `T&` (or `const T&`),
  /// optionally followed by `const message_meta&`. A batch per call (the
  /// records one poll returned for a partition, at most `max_poll_records`):
  /// it takes `std::vector<T>&`, optionally followed by
  /// `const std::vector<message_meta>&`.
  template <class T, class F>
  void consumes(std::string name, F handler, consumes_options<T> options = {}) {
    using batch = std::vector<T>;
    using metas = std::vector<message_meta>;
    constexpr bool one_with_meta =
        std::is_invocable_v<F&, T&, const message_meta&>;
    constexpr bool one = std::is_invocable_v<F&, T&>;
    constexpr bool many_with_meta =
        std::is_invocable_v<F&, batch&, const metas&>;
    constexpr bool many = std::is_invocable_v<F&, batch&>;
    static_assert(one || one_with_meta || many || many_with_meta,
                  "a consumes handler takes (T&), (T&, const message_meta&), "
                  "(std::vector<T>&) or (std::vector<T>&, const "
                  "std::vector<message_meta>&)");
    auto topic = infer_topic("consumes", name, options.topic, options.prefix);
    auto dec = options.decoder ? std::move(*options.decoder) : json_codec<T>();
    detail::consumer_spec spec;
    spec.observer->copy = [](const void* p) {
      return std::any{*static_cast<const T*>(p)};
    };
    auto obs = spec.observer;
    spec.name = std::move(name);
    spec.topic = std::move(topic);
    spec.description = std::move(options.description);
    spec.codec_name = dec.name;
    spec.content_type = dec.content_type;
    spec.schema = schema_of<T>();
    spec.schema_format = dec.schema_format;
    spec.codec_schema = dec.schema;
    spec.key = std::move(options.key);
    spec.headers = std::move(options.headers);
    spec.dead_letter_topic = options.dead_letter_topic.empty()
                                 ? spec.topic + ".dlq"
                                 : std::move(options.dead_letter_topic);
    spec.options = std::move(options.options);
    spec.retry = options.retry;
    spec.benchmark = options.benchmark;
    spec.exec = options.exec;
    spec.brokers = std::move(options.brokers);
    spec.max_in_flight = options.exec == executor::concurrent
                             ? std::max<size_t>(1, options.max_in_flight)
                             : 1;
    if constexpr (many || many_with_meta) {
      if (options.exec == executor::concurrent)
        throw config_error("consumes " + spec.name +
                           ": the concurrent executor calls handlers of "
                           "one message; a batch handler is sequential");
    }
    if constexpr (one || one_with_meta) {
      if (options.exec == executor::concurrent) {
        // Calls run on several threads: each decodes into its own value.
        spec.invoke = [h = std::move(handler), dec = std::move(dec),
                       obs](std::string_view payload, const message_meta& meta,
                            decode_error& err) mutable {
          T value{};
          if (!dec.decode(payload, value, err))
            return false;
          if (obs->fn) [[unlikely]]
            obs->fn(&value);
          if constexpr (one_with_meta)
            h(value, meta);
          else
            h(value);
          return true;
        };
        add_consumer(std::move(spec));
        return;
      }
      // The decoded value is reused across messages so that its strings and
      // vectors keep their capacity; decoders overwrite every field.
      spec.invoke = [h = std::move(handler), dec = std::move(dec), value = T{},
                     obs](std::string_view payload, const message_meta& meta,
                          decode_error& err) mutable {
        if (!dec.decode(payload, value, err))
          return false;
        if (obs->fn) [[unlikely]]
          obs->fn(&value);
        if constexpr (one_with_meta)
          h(value, meta);
        else
          h(value);
        return true;
      };
    } else {
      spec.invoke_batch =
          [h = std::move(handler), dec = std::move(dec), values = batch{},
           good = metas{}, obs](
              std::span<const std::string_view> payloads,
              std::span<const message_meta> all,
              std::vector<std::pair<size_t, decode_error>>& failures) mutable {
            values.resize(payloads.size());
            good.clear();
            size_t n = 0;
            for (size_t i = 0; i < payloads.size(); ++i) {
              decode_error err;
              if (dec.decode(payloads[i], values[n], err)) {
                good.push_back(all[i]);
                ++n;
              } else {
                failures.emplace_back(i, std::move(err));
              }
            }
            if (n == 0)
              return;
            values.resize(n);
            if (obs->fn) [[unlikely]]
              for (auto& v : values)
                obs->fn(&v);
            if constexpr (many_with_meta)
              h(values, good);
            else
              h(values);
          };
    }
    add_consumer(std::move(spec));
  }

  /// Registers a producer of `T` and returns the handle that sends. The
  /// topic is `options.topic` or `name` minus `options.prefix`.
  template <class T>
  producer<T> produces(std::string name, produces_options<T> options = {}) {
    auto topic = infer_topic("produces", name, options.topic, options.prefix);
    auto enc = std::make_shared<const codec<T>>(
        options.encoder ? std::move(*options.encoder) : json_codec<T>());
    detail::producer_spec spec;
    spec.name = std::move(name);
    spec.topic = std::move(topic);
    spec.description = std::move(options.description);
    spec.codec_name = enc->name;
    spec.content_type = enc->content_type;
    spec.schema = schema_of<T>();
    spec.schema_format = enc->schema_format;
    spec.codec_schema = enc->schema;
    spec.key = std::move(options.key);
    spec.headers = std::move(options.headers);
    spec.options = std::move(options.options);
    spec.benchmark = options.benchmark;
    spec.brokers = std::move(options.brokers);
    spec.slot = std::make_shared<detail::producer_slot>();
    spec.slot->name = spec.name;
    spec.slot->topic = spec.topic;
    spec.slot->observer.copy = [](const void* p) {
      return std::any{*static_cast<const T*>(p)};
    };
    auto slot = spec.slot;
    add_producer(std::move(spec));
    return producer<T>{std::move(slot), std::move(enc)};
  }

  /// Registers a producer that wraps `fn` (FastKafka's decorator form):
  /// calling the result calls `fn` and sends what it returns (`T`,
  /// `event<T>`, `std::vector<T>` or `event<std::vector<T>>`), and returns
  /// that too.
  template <class T, class F>
  auto produces(std::string name, F fn, produces_options<T> options = {}) {
    auto send = produces<T>(std::move(name), std::move(options));
    return [send, fn = std::move(fn)](auto&&... args) {
      return send(fn(std::forward<decltype(args)>(args)...));
    };
  }

  /// Adds a task that starts after the consumers, on its own thread, and
  /// is cancelled through its stop token (and awaited) before they stop.
  /// The task must return soon after a stop is requested.
  void run_in_background(std::string name,
                         std::function<void(std::stop_token)> task);

  /// The declared configuration.
  const app_config& config() const noexcept { return config_; }

  /// The app's client options, e.g. to apply `--set` before `start`.
  client_options& options() noexcept { return config_.options; }

  /// Every topic the app consumes or produces, sorted, without duplicates.
  std::vector<std::string> get_topics() const;

  /// The registrations, for the docs and tools.
  const std::vector<std::shared_ptr<const detail::consumer_spec>>&
  consumers() const noexcept {
    return consumers_;
  }
  const std::vector<std::shared_ptr<const detail::producer_spec>>&
  producers() const noexcept {
    return producers_;
  }

  /// The consumer group of a registration that sets none:
  /// `fastkafka.<title as slug>.<registration name>`.
  std::string default_group_id(std::string_view registration) const;

  /// Validates everything and starts producers, then consumers. Throws
  /// `config_error` for bad settings and `std::runtime_error` when a client
  /// cannot start; on failure nothing is left running. A second start of a
  /// running app does nothing.
  void start(caf::actor_system& system, start_options options);

  /// Stops consumers (finishing in-flight work and committing), then
  /// flushes and stops producers. Does nothing when not started.
  void stop();

  /// Whether `start` succeeded and `stop` has not run since.
  bool is_started() const noexcept;

  /// The supervisor actor while started (for tests and tools).
  caf::actor supervisor() const noexcept;

private:
  template <class T>
  static std::function<boost::json::object()> schema_of() {
    if constexpr (boost::describe::has_describe_members<T>::value)
      return [] { return json_schema<T>(); };
    else
      return {};
  }

  void add_consumer(detail::consumer_spec spec);
  void add_producer(detail::producer_spec spec);

  app_config config_;
  std::vector<std::shared_ptr<const detail::consumer_spec>> consumers_;
  std::vector<std::shared_ptr<const detail::producer_spec>> producers_;
  std::vector<std::pair<std::string, std::function<void(std::stop_token)>>>
      tasks_;
  struct running;
  std::unique_ptr<running> running_;
};

} // namespace fastkafka
