#include "arguments.hpp"

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "fastkafka/log.hpp"
#include "fastkafka/options.hpp"

namespace fastkafka::cli {

namespace {

std::string names_of(const CLI::App& app) {
  std::string out;
  for (auto* sub : app.get_subcommands({}))
    out += (out.empty() ? "" : ", ") + sub->get_name();
  return out;
}

// The option name of `NAME=VALUE` as the masking rules see it.
std::string option_name(const std::string& kv) {
  auto eq = kv.find('=');
  auto name = kv.substr(0, eq == std::string::npos ? kv.size() : eq);
  if (name.starts_with("librdkafka."))
    name = name.substr(11);
  return name;
}

// Replaces every value of a secret `NAME=VALUE` argument in `text`.
std::string mask_secrets(std::string text, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    if (eq == std::string::npos || eq + 1 == arg.size())
      continue;
    // `--set=name=value` and `name=value` both carry one.
    auto kv = arg.starts_with("--") ? arg.substr(eq + 1) : arg;
    auto kv_eq = kv.find('=');
    if (kv_eq == std::string::npos)
      continue;
    if (!is_secret_option(option_name(kv)))
      continue;
    auto value = kv.substr(kv_eq + 1);
    if (value.empty())
      continue;
    for (auto at = text.find(value); at != std::string::npos;
         at = text.find(value, at + 5))
      text.replace(at, value.size(), "*****");
  }
  return text;
}

} // namespace

void add_log_options(CLI::App& cli, log_args& args) {
  cli.add_option("--log-level", args.level,
                 "trace, debug, info (default), warn, error, critical or off; "
                 "debug adds connection failures and librdkafka's debug "
                 "output (enable its contexts with --set "
                 "librdkafka.debug=broker,...) (env FASTKAFKA_LOG_LEVEL)")
      ->type_name("LEVEL")
      ->envname("FASTKAFKA_LOG_LEVEL");
  cli.add_option("--log-format", args.format,
                 "text (default) or json: one JSON object per line with the "
                 "text form's fields (env FASTKAFKA_LOG_FORMAT)")
      ->type_name("FORMAT")
      ->envname("FASTKAFKA_LOG_FORMAT");
}

bool apply_log_options(const log_args& args) {
  if (!args.level.empty()) {
    auto level = parse_log_level(args.level);
    if (!level) {
      std::cerr << "unknown log level \"" << args.level
                << "\"; use trace, debug, info, warn, error, critical or off\n";
      return false;
    }
    set_log_level(*level);
  }
  if (!args.format.empty()) {
    auto format = parse_log_format(args.format);
    if (!format) {
      std::cerr << "unknown log format \"" << args.format
                << "\"; use text or json\n";
      return false;
    }
    set_log_format(*format);
  }
  return true;
}

std::optional<std::string> unknown_subcommand(CLI::App& cli, int argc,
                                              char** argv) {
  CLI::App* at = &cli;
  std::string path =
      cli.get_name().empty() ? std::string{"the program"} : cli.get_name();
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word.empty() || word.front() == '-')
      // Options (and their values) are CLI11's business; a value after an
      // option is not a subcommand, so stop looking.
      return std::nullopt;
    if (at->get_subcommands({}).empty())
      return std::nullopt;
    CLI::App* sub = nullptr;
    for (auto* candidate : at->get_subcommands({}))
      if (candidate->check_name(word))
        sub = candidate;
    if (sub == nullptr)
      return "unknown command \"" + word + "\"" +
             (at == &cli ? std::string{} : " of " + at->get_name()) +
             "; commands: " + names_of(*at) + " (see --help)";
    at = sub;
  }
  return std::nullopt;
}

int report_parse_error(CLI::App& cli, const CLI::ParseError& e, int argc,
                       char** argv) {
  std::ostringstream out;
  std::ostringstream err;
  auto rc = cli.exit(e, out, err);
  std::cout << out.str();
  std::cerr << mask_secrets(err.str(), argc, argv);
  return rc == 0 ? 0 : 2;
}

std::string masked(const std::string& kv) {
  auto eq = kv.find('=');
  if (eq == std::string::npos || !is_secret_option(option_name(kv)))
    return kv;
  return kv.substr(0, eq + 1) + "*****";
}

} // namespace fastkafka::cli
