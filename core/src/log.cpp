#include "fastkafka/log.hpp"

#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>

namespace fastkafka {

namespace {

std::mutex logger_mtx;
std::shared_ptr<spdlog::logger> current_logger;

std::shared_ptr<spdlog::logger> make_default_logger() {
  // stderr, unbuffered, one line per event: logs are read by people and by
  // process supervisors that timestamp lines themselves.
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("fastkafka", sink);
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %-5l [%n] %v");
  logger->set_level(spdlog::level::info);
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

} // namespace fastkafka
