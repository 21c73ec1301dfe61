#include "fastkafka/docs/docs.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include "fastkafka/app.hpp"

namespace fastkafka::docs {

namespace fs = std::filesystem;

namespace {

void add_root_option(CLI::App* cmd, cli_args& args) {
  cmd->add_option("--root-path", args.root_path,
                  "Where asyncapi/spec and asyncapi/docs go (default: the "
                  "app's root_path, else the working directory)")
      ->type_name("DIR");
}

void add_tooling_option(CLI::App* cmd, cli_args& args) {
  cmd->add_option("--tooling-dir", args.tooling_dir,
                  "Folder of the Node tooling (default: environment variable "
                  "FASTKAFKA_DOCS_TOOLING, else <root>/asyncapi/.tooling)")
      ->type_name("DIR");
}

void add_version_option(CLI::App* cmd, cli_args& args) {
  cmd->add_option("--asyncapi", args.asyncapi, "AsyncAPI version of the spec")
      ->check(CLI::IsMember({"2.6.0", "3.0.0"}))
      ->capture_default_str();
}

// Renders the site, or explains how to get the tooling.
int render(const tooling& t, const layout& where) {
  if (!t.installed()) {
    std::cerr << "the docs tooling is not installed in " << t.dir.string()
              << ": run `docs install_deps` once (needs npm and the npm "
                 "registry), or pass --spec-only\n";
    return 1;
  }
  std::cerr << "rendering the HTML docs (takes a few seconds)\n";
  if (int rc = t.render(where.spec_file(), where.site_dir()); rc != 0) {
    std::cerr << "rendering failed (exit code " << rc << ")\n";
    return 1;
  }
  std::cout << "HTML docs written to "
            << (where.site_dir() / "index.html").string() << std::endl;
  return 0;
}

} // namespace

CLI::App* add_cli(CLI::App& cli, const app& a, cli_args& args) {
  auto* docs = cli.add_subcommand(
      "docs",
      "Write the AsyncAPI spec and HTML docs of the app, or serve them");
  docs->require_subcommand(1);
  args.generate = docs->add_subcommand(
      "generate",
      "Write <root>/asyncapi/spec/asyncapi.yml (only when it "
      "changed) and render the HTML site into <root>/asyncapi/docs");
  add_root_option(args.generate, args);
  add_version_option(args.generate, args);
  add_tooling_option(args.generate, args);
  args.generate->add_flag("--spec-only", args.spec_only,
                          "Write the spec only, without HTML (no Node needed)");
  args.serve_cmd = docs->add_subcommand(
      "serve", "Serve the HTML docs (generated first when the spec changed) "
               "until SIGINT or SIGTERM");
  add_root_option(args.serve_cmd, args);
  add_version_option(args.serve_cmd, args);
  add_tooling_option(args.serve_cmd, args);
  args.serve_cmd->add_option("--bind", args.serve.bind, "Address to listen on")
      ->capture_default_str();
  args.serve_cmd
      ->add_option("--port", args.serve.port, "Port to listen on (0: any free)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  args.install_deps = docs->add_subcommand(
      "install_deps", "Install the AsyncAPI HTML tooling from npm (once, into "
                      "the tooling folder; generation then works offline)");
  add_root_option(args.install_deps, args);
  add_tooling_option(args.install_deps, args);
  (void)a;
  return docs;
}

int run_cli(const app& a, const cli_args& args) {
  layout where;
  where.root = !args.root_path.empty()         ? fs::path{args.root_path}
               : !a.config().root_path.empty() ? fs::path{a.config().root_path}
                                               : fs::path{"."};
  tooling t;
  t.dir = !args.tooling_dir.empty()
              ? fs::path{args.tooling_dir}
              : resolve_tooling_dir(where.default_tooling_dir());
  if (args.install_deps && args.install_deps->parsed()) {
    int rc = t.install();
    if (rc != 0) {
      std::cerr << "npm ci failed (exit code " << rc << ")\n";
      return 1;
    }
    std::cout << "docs tooling installed in " << t.dir.string() << std::endl;
    return 0;
  }
  auto version = parse_asyncapi_version(args.asyncapi);
  if (!version) {
    std::cerr << "unknown AsyncAPI version " << args.asyncapi << '\n';
    return 2;
  }
  write_result written;
  try {
    written = write_spec(describe(a), where, *version);
  } catch (const std::exception& e) {
    std::cerr << "cannot write the spec: " << e.what() << '\n';
    return 1;
  }
  std::cout << "AsyncAPI " << to_string(*version) << " spec "
            << (written.changed ? "written to " : "unchanged: ")
            << written.path.string() << std::endl;
  if (args.generate && args.generate->parsed())
    return args.spec_only ? 0 : render(t, where);
  // serve: render only when the page is missing or older than the spec.
  if (written.changed || !fs::exists(where.site_dir() / "index.html"))
    if (int rc = render(t, where); rc != 0)
      return rc;
  return serve(where.site_dir(), args.serve);
}

} // namespace fastkafka::docs
