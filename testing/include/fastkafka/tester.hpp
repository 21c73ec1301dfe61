#pragma once

// The user-facing test harness: starts a broker (embedded unless given an
// external one), points apps at it, sends to the topics they consume and
// records what they produce and dead-letter, with waiting assertions that
// say what arrived. Values go through each topic's own codec.

#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include <boost/describe/members.hpp>

#include "fastkafka/app.hpp"
#include "fastkafka/codecs/json.hpp"
#include "fastkafka/embedded_broker.hpp"
#include "fastkafka/producer.hpp"

namespace fastkafka {

/// Settings of a tester.
struct tester_options {
  /// An external cluster (`host:port,...`); empty starts an embedded broker.
  std::string bootstrap_servers;
  /// Partitions of the topics the tester creates on its embedded broker.
  int partitions = 4;
  /// Extra topics to create up front and watch (the apps' output and
  /// dead-letter topics always are).
  std::vector<std::string> topics;
};

/// The outcome of a waiting assertion: `ok`, or a message saying what was
/// expected and what arrived instead.
struct check_result {
  /// Whether the expectation held.
  bool ok = false;
  /// Why it failed (with the last messages received); empty when ok.
  std::string message;
  /// True when the expectation held.
  explicit operator bool() const noexcept { return ok; }
};

/// One message the tester read from a watched topic.
struct received_message {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  /// Empty when the message had no key.
  std::optional<std::string> key;
  std::string value;
  /// Headers in order.
  std::vector<header> headers;

  /// The value of the first header called `name`, if any.
  std::optional<std::string> header_value(std::string_view name) const;
};

namespace detail {

/// A readable name of a C++ type, for error messages.
std::string type_name(const std::type_info& type);

/// The codec of `T` that registrations of `apps` use on `topic`: first a
/// registration of `prefer` (consumers when sending to a topic, producers
/// when reading it), then any other; null when none uses `topic` with `T`.
/// Throws `std::invalid_argument` when registrations use `topic` with
/// another type only.
const void* find_codec(const std::vector<app*>& apps, const std::string& topic,
                       const std::type_info& type, bool prefer_consumers);

} // namespace detail

/// Starts a broker and apps for a test, and stops everything at scope exit.
///
/// Readers of the apps' output and dead-letter topics are assigned
/// partitions directly (no consumer group), so they see messages at once;
/// the apps' consumers join groups, which the 2.0.2 mock broker delays by
/// ~3 s the first time.
class tester {
public:
  /// Starts the broker (unless external), the readers and every app; throws
  /// when anything fails to start (and leaves nothing running).
  explicit tester(std::vector<app*> apps, tester_options options = {});
  tester(const tester&) = delete;
  tester& operator=(const tester&) = delete;
  /// Stops apps, readers and broker; never throws.
  ~tester() noexcept;

  /// Where the apps and the tester connect.
  const std::string& bootstrap_servers() const noexcept;

  /// The embedded broker for fault injection; nullptr when external.
  embedded_broker* broker() noexcept;

  /// Sends `value` to `topic` (FastKafka's `to_<topic>`), encoded with the
  /// codec of the registration that consumes `topic` (JSON when no app
  /// uses it), and waits for the broker's acknowledgement.
  template <class T>
  void to(const std::string& topic, const T& value,
          std::optional<std::string_view> key = std::nullopt,
          const std::vector<header>& headers = {}) {
    std::string bytes;
    codec_for<T>(topic, true).encode(value, bytes);
    send_raw(topic, bytes, key, headers);
  }

  /// A callable that sends `T` values to `topic`.
  template <class T>
  std::function<void(const T&)> producer(std::string topic) {
    return [this, topic = std::move(topic)](const T& value) {
      to<T>(topic, value);
    };
  }

  /// Sends raw bytes to `topic`; throws `produce_error` when not acknowledged.
  void send_raw(const std::string& topic, std::string_view payload,
                std::optional<std::string_view> key = std::nullopt,
                const std::vector<header>& headers = {});

  /// Payloads received so far on `topic` (a watched topic).
  std::vector<std::string> received(const std::string& topic) const;

  /// Messages received so far on `topic`, with keys and headers.
  std::vector<received_message>
  received_messages(const std::string& topic) const;

  /// The topics the tester reads, sorted.
  std::vector<std::string> watched_topics() const;

  /// Waits until `topic` received a message equal to `expected`: each
  /// payload is decoded with the codec of the registration that produces
  /// `topic` and compared as JSON values (field order and spacing do not
  /// matter); a failure shows what arrived, decoded.
  template <class T>
  check_result called_with(
      const std::string& topic, const T& expected,
      std::chrono::milliseconds timeout = std::chrono::seconds{5}) const {
    auto& c = codec_for<T>(topic, false);
    auto show = [&c](const std::string& bytes) -> std::optional<std::string> {
      T value{};
      decode_error err;
      if (!c.decode(bytes, value, err))
        return std::nullopt;
      return comparable(value, c);
    };
    return wait_for_value(topic, comparable(expected, c), show, timeout);
  }

  /// `called_with` for a JSON text.
  check_result called_with_json(
      const std::string& topic, const std::string& json,
      std::chrono::milliseconds timeout = std::chrono::seconds{5}) const;

  /// Waits until `topic` received exactly `n` messages (and no more arrive
  /// for a short settle time).
  check_result called_times(
      const std::string& topic, size_t n,
      std::chrono::milliseconds timeout = std::chrono::seconds{5}) const;

  /// Waits until `topic` received at least `n` messages.
  check_result called_at_least(
      const std::string& topic, size_t n,
      std::chrono::milliseconds timeout = std::chrono::seconds{5}) const;

  /// Checks that `topic` receives nothing during `window`.
  check_result
  not_called(const std::string& topic,
             std::chrono::milliseconds window = std::chrono::seconds{1}) const;

  /// Waits until a message on `topic` satisfies `pred`; on timeout the
  /// message says `what` and lists the last ones received.
  check_result received_where(
      const std::string& topic,
      const std::function<bool(const received_message&)>& pred,
      const std::string& what,
      std::chrono::milliseconds timeout = std::chrono::seconds{5}) const;

  /// Waits until a dead letter on `dead_letter_topic` carries every header
  /// of `headers` (e.g. `{{fastkafka::dlq_header::reason, "decode"}}`).
  check_result dead_lettered(
      const std::string& dead_letter_topic, const std::vector<header>& headers,
      std::chrono::milliseconds timeout = std::chrono::seconds{5}) const;

  // -- mocks (FastKafka's create_mocks) -------------------------------------

  /// Copies of the values registration `name` (a `consumes` handler or a
  /// producer) received or sent, taken before the real call ran. Throws
  /// `std::invalid_argument` naming the registration and both types when
  /// `T` is not the registration's type.
  template <class T>
  std::vector<T> mock_calls(const std::string& name) const {
    check_mock_type(name, typeid(T));
    std::vector<T> out;
    for (auto& v : mock_values(name))
      out.push_back(std::any_cast<const T&>(v));
    return out;
  }

  /// The values registration `name` saw, type-erased.
  std::vector<std::any> mock_values(const std::string& name) const;

  /// Waits until the mock of `name` saw a value equal to `expected`
  /// (compared as encoded JSON).
  template <class T>
  check_result mock_called_with(
      const std::string& name, const T& expected,
      std::chrono::milliseconds timeout = std::chrono::seconds{5}) const {
    check_mock_type(name, typeid(T));
    auto to_json = [](const std::any& v) {
      std::string out;
      json_codec<T>().encode(std::any_cast<const T&>(v), out);
      return out;
    };
    std::any want = expected;
    auto want_json = to_json(want);
    return mock_wait(
        name,
        [&](const std::vector<std::any>& seen) {
          for (auto& v : seen)
            if (to_json(v) == want_json)
              return true;
          return false;
        },
        to_json, "to be called with " + want_json, timeout);
  }

  /// Waits until the mock of `name` saw exactly `n` values.
  check_result mock_called_times(
      const std::string& name, size_t n,
      std::chrono::milliseconds timeout = std::chrono::seconds{5}) const;

  /// Waits until `pred` holds for the values the mock of `name` saw; on
  /// timeout the message says `what` and shows the last values via `show`.
  check_result
  mock_wait(const std::string& name,
            const std::function<bool(const std::vector<std::any>&)>& pred,
            const std::function<std::string(const std::any&)>& show,
            const std::string& what, std::chrono::milliseconds timeout) const;

  // -- fault injection (embedded broker only; throws when external) ---------

  /// Takes broker `id` down until `broker_up`.
  void broker_down(int32_t id = 1);
  /// Brings broker `id` back up.
  void broker_up(int32_t id = 1);
  /// Makes the next `count` requests of `api_key` (0 Produce, 1 Fetch,
  /// 8 OffsetCommit) fail with Kafka error `error`.
  void fail_next(int16_t api_key, size_t count, int error);
  /// Adds round-trip latency to broker `id`.
  void add_latency(std::chrono::milliseconds rtt, int32_t id = 1);

private:
  // The codec registrations use for `T` on `topic`, else JSON.
  template <class T>
  const codec<T>& codec_for(const std::string& topic,
                            bool prefer_consumers) const {
    if (auto* c =
            detail::find_codec(apps(), topic, typeid(T), prefer_consumers))
      return *static_cast<const codec<T>*>(c);
    static const codec<T> json = json_codec<T>();
    return json;
  }

  // What two values are compared by: their JSON when `T` is described
  // (readable in messages), else their bytes under the topic's codec.
  template <class T>
  static std::string comparable(const T& value, const codec<T>& c) {
    std::string out;
    if constexpr (boost::describe::has_describe_members<T>::value)
      json_codec<T>().encode(value, out);
    else
      c.encode(value, out);
    return out;
  }

  check_result wait_for_value(
      const std::string& topic, const std::string& expected,
      const std::function<std::optional<std::string>(const std::string&)>& show,
      std::chrono::milliseconds timeout) const;

  void check_mock_type(const std::string& name,
                       const std::type_info& asked) const;

  const std::vector<app*>& apps() const noexcept;

  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The topic that `topic` names in `apps`: throws `config_error` when two
/// apps that declare different broker names both use it (two clusters).
void check_topic_cluster(const std::vector<app*>& apps,
                         const std::string& topic);

} // namespace fastkafka

// -- adapters for test frameworks --------------------------------------------

/// CAF test framework: checks a `check_result`, printing why it failed.
#define FASTKAFKA_CHECK(expr)                                                  \
  do {                                                                         \
    auto fastkafka_res_ = (expr);                                              \
    if (!fastkafka_res_.ok)                                                    \
      CAF_MESSAGE(fastkafka_res_.message);                                     \
    CAF_CHECK(fastkafka_res_.ok);                                              \
  } while (false)

/// CAF test framework: like `FASTKAFKA_CHECK`, but ends the test on failure.
#define FASTKAFKA_REQUIRE(expr)                                                \
  do {                                                                         \
    auto fastkafka_res_ = (expr);                                              \
    if (!fastkafka_res_.ok)                                                    \
      CAF_FAIL(fastkafka_res_.message);                                        \
  } while (false)

// GoogleTest users include <gtest/gtest.h> before this header and write
// `EXPECT_TRUE(fastkafka::gtest(t.called_with(...)))`.
#if defined(GOOGLETEST_INCLUDE_GTEST_GTEST_H_) ||                              \
    defined(GTEST_INCLUDE_GTEST_GTEST_H_)
namespace fastkafka {
/// GoogleTest: a `check_result` as an assertion result with its message.
inline ::testing::AssertionResult gtest(const check_result& res) {
  if (res.ok)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << res.message;
}
} // namespace fastkafka
#endif
