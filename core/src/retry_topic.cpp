#include "fastkafka/retry_topic.hpp"

namespace fastkafka {

namespace retry_header {

bool is_retry_header(std::string_view name) noexcept {
  return name.starts_with("fastkafka.retry.");
}

} // namespace retry_header

std::string delay_name(std::chrono::milliseconds delay) {
  auto ms = delay.count();
  if (ms <= 0 || ms % 1000 != 0)
    return std::to_string(ms) + "ms";
  auto s = ms / 1000;
  if (s <= 60 || s % 60 != 0)
    return std::to_string(s) + "s";
  auto m = s / 60;
  if (m <= 60 || m % 60 != 0)
    return std::to_string(m) + "m";
  return std::to_string(m / 60) + "h";
}

std::string retry_topic_name(std::string_view topic,
                             std::chrono::milliseconds delay) {
  std::string out{topic};
  out += ".retry.";
  out += delay_name(delay);
  return out;
}

} // namespace fastkafka
