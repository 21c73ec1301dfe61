#pragma once

// Helpers shared by the option files: field iteration over client_options,
// value text, and the checks every path (code, --set, files) goes through.

#include <charconv>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include "fastkafka/options.hpp"

namespace fastkafka::options_detail {

inline std::string join_choices(std::span<const std::string_view> choices) {
  std::string out;
  for (auto c : choices) {
    if (!out.empty())
      out += ", ";
    out += c;
  }
  return out;
}

inline std::string quoted(std::string_view x) {
  return "\"" + std::string{x} + "\"";
}

template <class T>
std::string to_text(const T& value) {
  if constexpr (std::is_same_v<T, std::string>)
    return value;
  else if constexpr (std::is_same_v<T, bool>)
    return value ? "true" : "false";
  else
    return std::to_string(value);
}

// Calls f(name, field) for every optional field of client_options.
template <class Options, class F>
void for_each_field(Options& opts, F&& f) {
  using members =
      boost::describe::describe_members<client_options,
                                        boost::describe::mod_public>;
  boost::mp11::mp_for_each<members>([&](auto member) {
    auto& field = opts.*member.pointer;
    using field_type = std::remove_cvref_t<decltype(field)>;
    if constexpr (!std::is_same_v<field_type,
                                  std::map<std::string, std::string>>)
      f(member.name, field);
  });
  // Beyond Boost.Describe's member limit (see client_options::delivery).
  f("delivery", opts.delivery);
}

inline // The explicitly set values of `opts` as text, keyed by name.
    std::map<std::string, std::string, std::less<>>
    set_values(const client_options& opts) {
  std::map<std::string, std::string, std::less<>> out;
  for_each_field(opts, [&](const char* name, const auto& field) {
    if (field)
      out.emplace(name, to_text(*field));
  });
  return out;
}

inline // Whether idempotence ends up on, counting implications and
       // pass-through.
    bool
    idempotent(const client_options& opts) {
  auto pass = [&](const char* key) -> const std::string* {
    auto i = opts.librdkafka.find(key);
    return i == opts.librdkafka.end() ? nullptr : &i->second;
  };
  if (auto* x = pass("enable.idempotence"))
    return *x == "true";
  if (opts.enable_idempotence)
    return *opts.enable_idempotence;
  auto* tid = pass("transactional.id");
  return opts.transactional_id.has_value() || (tid != nullptr && !tid->empty());
}

inline int64_t to_int(std::string_view x, int64_t fallback) {
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(x.data(), x.data() + x.size(), out);
  return ec == std::errc{} && ptr == x.data() + x.size() ? out : fallback;
}

/// Checks a value given as text against its row; empty means valid.
std::string check_value(const option_info& info, std::string_view value);

/// Checks a pass-through `librdkafka.<key>`; empty means accepted.
std::string check_passthrough(std::string_view key, std::string_view value);

/// librdkafka's own default for an integer option that the rules need and
/// the table leaves to librdkafka; 0 when there is none.
int64_t rdkafka_default(std::string_view name) noexcept;

} // namespace fastkafka::options_detail
