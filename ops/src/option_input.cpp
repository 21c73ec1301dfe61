#include "option_input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "fastkafka/errors.hpp"

namespace fastkafka::ops::detail {

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min(
          {row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

} // namespace

std::string_view closest_name(std::string_view name,
                              std::span<const std::string_view> candidates) {
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (auto c : candidates)
    if (auto d = edit_distance(name, c); d < best_distance) {
      best_distance = d;
      best = c;
    }
  // The same bound as core's closest_option: far-off names get no
  // suggestion rather than a misleading one.
  return best_distance <= std::max<size_t>(2, name.size() / 4)
             ? best
             : std::string_view{};
}

std::string secret_file_target(std::string_view name) {
  constexpr std::string_view suffix = "_file";
  if (!name.ends_with(suffix))
    return {};
  auto base = name.substr(0, name.size() - suffix.size());
  if (base.starts_with("librdkafka.")) {
    auto key = base.substr(11);
    return !key.empty() && is_secret_option(key) ? std::string{base}
                                                 : std::string{};
  }
  auto* info = find_option(base);
  return info != nullptr && info->kind == option_kind::string &&
                 is_secret_option(base)
             ? std::string{base}
             : std::string{};
}

std::string read_secret_file(std::string_view path, std::string_view option,
                             std::string_view where) {
  std::ifstream in{std::string{path}, std::ios::binary};
  if (!in)
    throw config_error(std::string{where} + ": cannot read the secret file " +
                       std::string{path} + " for " + std::string{option} +
                       ": " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  auto text = buf.str();
  // Secret files are written by `echo` and editors as often as not: one
  // trailing line feed is never part of the secret.
  if (text.ends_with("\r\n"))
    text.resize(text.size() - 2);
  else if (text.ends_with('\n'))
    text.pop_back();
  if (text.empty())
    throw config_error(std::string{where} + ": the secret file " +
                       std::string{path} + " for " + std::string{option} +
                       " is empty");
  return text;
}

std::string apply_option(client_options& opts, std::string_view name,
                         std::string_view value, std::string_view where) {
  std::string target{name};
  std::string text{value};
  if (auto secret = secret_file_target(name); !secret.empty()) {
    text = read_secret_file(value, secret, where);
    target = secret;
  } else if (name.ends_with("_file") && find_option(name) == nullptr) {
    auto base = name.substr(0, name.size() - 5);
    if (find_option(base) != nullptr)
      throw config_error(std::string{where} + ": " + std::string{base} +
                         " is not a secret, so it has no " + std::string{name} +
                         "; set " + std::string{base} + " itself");
  }
  std::string err;
  if (set_option(opts, target, text, err))
    return target;
  auto key = target.starts_with("librdkafka.")
                 ? std::string_view{target}.substr(11)
                 : std::string_view{target};
  // The reason is worth showing when it does not carry the secret (an
  // option that cannot be set at all, such as sasl_oauth_token_provider).
  if (is_secret_option(key) &&
      (text.empty() || err.find(text) != std::string::npos))
    throw config_error(std::string{where} + ": invalid value for " + target +
                       " (not shown: it is a secret)");
  throw config_error(std::string{where} + ": " + err);
}

} // namespace fastkafka::ops::detail
