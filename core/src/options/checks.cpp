#include <algorithm>
#include <cctype>

#include "fields.hpp"

namespace fastkafka::options_detail {

namespace {

// `auto`, or a broker version such as `0.9.0` (two to four numbers).
bool is_api_version(std::string_view x) {
  if (x == "auto")
    return true;
  size_t numbers = 0;
  size_t start = 0;
  for (size_t i = 0; i <= x.size(); ++i) {
    if (i == x.size() || x[i] == '.') {
      if (i == start)
        return false;
      ++numbers;
      start = i + 1;
    } else if (!std::isdigit(static_cast<unsigned char>(x[i]))) {
      return false;
    }
  }
  return numbers >= 2 && numbers <= 4;
}

// Pass-through keys the framework sets itself after the user's: accepting
// them would be silently ignoring them. Returns why, or empty.
std::string_view reserved_passthrough(std::string_view key) {
  if (key == "enable.auto.commit" || key == "auto.commit.enable" ||
      key == "enable.auto.offset.store" || key == "auto.commit.interval.ms")
    return "the framework commits only processed offsets itself "
           "(at-least-once); use enable_auto_commit and "
           "auto_commit_interval_ms";
  if (key == "group.id")
    return "consumers take their group from group_id (or the derived "
           "default); use group_id";
  if (key == "enable.partition.eof")
    return "the framework's poll loop needs it off";
  return {};
}

} // namespace

// Checks a value given as text against its row; empty result means valid.
std::string check_value(const option_info& info, std::string_view value) {
  auto bad = [&](std::string_view expected) {
    return "invalid value " + quoted(value) + " for option " +
           std::string{info.name} + ": expected " + std::string{expected};
  };
  if (!info.unsupported.empty())
    return "option " + std::string{info.name} + "=" + std::string{value} +
           " is not supported: " + std::string{info.unsupported};
  switch (info.kind) {
  case option_kind::choice:
    if (std::find(info.choices.begin(), info.choices.end(), value) ==
        info.choices.end())
      return bad("one of " + join_choices(info.choices));
    return {};
  case option_kind::choice_list: {
    auto items = split_option_list(value);
    bool cooperative = false;
    bool eager = false;
    for (size_t i = 0; i < items.size(); ++i) {
      auto item = items[i];
      if (std::find(info.choices.begin(), info.choices.end(), item) ==
          info.choices.end())
        return bad("a comma-separated list of " + join_choices(info.choices));
      if (std::find(items.begin(), items.begin() + i, item) !=
          items.begin() + i)
        return bad("each of " + join_choices(info.choices) + " at most once");
      (item == "cooperative-sticky" ? cooperative : eager) = true;
    }
    // A group runs either the eager or the cooperative protocol; librdkafka
    // refuses a list that mixes them.
    if (cooperative && eager)
      return bad("cooperative-sticky alone, or eager strategies (range, "
                 "roundrobin) without it");
    return {};
  }
  case option_kind::integer: {
    int64_t x = 0;
    auto [ptr, ec] =
        std::from_chars(value.data(), value.data() + value.size(), x);
    if (ec != std::errc{} || ptr != value.data() + value.size())
      return bad("an integer");
    if (x < info.min || x > info.max)
      return "invalid value " + std::string{value} + " for option " +
             std::string{info.name} + ": expected " + std::to_string(info.min) +
             " to " + std::to_string(info.max);
    return {};
  }
  case option_kind::boolean:
    if (value != "true" && value != "false")
      return bad("true or false");
    if (info.name == "exclude_internal_topics" && value == "false")
      return "option exclude_internal_topics=false is not supported: "
             "consumers subscribe to their topic by its exact name, so "
             "internal topics are never read; leave it unset or true";
    return {};
  case option_kind::string:
    if (info.name == "api_version" && !is_api_version(value))
      return bad("auto or a broker version such as 0.9.0");
    return {};
  }
  return {};
}

std::string check_passthrough(std::string_view key, std::string_view value) {
  if (key.empty())
    return "a librdkafka pass-through option has an empty name";
  if (auto why = reserved_passthrough(key); !why.empty())
    return "option librdkafka." + std::string{key} + "=" + std::string{value} +
           " is not accepted: " + std::string{why};
  return {};
}

} // namespace fastkafka::options_detail

namespace fastkafka {

bool applies_to(client_role option_roles, client_role role) noexcept {
  return (static_cast<int>(option_roles) & static_cast<int>(role)) != 0;
}

std::vector<std::string_view> split_option_list(std::string_view x) {
  auto trim = [](std::string_view y) {
    while (!y.empty() && y.front() == ' ')
      y.remove_prefix(1);
    while (!y.empty() && y.back() == ' ')
      y.remove_suffix(1);
    return y;
  };
  std::vector<std::string_view> out;
  for (;;) {
    auto comma = x.find(',');
    out.push_back(trim(x.substr(0, comma)));
    if (comma == std::string_view::npos)
      return out;
    x.remove_prefix(comma + 1);
  }
}

} // namespace fastkafka
