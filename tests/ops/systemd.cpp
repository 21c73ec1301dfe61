#define CAF_SUITE ops_systemd

#include "fastkafka/ops/systemd_notifier.hpp"

#include "caf/test/unit_test.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fastkafka/ops/systemd_service.hpp"

using namespace fastkafka::ops;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

/// Plays systemd: a unix datagram socket bound where NOTIFY_SOCKET points.
class fake_systemd {
public:
  /// Binds `name`: a path, or `@name` for the abstract namespace.
  explicit fake_systemd(std::string name)
      : name_(std::move(name)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name_.data(), name_.size());
    socklen_t len = offsetof(sockaddr_un, sun_path) + name_.size();
    if (name_[0] == '@')
      addr.sun_path[0] = '\0';
    else
      len += 1;
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0;
  }

  ~fake_systemd() {
    ::close(fd_);
    if (name_[0] != '@')
      ::unlink(name_.c_str());
  }

  bool bound() const { return bound_; }

  /// The next datagram, or nothing within `timeout`.
  std::optional<std::string> next(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
      return std::nullopt;
    char buf[4096];
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0)
      return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }

  /// Reads datagrams until one starts with `prefix` (returned) or
  /// `timeout` passes; counts the `WATCHDOG=1` ones on the way.
  std::optional<std::string> until(std::string_view prefix,
                                   std::chrono::milliseconds timeout,
                                   int* watchdogs = nullptr) {
    auto deadline = clock_type::now() + timeout;
    while (clock_type::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - clock_type::now());
      auto msg = next(std::max(left, 1ms));
      if (!msg)
        break;
      if (msg->starts_with(prefix))
        return msg;
      if (*msg == "WATCHDOG=1" && watchdogs != nullptr)
        ++*watchdogs;
      log_.push_back(*msg);
    }
    return std::nullopt;
  }

  /// Everything read for `window`, in order.
  std::vector<std::string> collect(std::chrono::milliseconds window) {
    std::vector<std::string> out;
    auto deadline = clock_type::now() + window;
    while (clock_type::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - clock_type::now());
      if (auto msg = next(std::max(left, 1ms)))
        out.push_back(*msg);
    }
    return out;
  }

  /// Datagrams `until` skipped.
  const std::vector<std::string>& skipped() const { return log_; }

private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
  std::vector<std::string> log_;
};

std::string temp_socket() {
  return "/tmp/fastkafka-notify-" + std::to_string(getpid()) + "-" +
         std::to_string(clock_type::now().time_since_epoch().count() % 100000);
}

int count(const std::vector<std::string>& msgs, std::string_view what) {
  int n = 0;
  for (auto& m : msgs)
    n += m.starts_with(what) ? 1 : 0;
  return n;
}

health_report report(bool live, bool ready, std::string reason = {}) {
  health_report r;
  r.live.ok = live;
  r.ready.ok = ready;
  r.ready.consumers = 1;
  if (!live)
    r.live.problems.push_back({"failed", "the tree failed", {}, {}});
  if (!ready)
    r.ready.problems.push_back(
        {reason, "consumer on_input is " + reason, "on_input", "g"});
  return r;
}

} // namespace

CAF_TEST(the notifier reads NOTIFY_SOCKET and the watchdog variables) {
  unsetenv("NOTIFY_SOCKET");
  auto off = systemd_notifier::from_environment();
  CAF_CHECK(!off.enabled());
  CAF_CHECK(!off.ready());
  setenv("NOTIFY_SOCKET", "/run/x.sock", 1);
  setenv("WATCHDOG_USEC", "400000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  auto on = systemd_notifier::from_environment();
  CAF_CHECK(on.enabled());
  CAF_CHECK_EQUAL(on.socket(), "/run/x.sock");
  CAF_REQUIRE(on.watchdog_interval());
  CAF_CHECK(*on.watchdog_interval() == 200000us);
  // The watchdog of another process (our parent's) is not ours.
  setenv("WATCHDOG_PID", "1", 1);
  CAF_CHECK(!systemd_notifier::from_environment().watchdog_interval());
  unsetenv("WATCHDOG_PID");
  setenv("WATCHDOG_USEC", "soon", 1);
  CAF_CHECK(!systemd_notifier::from_environment().watchdog_interval());
  unsetenv("WATCHDOG_USEC");
  unsetenv("NOTIFY_SOCKET");
}

CAF_TEST(datagrams reach a path socket and an abstract one) {
  for (auto name : {temp_socket(), "@" + temp_socket()}) {
    fake_systemd systemd{name};
    CAF_REQUIRE(systemd.bound());
    systemd_notifier n{name};
    CAF_CHECK(n.ready("ready: 2 consumers"));
    CAF_CHECK_EQUAL(systemd.next(2s).value_or(""),
                    "READY=1\nSTATUS=ready: 2 consumers");
    CAF_CHECK(n.status("two\nlines"));
    CAF_CHECK_EQUAL(systemd.next(2s).value_or(""), "STATUS=two lines");
    CAF_CHECK(n.watchdog());
    CAF_CHECK_EQUAL(systemd.next(2s).value_or(""), "WATCHDOG=1");
    CAF_CHECK(n.stopping());
    CAF_CHECK_EQUAL(systemd.next(2s).value_or(""), "STOPPING=1");
  }
  systemd_notifier nobody{"/tmp/fastkafka-no-such-socket"};
  CAF_CHECK(!nobody.ready());
}

CAF_TEST(the service sends ready once and pings only while healthy) {
  auto name = temp_socket();
  fake_systemd systemd{name};
  CAF_REQUIRE(systemd.bound());
  enum phase { starting, ready, stalled, broker_down, failed };
  std::atomic<int> now{starting};
  auto health = [&] {
    switch (now.load()) {
    case starting:
      return report(true, false, "starting");
    case ready:
      return report(true, true);
    case stalled:
      return report(true, false, "stalled");
    case broker_down:
      return report(true, false, "broker_unreachable");
    default:
      return report(false, false);
    }
  };
  // systemd's WatchdogSec=0.2 s: a ping every 100 ms.
  systemd_service svc{systemd_notifier{name, 200000us}, health,
                      systemd_service_options{1000ms}};

  auto first = systemd.until("STATUS=", 2s);
  CAF_CHECK_EQUAL(first.value_or(""),
                  "STATUS=not ready: consumer on_input is starting");
  CAF_CHECK(!svc.ready_sent());

  now = ready;
  auto ready_msg = systemd.until("READY=1", 2s);
  CAF_CHECK_EQUAL(ready_msg.value_or(""),
                  "READY=1\nSTATUS=ready: 1 consumer making progress");
  CAF_CHECK(svc.ready_sent());
  auto healthy = systemd.collect(450ms);
  CAF_CHECK(count(healthy, "WATCHDOG=1") >= 3);
  CAF_CHECK_EQUAL(count(healthy, "STATUS="), 0);

  // A stalled consumer: the status says so and the pings stop, so that
  // systemd restarts the service after WatchdogSec.
  now = stalled;
  CAF_CHECK(
      systemd.until("STATUS=not ready: consumer on_input is stalled", 2s));
  auto stalled_msgs = systemd.collect(450ms);
  CAF_CHECK_EQUAL(count(stalled_msgs, "WATCHDOG=1"), 0);

  // Unreachable broker: not ready, but pings go on (librdkafka reconnects;
  // a restart would not help).
  now = broker_down;
  CAF_CHECK(systemd.until("STATUS=not ready: consumer on_input is "
                          "broker_unreachable",
                          2s));
  CAF_CHECK(count(systemd.collect(350ms), "WATCHDOG=1") >= 2);

  // Ready again: no second READY=1.
  now = ready;
  CAF_CHECK(systemd.until("STATUS=ready", 2s));
  auto again = systemd.collect(350ms);
  CAF_CHECK_EQUAL(count(again, "READY=1"), 0);
  CAF_CHECK(count(again, "WATCHDOG=1") >= 2);

  svc.stopping();
  CAF_CHECK(systemd.until("STOPPING=1\nSTATUS=stopping", 2s));
  // Draining is healthy: pings go on, and nothing claims readiness.
  auto draining = systemd.collect(350ms);
  CAF_CHECK(count(draining, "WATCHDOG=1") >= 2);
  CAF_CHECK_EQUAL(count(draining, "READY=1"), 0);
  CAF_CHECK_EQUAL(count(draining, "STATUS="), 0);

  now = failed;
  auto dead = systemd.collect(350ms);
  // At most one ping from a check that ran before the switch.
  CAF_CHECK(count(dead, "WATCHDOG=1") <= 1);
  svc.stop();
  CAF_CHECK(systemd.collect(250ms).empty());
  CAF_CHECK_EQUAL(count(systemd.skipped(), "READY=1"), 0);
}

CAF_TEST(without NOTIFY_SOCKET the service does nothing) {
  std::atomic<int> calls{0};
  {
    systemd_service svc{systemd_notifier{}, [&] {
                          ++calls;
                          return report(true, true);
                        }};
    std::this_thread::sleep_for(50ms);
  }
  CAF_CHECK_EQUAL(calls.load(), 0);
}

CAF_TEST(watchdog health ignores readiness but not stalls or death) {
  CAF_CHECK(watchdog_healthy(report(true, true), false));
  CAF_CHECK(watchdog_healthy(report(true, false, "not_joined"), false));
  CAF_CHECK(!watchdog_healthy(report(true, false, "not_joined"), true));
  CAF_CHECK(!watchdog_healthy(report(true, false, "stalled"), false));
  CAF_CHECK(!watchdog_healthy(report(false, false), false));
}
