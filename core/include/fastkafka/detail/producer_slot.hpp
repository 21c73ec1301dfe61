#pragma once

#include <any>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <typeinfo>

#include "fastkafka/detail/call_counter.hpp"
#include "fastkafka/message.hpp"

namespace fastkafka::detail {

/// One message on its way out, as a producer handle gives it to its client.
struct outbound_message {
  /// The topic; empty for the client's own topic.
  std::string_view topic;
  /// The key; empty optional for none (the partitioner then picks).
  std::optional<std::string_view> key;
  std::string_view value;
  /// Headers in order.
  std::span<const header_view> headers;
};

/// Where producer handles hand their messages: a running Kafka producer.
///
/// Implemented by the Kafka adapter; `send` may be called from any thread.
class message_sink {
public:
  virtual ~message_sink() = default;
  /// Hands `msg` to Kafka (copied); returns false and fills `err` when it
  /// cannot (a non-retriable error).
  virtual bool send(const outbound_message& msg, std::string& err) = 0;
};

/// Sees a copy of each value a handler receives or a producer sends, before
/// the real call runs (the tester's mocks). Set `fn` only before the app
/// starts; an empty `fn` costs the hot path one branch.
struct observer_hook {
  /// Called with a `const T*` of the registration's type.
  std::function<void(const void*)> fn;
  /// Copies the `const T*` into an `std::any` holding a `T`.
  std::function<std::any(const void*)> copy;
  /// The registration's type, for errors of `mock_calls<T>`.
  const std::type_info* type = nullptr;
};

/// Where a typed producer handle finds its client once the app runs.
///
/// The handle outlives runs of the app; `active` lets `detach` wait for
/// calls in progress before the client is destroyed.
struct producer_slot {
  std::atomic<message_sink*> sink{nullptr};
  std::atomic<int32_t> active{0};
  /// Messages handed to Kafka through this slot (benchmark actor, stats).
  call_counter sent;
  std::string name;
  std::string topic;
  /// Observer of sent values (mocks); empty unless a tester set it.
  observer_hook observer;

  /// Makes `s` the target of future sends.
  void attach(message_sink* s) noexcept { sink.store(s); }
  /// Stops new sends and waits for those in progress.
  void detach() noexcept;
};

} // namespace fastkafka::detail
