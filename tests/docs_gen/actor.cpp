#define CAF_SUITE docs_gen.actor

#include "fastkafka/docs_actor.hpp"

#include "caf/test/unit_test.hpp"

#include <fstream>
#include <iterator>
#include <unistd.h>

#include "caf/actor_cast.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/scoped_actor.hpp"

#include "docs_demo_app.hpp"
#include "fastkafka/app.hpp"
#include "fastkafka/cli.hpp"

using namespace fastkafka;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

struct fixture {
  fs::path root;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};

  fixture() {
    static int n = 0;
    root = fs::temp_directory_path() /
           ("fastkafka-docs-actor-" + std::to_string(::getpid()) + "-" +
            std::to_string(n++));
    fs::remove_all(root);
  }
  ~fixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  /// Asks `d` to write; returns {path, changed}, or {"error", false}.
  std::pair<std::string, bool> request(const docs_actor& d) {
    caf::scoped_actor self{sys};
    std::pair<std::string, bool> out{"error", false};
    self->request(d, std::chrono::seconds(10), docs_atom_v)
        .receive(
            [&](std::string& path, bool changed) {
              out = {std::move(path), changed};
            },
            [&](caf::error& err) {
              CAF_MESSAGE("docs actor failed: " << sys.render(err));
            });
    return out;
  }

  /// Runs the app's command line with `args`.
  int cli(app& a, std::vector<std::string> args) {
    args.insert(args.begin(), "docs_demo");
    std::vector<char*> argv;
    for (auto& s : args)
      argv.push_back(s.data());
    return run_cli(a, static_cast<int>(argv.size()), argv.data());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(docs_actor_tests, fixture)

CAF_TEST(the docs actor writes the spec at start and on request) {
  auto cfg = docs_demo::config();
  cfg.root_path = root.string();
  app a{cfg};
  docs_demo::install(a);
  auto service = docs_service(a);
  CAF_REQUIRE(service.spawn);
  auto d = caf::actor_cast<docs_actor>(service.spawn(sys));
  CAF_REQUIRE(d);
  // The start request and this one are handled in order: by the time this
  // one replies, the spec exists and is unchanged.
  auto [path, changed] = request(d);
  CAF_CHECK_EQUAL(path, (root / "asyncapi/spec/asyncapi.yml").string());
  CAF_CHECK(!changed);
  CAF_CHECK(slurp(path).starts_with("asyncapi: 2.6.0\n"));
  fs::remove(path);
  auto again = request(d);
  CAF_CHECK(again.second);
  CAF_CHECK(fs::exists(path));
  caf::anon_send_exit(d, caf::exit_reason::user_shutdown);
}

CAF_TEST(without a root path nothing is written until asked) {
  app a{docs_demo::config()};
  docs_demo::install(a);
  docs_state init;
  init.app = docs::describe(a);
  init.where.root = root;
  init.version = docs::asyncapi_version::v3_0_0;
  auto d = spawn_docs_actor(sys, std::move(init));
  CAF_CHECK(!fs::exists(root));
  auto [path, changed] = request(d);
  CAF_CHECK(changed);
  CAF_CHECK(slurp(path).starts_with("asyncapi: 3.0.0\n"));
  caf::anon_send_exit(d, caf::exit_reason::user_shutdown);
}

CAF_TEST(an unusable broker description starts no docs actor) {
  auto cfg = docs_demo::config();
  cfg.kafka_brokers["bad"] = {
      {.security = broker_security{.protocol = "KERBEROS"}}};
  app a{cfg};
  CAF_CHECK(!docs_service(a).spawn);
}

CAF_TEST(docs generate writes the spec from the command line) {
  app a{docs_demo::config()};
  docs_demo::install(a);
  auto spec = root / "asyncapi/spec/asyncapi.yml";
  CAF_CHECK_EQUAL(cli(a, {"docs", "generate", "--spec-only", "--root-path",
                          root.string(), "--asyncapi", "3.0.0"}),
                  0);
  CAF_CHECK(slurp(spec).starts_with("asyncapi: 3.0.0\n"));
  CAF_CHECK_EQUAL(
      cli(a, {"docs", "generate", "--spec-only", "--root-path", root.string()}),
      0);
  CAF_CHECK(slurp(spec).starts_with("asyncapi: 2.6.0\n"));
  CAF_CHECK_EQUAL(cli(a, {"docs", "generate", "--asyncapi", "2.5.0"}), 2);
}

CAF_TEST(docs generate without tooling explains how to install it) {
  app a{docs_demo::config()};
  docs_demo::install(a);
  CAF_CHECK_EQUAL(cli(a, {"docs", "generate", "--root-path", root.string(),
                          "--tooling-dir", (root / "no-tooling").string()}),
                  1);
  // The spec is still written.
  CAF_CHECK(fs::exists(root / "asyncapi/spec/asyncapi.yml"));
}

CAF_TEST_FIXTURE_SCOPE_END()
