#pragma once

#include <cstdint>
#include <string>

namespace fastkafka {

/// Renders `n` with thousands separators: 93598 -> `93,598`; for the
/// benchmark's log lines and the tables of `status` and `top`.
std::string with_thousands(uint64_t n);

} // namespace fastkafka
