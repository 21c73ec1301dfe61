#define CAF_SUITE ops_http_server

#include "fastkafka/ops/http_server.hpp"

#include "caf/test/unit_test.hpp"

#include <mutex>

#include "fastkafka/ops/monitor.hpp"
#include "sample_snapshot.hpp"
#include "support/rdkafka_helpers.hpp"

using namespace fastkafka;
using namespace fastkafka::ops;
using fastkafka::test::child_process;
using namespace std::chrono_literals;

namespace {

/// What an independent client (python3's urllib) read from a URL.
struct fetched {
  int status = -1;
  std::string content_type;
  std::string body;
};

// Python's urllib, not our code, speaks HTTP to the server: status line,
// headers and body are read the way a scraper or probe reads them.
fetched fetch(uint16_t port, const std::string& path) {
  static const std::string script = R"(
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen(sys.argv[1], timeout=5)
    status, ctype, body = r.status, r.headers.get('Content-Type', ''), r.read()
except urllib.error.HTTPError as e:
    status, ctype, body = e.code, e.headers.get('Content-Type', ''), e.read()
except OSError as e:
    print(-1); print(''); print(e); sys.exit(0)
print(status); print(ctype); sys.stdout.write(body.decode())
)";
  child_process proc{{PYTHON3, "-c", script,
                      "http://127.0.0.1:" + std::to_string(port) + path}};
  auto out = proc.read_all(10s);
  proc.exit_code(5s);
  fetched f;
  auto nl1 = out.find('\n');
  auto nl2 = out.find('\n', nl1 + 1);
  if (nl1 == std::string::npos || nl2 == std::string::npos)
    return f;
  f.status = std::stoi(out.substr(0, nl1));
  f.content_type = out.substr(nl1 + 1, nl2 - nl1 - 1);
  f.body = out.substr(nl2 + 1);
  return f;
}

/// A snapshot the test changes while the server reads it.
struct fake_runtime {
  std::mutex mtx;
  std::optional<runtime_snapshot> current;

  snapshot_source source() {
    return [this]() -> std::optional<runtime_snapshot> {
      std::lock_guard<std::mutex> guard{mtx};
      return current;
    };
  }

  template <class F>
  void change(F f) {
    std::lock_guard<std::mutex> guard{mtx};
    f(current);
  }
};

} // namespace

CAF_TEST(the endpoints answer an independent client on loopback) {
  fake_runtime rt;
  rt.current = test::sample_snapshot();
  rdkafka_stats_store stats;
  stats.update("to_output", R"({"type":"producer","msg_cnt":12})");
  ops_monitor monitor{rt.source(), health_options{}, &stats};
  ops_http_server server{{"127.0.0.1", 0}, monitor.routes()};
  CAF_REQUIRE(server.port() > 0);
  CAF_CHECK_EQUAL(server.bind(), "127.0.0.1");

  auto metrics = fetch(server.port(), "/metrics");
  CAF_CHECK_EQUAL(metrics.status, 200);
  CAF_CHECK_EQUAL(metrics.content_type,
                  "text/plain; version=0.0.4; charset=utf-8");
  CAF_CHECK(metrics.body.find("fastkafka_consumer_handled_messages_total{"
                              "registration=\"on_input\"") !=
            std::string::npos);
  CAF_CHECK(metrics.body.find("fastkafka_rdkafka_producer_queue_messages{"
                              "registration=\"to_output\"} 12") !=
            std::string::npos);

  auto live = fetch(server.port(), "/health/live");
  CAF_CHECK_EQUAL(live.status, 200);
  CAF_CHECK_EQUAL(live.content_type, "application/json");
  CAF_CHECK(live.body.find(R"("status":"live")") != std::string::npos);

  // The sample's second consumer has not joined its group.
  auto ready = fetch(server.port(), "/health/ready");
  CAF_CHECK_EQUAL(ready.status, 503);
  CAF_CHECK(ready.body.find(R"("reason":"not_joined")") != std::string::npos);
  rt.change([](auto& s) { s->consumers[1].joined = true; });
  ready = fetch(server.port(), "/health/ready");
  CAF_CHECK_EQUAL(ready.status, 200);
  CAF_CHECK(ready.body.find(R"("status":"ready")") != std::string::npos);

  rt.change([](auto& s) { s->state = runtime_state::failed; });
  CAF_CHECK_EQUAL(fetch(server.port(), "/health/live").status, 503);
  rt.change([](auto& s) { s.reset(); });
  live = fetch(server.port(), "/health/live");
  CAF_CHECK_EQUAL(live.status, 503);
  CAF_CHECK(live.body.find("no_report") != std::string::npos);
  CAF_CHECK_EQUAL(fetch(server.port(), "/metrics").status, 503);

  CAF_CHECK_EQUAL(fetch(server.port(), "/nothing-here").status, 404);

  auto port = server.port();
  server.stop();
  server.stop(); // idempotent
  CAF_CHECK_EQUAL(fetch(port, "/metrics").status, -1);
}

CAF_TEST(a callback that throws answers 500) {
  http_routes routes;
  routes.metrics = []() -> http_answer {
    throw std::runtime_error("snapshot failed");
  };
  ops_http_server server{{"127.0.0.1", 0}, routes};
  auto f = fetch(server.port(), "/metrics");
  CAF_CHECK_EQUAL(f.status, 500);
  CAF_CHECK(f.body.find("snapshot failed") != std::string::npos);
  // No ready callback: the path is not served.
  CAF_CHECK_EQUAL(fetch(server.port(), "/health/ready").status, 404);
}

CAF_TEST(a port in use is an error naming the address) {
  ops_http_server first{{"127.0.0.1", 0}, {}};
  try {
    ops_http_server second{{"127.0.0.1", first.port()}, {}};
    CAF_FAIL("binding a port in use succeeded");
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    CAF_CHECK(what.find("127.0.0.1:" + std::to_string(first.port())) !=
              std::string::npos);
  }
}

CAF_TEST(a server stops at once even right after it started) {
  for (int i = 0; i < 20; ++i) {
    ops_http_server s{{"127.0.0.1", 0}, {}};
  }
}
