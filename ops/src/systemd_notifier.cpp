#include "fastkafka/ops/systemd_notifier.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace fastkafka::ops {

namespace {

std::optional<long long> env_number(const char* name) {
  auto* text = std::getenv(name);
  if (text == nullptr || *text == '\0')
    return std::nullopt;
  long long value = 0;
  auto end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc{} || ptr != end)
    return std::nullopt;
  return value;
}

std::string one_line(std::string_view text) {
  std::string out{text};
  for (auto& c : out)
    if (c == '\n' || c == '\r')
      c = ' ';
  return out;
}

std::string with_status(std::string_view head, std::string_view status) {
  std::string msg{head};
  if (!status.empty()) {
    msg += "\nSTATUS=";
    msg += one_line(status);
  }
  return msg;
}

} // namespace

systemd_notifier::systemd_notifier(
    std::string socket, std::optional<std::chrono::microseconds> watchdog)
    : socket_(std::move(socket))
    , watchdog_(watchdog) {}

systemd_notifier systemd_notifier::from_environment() {
  auto* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || *socket == '\0')
    return {};
  std::optional<std::chrono::microseconds> watchdog;
  auto usec = env_number("WATCHDOG_USEC");
  auto pid = env_number("WATCHDOG_PID");
  if (usec && *usec > 0 && (!pid || *pid == getpid()))
    watchdog = std::chrono::microseconds{*usec};
  return systemd_notifier{socket, watchdog};
}

std::optional<std::chrono::microseconds>
systemd_notifier::watchdog_interval() const noexcept {
  if (!watchdog_)
    return std::nullopt;
  return *watchdog_ / 2;
}

bool systemd_notifier::notify(std::string_view assignments) const noexcept {
  if (socket_.empty())
    return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // An abstract address starts with a NUL byte and is not NUL-terminated:
  // its length is part of the name.
  if (socket_.size() >= sizeof(addr.sun_path))
    return false;
  std::memcpy(addr.sun_path, socket_.data(), socket_.size());
  socklen_t len = offsetof(sockaddr_un, sun_path) + socket_.size();
  if (socket_[0] == '@')
    addr.sun_path[0] = '\0';
  else
    len += 1;
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  auto sent = ::sendto(fd, assignments.data(), assignments.size(), MSG_NOSIGNAL,
                       reinterpret_cast<sockaddr*>(&addr), len);
  ::close(fd);
  return sent == static_cast<ssize_t>(assignments.size());
}

bool systemd_notifier::ready(std::string_view status) const noexcept {
  try {
    return notify(with_status("READY=1", status));
  } catch (...) {
    return false;
  }
}

bool systemd_notifier::stopping(std::string_view status) const noexcept {
  try {
    return notify(with_status("STOPPING=1", status));
  } catch (...) {
    return false;
  }
}

bool systemd_notifier::watchdog() const noexcept {
  return notify("WATCHDOG=1");
}

bool systemd_notifier::status(std::string_view text) const noexcept {
  try {
    return notify("STATUS=" + one_line(text));
  } catch (...) {
    return false;
  }
}

} // namespace fastkafka::ops
