#include "fastkafka/reset_offsets.hpp"

#include <charconv>
#include <chrono>

#include "fastkafka/codecs/detail/rfc3339.hpp"
#include "fastkafka/errors.hpp"

namespace fastkafka {

namespace {

bool parse_position(std::string_view text, kafka::reset_position& out) {
  using kind = kafka::reset_position::kind;
  if (text == "earliest") {
    out = {kind::earliest, 0};
    return true;
  }
  if (text == "latest") {
    out = {kind::latest, 0};
    return true;
  }
  if (text.empty())
    return false;
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t ms = 0;
    auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc{} || end != text.data() + text.size())
      return false;
    out = {kind::timestamp, ms};
    return true;
  }
  std::chrono::sys_seconds secs;
  std::chrono::nanoseconds frac{0};
  if (!detail::parse_rfc3339(text, secs, frac))
    return false;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                secs.time_since_epoch() + frac)
                .count();
  // Before 1970 no record can have been written.
  if (ms < 0)
    return false;
  out = {kind::timestamp, ms};
  return true;
}

} // namespace

reset_request parse_reset_offsets(std::string_view value) {
  reset_request out;
  auto text = value;
  // A registration name never holds '=' or ':'; an RFC 3339 time holds no
  // '='.
  if (auto eq = value.find('='); eq != std::string_view::npos) {
    out.registration = std::string{value.substr(0, eq)};
    text = value.substr(eq + 1);
  }
  if (out.registration.empty() && value.find('=') != std::string_view::npos)
    throw config_error("--reset-offsets " + std::string{value} +
                       ": no registration name before '='; accepted: " +
                       std::string{reset_offsets_forms});
  if (!parse_position(text, out.position))
    throw config_error("--reset-offsets " + std::string{value} +
                       ": unknown position \"" + std::string{text} +
                       "\"; accepted: " + std::string{reset_offsets_forms});
  return out;
}

} // namespace fastkafka
