#include "fastkafka/docs/docs.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <spawn.h>
#include <sys/wait.h>
#include <vector>

#include "embedded_tooling.hpp"

extern char** environ;

namespace fastkafka::docs {

namespace fs = std::filesystem;

namespace {

/// Runs `argv` with the environment plus `extra_env` and waits for it;
/// returns its exit code, 128 + signal when killed, -1 when it cannot start.
int run_process(const std::vector<std::string>& argv,
                const std::vector<std::string>& extra_env = {}) {
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e)
    env_store.emplace_back(*e);
  for (auto& e : extra_env)
    env_store.push_back(e);
  std::vector<char*> env;
  for (auto& e : env_store)
    env.push_back(e.data());
  env.push_back(nullptr);
  std::vector<std::string> args_store = argv;
  std::vector<char*> args;
  for (auto& a : args_store)
    args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), env.data()) !=
      0)
    return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string read_file(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

bool write_project(const fs::path& dir) {
  for (auto& f : embedded::tooling_files()) {
    std::error_code ec;
    write_if_changed(dir / f.name, std::string{f.content}, ec);
    if (ec) {
      std::cerr << "cannot write " << (dir / f.name).string() << ": "
                << ec.message() << '\n';
      return false;
    }
  }
  return true;
}

} // namespace

fs::path resolve_tooling_dir(const fs::path& fallback) {
  if (auto* env = std::getenv("FASTKAFKA_DOCS_TOOLING"); env && *env)
    return env;
  return fallback;
}

bool tooling::installed() const {
  // npm ci writes node_modules/.package-lock.json; together with an equal
  // lockfile it means this exact set of packages is in place.
  if (!fs::exists(dir / "node_modules" / ".package-lock.json"))
    return false;
  for (auto& f : embedded::tooling_files())
    if (f.name == std::string_view{"package-lock.json"})
      return read_file(dir / f.name) == f.content;
  return false;
}

int tooling::install() const {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << "cannot create " << dir.string() << ": " << ec.message()
              << '\n';
    return 1;
  }
  if (!write_project(dir))
    return 1;
  if (installed()) {
    std::cerr << "docs tooling already installed in " << dir.string() << '\n';
    return 0;
  }
  std::cerr << "installing the AsyncAPI tooling into " << dir.string()
            << " (npm ci; once)\n";
  // Puppeteer (a dependency of the HTML template) downloads a browser at
  // install time; it is only needed for PDF output, so skip it.
  return run_process(
      {"npm", "ci", "--no-audit", "--no-fund", "--prefix", dir.string()},
      {"PUPPETEER_SKIP_DOWNLOAD=1"});
}

int tooling::validate(const fs::path& spec) const {
  if (!write_project(dir))
    return 1;
  return run_process({"node", (dir / "validate.mjs").string(), spec.string()});
}

int tooling::render(const fs::path& spec, const fs::path& out_dir) const {
  if (!write_project(dir))
    return 1;
  return run_process(
      {"node", (dir / "render.mjs").string(), spec.string(), out_dir.string()});
}

} // namespace fastkafka::docs
