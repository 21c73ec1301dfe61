#pragma once

// systemd's notification protocol (sd_notify(3)): newline-separated
// `KEY=VALUE` assignments in one datagram to the unix socket named by
// `$NOTIFY_SOCKET` (a path, or an abstract name written with a leading
// `@`). Spoken directly: it is one sendto, and libsystemd would be a
// dependency for that alone.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fastkafka::ops {

/// Sends notifications to systemd; does nothing when not run by systemd.
class systemd_notifier {
public:
  /// A notifier that sends nothing.
  systemd_notifier() = default;

  /// Sends to `socket` (a path, or `@name` for the abstract namespace);
  /// `watchdog` is systemd's watchdog timeout for this process, if any.
  explicit systemd_notifier(
      std::string socket,
      std::optional<std::chrono::microseconds> watchdog = std::nullopt);

  /// From `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` (the
  /// watchdog counts only when its pid is ours or unset).
  static systemd_notifier from_environment();

  /// Whether there is a socket to send to.
  bool enabled() const noexcept { return !socket_.empty(); }

  /// The socket as given.
  const std::string& socket() const noexcept { return socket_; }

  /// How often to send `WATCHDOG=1`: half of systemd's timeout, as
  /// sd_watchdog_enabled(3) recommends; nothing when there is no watchdog.
  std::optional<std::chrono::microseconds> watchdog_interval() const noexcept;

  /// Sends `assignments` (`KEY=VALUE` lines); false when disabled or the
  /// datagram could not be sent. Never throws.
  bool notify(std::string_view assignments) const noexcept;

  /// `READY=1`, with a status line when `status` is not empty.
  bool ready(std::string_view status = {}) const noexcept;

  /// `STOPPING=1`, with a status line when `status` is not empty.
  bool stopping(std::string_view status = {}) const noexcept;

  /// `WATCHDOG=1`.
  bool watchdog() const noexcept;

  /// `STATUS=<text>` (line feeds become spaces: one assignment per line).
  bool status(std::string_view text) const noexcept;

private:
  std::string socket_;
  std::optional<std::chrono::microseconds> watchdog_;
};

} // namespace fastkafka::ops
