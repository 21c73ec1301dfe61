#include "fastkafka/ops/http_server.hpp"

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <httplib.h>

namespace fastkafka::ops {

struct ops_http_server::impl {
  http_server_options options;
  http_routes routes;
  httplib::Server server;
  uint16_t port = 0;
  std::thread worker;
  std::once_flag stopped;
};

namespace {

void route(httplib::Server& server, const char* path,
           std::function<http_answer()> handler) {
  if (!handler)
    return;
  server.Get(path, [handler = std::move(handler)](const httplib::Request&,
                                                  httplib::Response& res) {
    try {
      auto answer = handler();
      res.status = answer.status;
      res.set_content(std::move(answer.body), answer.content_type.c_str());
    } catch (const std::exception& e) {
      res.status = 500;
      res.set_content(std::string{"internal error: "} + e.what() + "\n",
                      "text/plain");
    } catch (...) {
      res.status = 500;
      res.set_content("internal error\n", "text/plain");
    }
  });
}

} // namespace

ops_http_server::ops_http_server(http_server_options options,
                                 http_routes routes)
    : impl_(std::make_unique<impl>()) {
  impl_->options = std::move(options);
  impl_->routes = std::move(routes);
  auto& server = impl_->server;
  route(server, "/metrics", impl_->routes.metrics);
  route(server, "/health/live", impl_->routes.live);
  route(server, "/health/ready", impl_->routes.ready);
  // httplib's default sets SO_REUSEPORT, with which a second app on the same
  // port binds too and the kernel splits scrapes between them. SO_REUSEADDR
  // alone still allows a restart while old connections are in TIME_WAIT.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // Probes time out after a second or so: a slow reader must not hold a
  // server thread for httplib's default of five.
  server.set_read_timeout(2, 0);
  server.set_write_timeout(2, 0);
  auto& bind = impl_->options.bind;
  int port = impl_->options.port;
  if (port == 0)
    port = server.bind_to_any_port(bind);
  else if (!server.bind_to_port(bind, port))
    port = -1;
  if (port <= 0)
    throw std::runtime_error(
        "cannot listen on " + bind + ":" + std::to_string(impl_->options.port) +
        " for metrics and health: the address is in use or not local; "
        "choose another port (0 picks a free one)");
  impl_->port = static_cast<uint16_t>(port);
  impl_->worker = std::thread{[this] { impl_->server.listen_after_bind(); }};
  // httplib's stop() only works on a server already in its accept loop: a
  // stop before that would leave the thread listening forever.
  while (!server.is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
}

ops_http_server::~ops_http_server() noexcept {
  stop();
}

uint16_t ops_http_server::port() const noexcept {
  return impl_->port;
}

const std::string& ops_http_server::bind() const noexcept {
  return impl_->options.bind;
}

void ops_http_server::stop() noexcept {
  try {
    std::call_once(impl_->stopped, [this] {
      impl_->server.stop();
      if (impl_->worker.joinable())
        impl_->worker.join();
    });
  } catch (...) {
    // call_once reports a failed thread call; nothing is left to undo.
  }
}

} // namespace fastkafka::ops
