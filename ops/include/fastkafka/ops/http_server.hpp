#pragma once

// The operations HTTP server: `/metrics`, `/health/live`, `/health/ready`,
// each answered by a callback, on a thread of its own. It knows nothing of
// apps; `ops_monitor` supplies the callbacks.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace fastkafka::ops {

/// What an endpoint answers.
struct http_answer {
  /// The HTTP status: 200, or 503 for a failed check.
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

/// The callbacks behind the paths; an empty one answers 404. They run on
/// the server's threads, several at once when scrapes and probes overlap.
/// One that throws answers 500 with the exception's text.
struct http_routes {
  /// `GET /metrics`.
  std::function<http_answer()> metrics;
  /// `GET /health/live`.
  std::function<http_answer()> live;
  /// `GET /health/ready`.
  std::function<http_answer()> ready;
};

/// Where the server listens.
struct http_server_options {
  /// The address to bind, e.g. `0.0.0.0` in a container, `127.0.0.1` for
  /// a host-local scraper.
  std::string bind = "127.0.0.1";
  /// The port; 0 takes a free one (see `ops_http_server::port`).
  uint16_t port = 0;
};

/// Serves `routes` until `stop` or destruction. Neither copyable nor
/// movable: its thread refers to it.
class ops_http_server {
public:
  /// Binds and starts serving; throws `std::runtime_error` naming the
  /// address when it cannot be bound.
  ops_http_server(http_server_options options, http_routes routes);

  ops_http_server(const ops_http_server&) = delete;
  ops_http_server& operator=(const ops_http_server&) = delete;

  /// Stops serving; never throws.
  ~ops_http_server() noexcept;

  /// The port actually bound (the chosen one when asked for 0).
  uint16_t port() const noexcept;

  /// The bound address.
  const std::string& bind() const noexcept;

  /// Stops accepting, finishes the requests in progress and joins the
  /// thread. Idempotent; never throws.
  void stop() noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace fastkafka::ops
