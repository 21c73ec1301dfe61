#pragma once

// Producer handles: what `app::produces` returns and handlers call.

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/detail/producer_slot.hpp"

namespace fastkafka {

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
  /// The key; none when empty (the partitioner then picks at random). An
  /// empty string is a key of its own.
  std::optional<std::string> key;
  /// Headers sent with the message, in order.
  std::vector<header> headers;
};

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
    send(ev.message, key_of(ev), ev.headers);
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
      send(value, key_of(ev), ev.headers);
    return ev;
  }

  /// Sends `value` with an optional key and headers.
  void send(const T& value, std::optional<std::string_view> key = std::nullopt,
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
  template <class E>
  static std::optional<std::string_view> key_of(const E& ev) {
    if (ev.key)
      return std::string_view{*ev.key};
    return std::nullopt;
  }

  void send_bytes(std::optional<std::string_view> key, std::string_view bytes,
                  const std::vector<header>& headers) const {
    auto& slot = *slot_;
    slot.active.fetch_add(1);
    struct leave {
      detail::producer_slot& s;
      ~leave() { s.active.fetch_sub(1); }
    } guard{slot};
    auto* sink = slot.sink.load();
    if (sink == nullptr)
      throw produce_error("producer " + slot.name +
                          ": the app is not running; start it first");
    std::vector<header_view> views;
    views.reserve(headers.size());
    for (auto& [name, value] : headers)
      views.emplace_back(name, value);
    std::string err;
    if (!sink->send({{}, key, bytes, views}, err))
      throw produce_error("producer " + slot.name + ": " + err);
    slot.sent.add(1);
  }

  std::shared_ptr<detail::producer_slot> slot_;
  std::shared_ptr<const codec<T>> codec_;
};

} // namespace fastkafka
