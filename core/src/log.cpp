#include "fastkafka/log.hpp"

#include <mutex>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace fastkafka {

namespace {

thread_local std::string_view current_trace;

std::mutex logger_mtx;
std::shared_ptr<spdlog::logger> current_logger;
spdlog::level::level_enum current_level = spdlog::level::info;
log_format current_format = log_format::text;

constexpr const char* text_pattern = "%Y-%m-%d %H:%M:%S.%e %-5l [%n] %v";

// Appends `s` as the contents of a JSON string.
void append_escaped(std::string_view s, spdlog::memory_buf_t& out) {
  static constexpr char hex[] = "0123456789abcdef";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
    case '"':
      out.append(std::string_view{"\\\""});
      break;
    case '\\':
      out.append(std::string_view{"\\\\"});
      break;
    case '\n':
      out.append(std::string_view{"\\n"});
      break;
    case '\r':
      out.append(std::string_view{"\\r"});
      break;
    case '\t':
      out.append(std::string_view{"\\t"});
      break;
    default:
      if (u < 0x20) {
        char esc[] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 15]};
        out.append(esc, esc + 6);
      } else {
        out.push_back(c);
      }
    }
  }
}

// One JSON object per record: the text form's fields, escaped.
class json_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override {
    spdlog::memory_buf_t time;
    time_formatter_.format(msg, time);
    dest.append(std::string_view{"{\"time\":\""});
    // The time formatter ends its output with a newline.
    dest.append(time.data(), time.data() + time.size() - 1);
    dest.append(std::string_view{"\",\"level\":\""});
    auto level = spdlog::level::to_string_view(msg.level);
    dest.append(level.data(), level.data() + level.size());
    dest.append(std::string_view{"\",\"logger\":\""});
    append_escaped({msg.logger_name.data(), msg.logger_name.size()}, dest);
    dest.append(std::string_view{"\",\"message\":\""});
    append_escaped({msg.payload.data(), msg.payload.size()}, dest);
    // Lines logged while a handler runs name the input's trace.
    if (auto trace = current_trace; !trace.empty()) {
      dest.append(std::string_view{"\",\"traceparent\":\""});
      append_escaped(trace, dest);
    }
    dest.append(std::string_view{"\"}\n"});
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }

private:
  spdlog::pattern_formatter time_formatter_{"%Y-%m-%dT%H:%M:%S.%e%z"};
};

void apply_format(spdlog::logger& logger) {
  if (current_format == log_format::json)
    logger.set_formatter(std::make_unique<json_formatter>());
  else
    logger.set_pattern(text_pattern);
}

std::shared_ptr<spdlog::logger> make_default_logger() {
  // stderr, unbuffered, one line per event: logs are read by people and by
  // process supervisors that timestamp lines themselves.
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("fastkafka", sink);
  apply_format(*logger);
  logger->set_level(current_level);
  logger->flush_on(spdlog::level::trace);
  return logger;
}

} // namespace

spdlog::logger& log() {
  // Read under a lock once per call; callers on hot paths log rarely.
  std::lock_guard<std::mutex> guard{logger_mtx};
  if (!current_logger)
    current_logger = make_default_logger();
  return *current_logger;
}

void set_logger(std::shared_ptr<spdlog::logger> logger) {
  std::lock_guard<std::mutex> guard{logger_mtx};
  current_logger = std::move(logger);
}

void set_log_level(spdlog::level::level_enum level) {
  std::lock_guard<std::mutex> guard{logger_mtx};
  current_level = level;
  if (current_logger)
    current_logger->set_level(level);
}

void set_log_format(log_format format) {
  std::lock_guard<std::mutex> guard{logger_mtx};
  current_format = format;
  if (current_logger)
    apply_format(*current_logger);
}

trace_log_scope::trace_log_scope(std::string_view traceparent) noexcept
    : previous_(current_trace) {
  current_trace = traceparent;
}

trace_log_scope::~trace_log_scope() noexcept {
  current_trace = previous_;
}

std::string_view trace_log_scope::current() noexcept {
  return current_trace;
}

std::optional<spdlog::level::level_enum>
parse_log_level(std::string_view name) {
  using namespace spdlog::level;
  for (auto level : {trace, debug, info, warn, err, critical, off})
    if (to_string_view(level) == name)
      return level;
  // spdlog spells them `warning` and `error`; --help documents `warn` (and
  // `err` is spdlog's enum name): accept all of them.
  if (name == "warn" || name == "warning")
    return warn;
  if (name == "err" || name == "error")
    return err;
  return std::nullopt;
}

std::optional<log_format> parse_log_format(std::string_view name) {
  if (name == "text")
    return log_format::text;
  if (name == "json")
    return log_format::json;
  return std::nullopt;
}

} // namespace fastkafka
