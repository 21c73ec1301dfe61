#pragma once

// The user-facing test harness: starts a broker (embedded unless given an
// external one), points apps at it, sends to the topics they consume and
// records what they produce, with waiting assertions that say what arrived.

#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fastkafka/app.hpp"
#include "fastkafka/codecs/json.hpp"
#include "fastkafka/embedded_broker.hpp"

namespace fastkafka {

/// Settings of a tester.
struct tester_options {
  /// An external cluster (`host:port,...`); empty starts an embedded broker.
  std::string bootstrap_servers;
  /// Partitions of the topics the tester creates on its embedded broker.
  int partitions = 4;
  /// Extra topics to create up front (the apps' topics always are).
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

/// Starts a broker and apps for a test, and stops everything at scope exit.
///
/// Readers of the apps' output topics are assigned partitions directly (no
/// consumer group), so they see messages at once; the apps' own consumers
/// join groups, which the 2.0.2 mock broker delays by ~3 s the first time.
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

  /// Sends `value` JSON-encoded to `topic` (FastKafka's `to_<topic>`) and
  /// waits for the broker's acknowledgement.
  template <class T>
  void to(const std::string& topic, const T& value, std::string_view key = {}) {
    std::string bytes;
    json_codec<T>().encode(value, bytes);
    send_raw(topic, bytes, key);
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
                std::string_view key = {});

  /// Payloads received so far on `topic` (one of the apps' output topics).
  std::vector<std::string> received(const std::string& topic) const;

  /// Waits until `topic` received a message equal to `expected` (compared
  /// as encoded JSON values, so field order and spacing do not matter).
  template <class T>
  check_result called_with(
      const std::string& topic, const T& expected,
      std::chrono::milliseconds timeout = std::chrono::seconds{5}) const {
    std::string bytes;
    json_codec<T>().encode(expected, bytes);
    return called_with_json(topic, bytes, timeout);
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

  // -- mocks (FastKafka's create_mocks) -------------------------------------

  /// Copies of the values registration `name` (a `consumes` handler or a
  /// producer) received or sent, taken before the real call ran; `T` must
  /// be the registration's type.
  template <class T>
  std::vector<T> mock_calls(const std::string& name) const {
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
