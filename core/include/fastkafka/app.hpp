#pragma once

// The app's declaration: what it is, which brokers it knows, and what it
// consumes and produces. Running it is the runtime's job
// (`fastkafka/runtime.hpp`); documenting it is the docs' (`docs_gen/`).

#include <algorithm>
#include <any>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/describe/members.hpp>

#include "fastkafka/broker.hpp"
#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/codecs/json.hpp"
#include "fastkafka/detail/specs.hpp"
#include "fastkafka/errors.hpp"
#include "fastkafka/key_schema.hpp"
#include "fastkafka/message.hpp"
#include "fastkafka/options.hpp"
#include "fastkafka/producer.hpp"
#include "fastkafka/registration.hpp"
#include "fastkafka/supervision.hpp"
#include "fastkafka/topic.hpp"

namespace fastkafka {

namespace detail {
struct app_access;
} // namespace detail

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
  /// Supplies tokens when `options.sasl_mechanism` is `OAUTHBEARER`
  /// (FastKafka's `sasl_oauth_token_provider`).
  oauth_token_provider oauth_tokens;
  /// Longest a stop may take: draining, committing, closing and flushing.
  /// What is not done by then is logged and the stop reports a failure.
  std::chrono::milliseconds stop_timeout{30000};
  /// What supervisors do when an actor of the app crashes.
  restart_policy restarts;
};

/// A background task: runs after the consumers started, on its own thread,
/// until its stop token says stop.
struct background_task {
  std::string name;
  std::function<void(std::stop_token)> run;
};

/// A Kafka service's declaration: typed consumers and producers.
///
/// Register everything before the app runs; the app is neither copyable nor
/// movable because producer handles point into it. `fastkafka::runtime`
/// runs it as supervised actors.
class app {
public:
  explicit app(app_config config);
  app(const app&) = delete;
  app& operator=(const app&) = delete;
  ~app() noexcept = default;

  /// Registers a handler for messages of type `T`. The topic is
  /// `options.topic` or `name` minus `options.prefix`.
  ///
  /// One message per call: the handler takes `T&` (or `const T&`),
  /// optionally followed by `const message_meta&`. A batch per call (the
  /// records one poll returned for a partition, at most `max_poll_records`):
  /// it takes `std::vector<T>&`, optionally followed by
  /// `const std::vector<message_meta>&`.
  ///
  /// With retry topics (`options.retry.topics`), one consumer per stage is
  /// added, named `<name>.retry.<delay>`; they call the same handler from
  /// their own threads, so it must be safe to call concurrently.
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
    spec.observer->type = &typeid(T);
    auto obs = spec.observer;
    spec.name = std::move(name);
    spec.topic = std::move(topic);
    spec.description = std::move(options.description);
    spec.codec_name = dec.name;
    spec.content_type = dec.content_type;
    spec.schema_format = dec.schema_format;
    spec.codec_schema = dec.schema;
    spec.key = std::move(options.key);
    spec.headers = std::move(options.headers);
    spec.codec = std::make_shared<const codec<T>>(dec);
    spec.value_type = &typeid(T);
    spec.schema = schema_of<T>();
    spec.dead_letter_topic = options.dead_letter_topic.empty()
                                 ? spec.topic + ".dlq"
                                 : std::move(options.dead_letter_topic);
    spec.options = std::move(options.options);
    if (options.delivery && !spec.options.delivery)
      spec.options.delivery = to_string(*options.delivery);
    if (options.delivery == delivery_mode::exactly_once &&
        options.exec == executor::concurrent)
      throw config_error("consumes " + spec.name +
                         ": exactly_once delivery needs the sequential "
                         "executor: a poll's transaction commits the offsets "
                         "of all its messages at once");
    spec.retry = options.retry;
    spec.benchmark = options.benchmark;
    spec.exec = options.exec;
    spec.brokers = std::move(options.brokers);
    spec.ack = options.ack;
    spec.on_assigned = std::move(options.on_assigned);
    spec.on_revoked = std::move(options.on_revoked);
    spec.on_lost = std::move(options.on_lost);
    if (options.ack == ack_mode::manual &&
        (options.exec != executor::sequential || many || many_with_meta))
      throw config_error("consumes " + spec.name +
                         ": ack_mode::manual needs the sequential executor "
                         "and a handler of one message (set exec = "
                         "executor::sequential and take T&)");
    spec.max_in_flight = options.exec == executor::concurrent
                             ? std::max<size_t>(1, options.max_in_flight)
                             : 1;
    if constexpr (many || many_with_meta) {
      if (options.exec == executor::concurrent)
        throw config_error("consumes " + spec.name +
                           ": the concurrent executor calls handlers of "
                           "one message; a batch handler is sequential");
    }
    spec.origin_topic = spec.topic;
    auto stages = retry_stages(spec);
    // One handler for the registration and its retry consumers; each
    // consumer decodes into its own value, on its own thread.
    auto h = std::make_shared<F>(std::move(handler));
    for (auto& stage : stages)
      bind_handler<T>(stage, h, dec, obs);
    bind_handler<T>(spec, std::move(h), std::move(dec), std::move(obs));
    add_consumer(std::move(spec), std::move(stages));
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
    spec.schema_format = enc->schema_format;
    spec.codec_schema = enc->schema;
    spec.key = std::move(options.key);
    spec.headers = std::move(options.headers);
    spec.codec = enc;
    spec.value_type = &typeid(T);
    spec.schema = schema_of<T>();
    spec.options = std::move(options.options);
    spec.benchmark = options.benchmark;
    spec.brokers = std::move(options.brokers);
    spec.slot = std::make_shared<detail::producer_slot>();
    spec.slot->name = spec.name;
    spec.slot->topic = spec.topic;
    spec.slot->observer.copy = [](const void* p) {
      return std::any{*static_cast<const T*>(p)};
    };
    spec.slot->observer.type = &typeid(T);
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

  /// The app's client options, e.g. to apply `--set` before it runs.
  client_options& options() noexcept { return config_.options; }

  /// Every topic the app consumes or produces, sorted, without duplicates.
  std::vector<std::string> get_topics() const;

  /// Every dead-letter topic of the app's consumers, sorted, unique.
  std::vector<std::string> dead_letter_topics() const;

  /// The registrations, for the runtime, the docs and tools.
  const std::vector<std::shared_ptr<const detail::consumer_spec>>&
  consumers() const noexcept {
    return consumers_;
  }
  const std::vector<std::shared_ptr<const detail::producer_spec>>&
  producers() const noexcept {
    return producers_;
  }
  const std::vector<background_task>& background_tasks() const noexcept {
    return tasks_;
  }

  /// The consumer group of registration `name` under the app-wide options
  /// `app_options`: the registration's own `group_id` as it is; else
  /// `<app group_id>.<name>` when the app sets one (so that registrations
  /// of one topic never split its partitions between them); else
  /// `fastkafka.<title as slug>.<name>`. A retry consumer's group is its
  /// registration's followed by `.retry.<delay>`: in one group, each of
  /// its joins and leaves would stop the registration's own consumer.
  std::string group_id(const detail::consumer_spec& spec,
                       const client_options& app_options) const;

  /// The consumer group of a registration when no `group_id` is set:
  /// `fastkafka.<title as slug>.<registration name>`.
  std::string default_group_id(std::string_view registration) const;

  /// Whether a runtime runs the app.
  bool is_started() const noexcept { return running_ > 0; }

private:
  friend struct detail::app_access;

  template <class T>
  static std::function<boost::json::object()> schema_of() {
    if constexpr (boost::describe::has_describe_members<T>::value)
      return [] { return json_schema<T>(); };
    else
      return {};
  }

  // Sets `spec.invoke` or `spec.invoke_batch` to call `*h`.
  template <class T, class F>
  static void bind_handler(detail::consumer_spec& spec, std::shared_ptr<F> h,
                           codec<T> dec,
                           std::shared_ptr<detail::observer_hook> obs) {
    using batch = std::vector<T>;
    using metas = std::vector<message_meta>;
    constexpr bool one_with_meta =
        std::is_invocable_v<F&, T&, const message_meta&>;
    constexpr bool one = std::is_invocable_v<F&, T&>;
    constexpr bool many_with_meta =
        std::is_invocable_v<F&, batch&, const metas&>;
    if constexpr (one || one_with_meta) {
      if (spec.exec == executor::concurrent) {
        // Calls run on several threads: each decodes into its own value.
        spec.invoke = [h = std::move(h), dec = std::move(dec),
                       obs](std::string_view payload, const message_meta& meta,
                            decode_error& err) mutable {
          T value{};
          if (!dec.decode(payload, value, err))
            return false;
          if (obs->fn) [[unlikely]]
            obs->fn(&value);
          if constexpr (one_with_meta)
            (*h)(value, meta);
          else
            (*h)(value);
          return true;
        };
        return;
      }
      // The decoded value is reused across messages so that its strings and
      // vectors keep their capacity; decoders overwrite every field.
      spec.invoke = [h = std::move(h), dec = std::move(dec), value = T{},
                     obs](std::string_view payload, const message_meta& meta,
                          decode_error& err) mutable {
        if (!dec.decode(payload, value, err))
          return false;
        if (obs->fn) [[unlikely]]
          obs->fn(&value);
        if constexpr (one_with_meta)
          (*h)(value, meta);
        else
          (*h)(value);
        return true;
      };
    } else {
      spec.invoke_batch =
          [h = std::move(h), dec = std::move(dec), values = batch{},
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
              (*h)(values, good);
            else
              (*h)(values);
          };
    }
  }

  // The consumers of `spec`'s retry topics, without their handlers; throws
  // `config_error` for a delay that is not positive or names a topic twice.
  static std::vector<detail::consumer_spec>
  retry_stages(const detail::consumer_spec& spec);

  void add_consumer(detail::consumer_spec spec,
                    std::vector<detail::consumer_spec> retry_stages = {});
  void add_producer(detail::producer_spec spec);

  app_config config_;
  std::vector<std::shared_ptr<const detail::consumer_spec>> consumers_;
  std::vector<std::shared_ptr<const detail::producer_spec>> producers_;
  std::vector<background_task> tasks_;
  int running_ = 0;
};

namespace detail {

/// Lets the runtime mark an app as running (registrations then fail).
struct app_access {
  static void set_running(app& a, bool on) noexcept {
    a.running_ += on ? 1 : -1;
  }
};

} // namespace detail

} // namespace fastkafka
