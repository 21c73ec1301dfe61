#include "fastkafka/docs/docs.hpp"

#include <csignal>
#include <iostream>
#include <pthread.h>
#include <thread>

#include <httplib.h>

namespace fastkafka::docs {

int serve(const std::filesystem::path& site_dir, const serve_options& options) {
  // SIGINT/SIGTERM are taken by sigwait on this thread: block them before
  // the server thread exists so that it inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server server;
  if (!server.set_mount_point("/", site_dir.string())) {
    std::cerr << "cannot serve " << site_dir.string()
              << ": not a folder; run `docs generate` first\n";
    return 1;
  }
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.bind);
  } else if (!server.bind_to_port(options.bind, port)) {
    port = -1;
  }
  if (port <= 0) {
    std::cerr << "cannot listen on " << options.bind << ":" << options.port
              << '\n';
    return 1;
  }
  std::thread worker{[&server] { server.listen_after_bind(); }};
  std::cout << "Serving the docs of " << site_dir.string() << " at http://"
            << options.bind << ":" << port << "/ (Ctrl-C stops)" << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  std::cerr << "received " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
            << "; stopping the docs server\n";
  server.stop();
  worker.join();
  return 0;
}

} // namespace fastkafka::docs
