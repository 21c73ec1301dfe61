#pragma once

namespace fastkafka {

/// The library version, `MAJOR.MINOR.PATCH`.
const char* version() noexcept;

} // namespace fastkafka
