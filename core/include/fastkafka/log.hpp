#pragma once

#include <memory>

#include <spdlog/spdlog.h>

namespace fastkafka {

/// The framework's logger: one line per event on stderr.
spdlog::logger& log();

/// Replaces the framework's logger, e.g. to capture lines in tests.
void set_logger(std::shared_ptr<spdlog::logger> logger);

} // namespace fastkafka
