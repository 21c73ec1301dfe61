#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
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
  /// Overrides of the app-wide client options for this consumer.
  client_options options;
  /// How payloads become `T`; JSON when empty.
  std::optional<codec<T>> decoder;
  /// How often a failing handler is tried before dead-lettering.
  retry_policy retry;
  /// Where messages go that cannot be decoded or handled;
  /// `<topic>.dlq` when empty.
  std::string dead_letter_topic;
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
  /// Overrides of the app-wide client options for this producer.
  client_options options;
  /// How `T` becomes a payload; JSON when empty.
  std::optional<codec<T>> encoder;
};

/// Thrown by a producer call that cannot hand its message to Kafka.
class produce_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A callable handle that sends `T` values to one topic.
///
/// Calls encode and enqueue on the caller's thread (no actor hop); inside a
/// consumer handler, the input offset is committed only after the broker
/// acknowledged what the call sent.
template <class T>
class producer {
public:
  producer(std::shared_ptr<detail::producer_slot> slot,
           std::shared_ptr<const codec<T>> enc)
      : slot_(std::move(slot))
      , codec_(std::move(enc)) {
    // nop
  }

  /// Sends `value` and returns it.
  T operator()(T value) const {
    send(value);
    return value;
  }

  /// Sends `value` with an optional key.
  void send(const T& value, std::string_view key = {}) const {
    thread_local std::string buffer;
    buffer.clear();
    codec_->encode(value, buffer);
    send_bytes(key, buffer);
  }

  /// The topic this producer writes to.
  const std::string& topic() const noexcept { return slot_->topic; }

private:
  void send_bytes(std::string_view key, std::string_view bytes) const {
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
    std::string err;
    if (!client->send(key, bytes, err))
      throw produce_error("producer " + slot.name + ": " + err);
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
  /// `options.topic` or `name` minus `options.prefix`. The handler takes
  /// `T&` or `const T&`, optionally followed by `const message_meta&`.
  template <class T, class F>
  void consumes(std::string name, F handler, consumes_options<T> options = {}) {
    static_assert(std::is_invocable_v<F&, T&> ||
                      std::is_invocable_v<F&, T&, const message_meta&>,
                  "a consumes handler takes (T&) or (T&, const message_meta&)");
    auto topic = infer_topic("consumes", name, options.topic, options.prefix);
    auto dec = options.decoder ? std::move(*options.decoder) : json_codec<T>();
    detail::consumer_spec spec;
    spec.name = std::move(name);
    spec.topic = std::move(topic);
    spec.description = std::move(options.description);
    spec.codec_name = dec.name;
    spec.content_type = dec.content_type;
    spec.schema = schema_of<T>();
    spec.dead_letter_topic = options.dead_letter_topic.empty()
                                 ? spec.topic + ".dlq"
                                 : std::move(options.dead_letter_topic);
    spec.options = std::move(options.options);
    spec.retry = options.retry;
    // The decoded value is reused across messages so that its strings and
    // vectors keep their capacity; decoders overwrite every field.
    spec.invoke = [h = std::move(handler), dec = std::move(dec), value = T{}](
                      std::string_view payload, const message_meta& meta,
                      decode_error& err) mutable {
      if (!dec.decode(payload, value, err))
        return false;
      if constexpr (std::is_invocable_v<F&, T&, const message_meta&>)
        h(value, meta);
      else
        h(value);
      return true;
    };
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
    spec.options = std::move(options.options);
    spec.slot = std::make_shared<detail::producer_slot>();
    spec.slot->name = spec.name;
    spec.slot->topic = spec.topic;
    auto slot = spec.slot;
    add_producer(std::move(spec));
    return producer<T>{std::move(slot), std::move(enc)};
  }

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
  struct running;
  std::unique_ptr<running> running_;
};

} // namespace fastkafka
