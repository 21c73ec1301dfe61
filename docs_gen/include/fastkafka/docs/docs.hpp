#pragma once

// Files and commands of the docs: the spec under `<root>/asyncapi/spec/`,
// the HTML site under `<root>/asyncapi/docs/`, the Node tooling that renders
// it, and a small HTTP server.

#include <filesystem>
#include <string>
#include <system_error>

#include "fastkafka/docs/asyncapi.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace fastkafka::docs {

/// Where the docs of an app live.
struct layout {
  /// `<root>`; the app's `root_path`, or the working directory when empty.
  std::filesystem::path root;

  /// `<root>/asyncapi/spec/asyncapi.yml`, FastKafka's layout.
  std::filesystem::path spec_file() const;
  /// `<root>/asyncapi/docs`, the HTML site.
  std::filesystem::path site_dir() const;
  /// `<root>/asyncapi/.tooling`, the default Node tooling folder.
  std::filesystem::path default_tooling_dir() const;
};

/// What `write_spec` did.
struct write_result {
  std::filesystem::path path;
  /// False when the file already had this content and was left alone.
  bool changed = false;
};

/// Writes `content` to `path` unless the file already holds exactly that
/// (so that timestamps and watchers see a change only when there is one);
/// creates parent folders; replaces atomically. Sets `ec` on failure.
write_result write_if_changed(const std::filesystem::path& path,
                              const std::string& content, std::error_code& ec);

/// Writes the YAML spec of `app` to `spec_file()` when it changed.
write_result write_spec(const app_description& app, const layout& where,
                        asyncapi_version v, std::error_code& ec);

/// Throwing overload: `std::system_error` names the file.
write_result write_spec(const app_description& app, const layout& where,
                        asyncapi_version v = asyncapi_version::v2_6_0);

/// The Node project (package.json, package-lock.json and scripts) built into
/// the binary, so that the binary alone can install its tooling.
struct tooling {
  /// Folder holding package.json and node_modules.
  std::filesystem::path dir;

  /// True when `npm ci` ran for exactly the built-in lockfile.
  bool installed() const;
  /// Writes the project files and runs `npm ci` (puppeteer's browser
  /// download skipped: it is only needed for PDF). Returns npm's exit code,
  /// or -1 when npm cannot be started; says what it does on stderr.
  int install() const;
  /// Runs the official parser over `spec`; returns node's exit code (0: no
  /// errors). Diagnostics go to stdout, one per line.
  int validate(const std::filesystem::path& spec) const;
  /// Renders `spec` into `out_dir/index.html` (self-contained); returns
  /// node's exit code.
  int render(const std::filesystem::path& spec,
             const std::filesystem::path& out_dir) const;
};

/// The tooling folder: `FASTKAFKA_DOCS_TOOLING` if set, else `fallback`.
std::filesystem::path
resolve_tooling_dir(const std::filesystem::path& fallback);

/// Options of `docs serve`.
struct serve_options {
  std::string bind = "127.0.0.1";
  /// 0 picks a free port; the printed URL has the real one.
  int port = 8000;
};

/// Serves `site_dir` over HTTP until SIGINT or SIGTERM; prints the URL on
/// stdout first. Returns 0 after a signal, 1 when it cannot listen.
int serve(const std::filesystem::path& site_dir, const serve_options& options);

/// Arguments of the `docs` subcommands, filled by CLI11.
struct cli_args {
  std::string root_path;
  std::string asyncapi = "2.6.0";
  std::string tooling_dir;
  bool spec_only = false;
  serve_options serve;
  CLI::App* generate = nullptr;
  CLI::App* serve_cmd = nullptr;
  CLI::App* install_deps = nullptr;
};

/// Adds `docs generate|serve|install_deps` to `cli`; returns the `docs`
/// subcommand so that the caller can check `parsed()`.
CLI::App* add_cli(CLI::App& cli, const app& a, cli_args& args);

/// Runs the `docs` subcommand that was parsed; returns the exit code (0 ok,
/// 1 failure, 2 bad arguments).
int run_cli(const app& a, const cli_args& args);

} // namespace fastkafka::docs
