#pragma once

// The values of `run --reset-offsets`: where the consumer groups' committed
// offsets go before the app starts.

#include <string>
#include <string_view>

#include "fastkafka/kafka/offset_reset.hpp"

namespace fastkafka {

/// One `--reset-offsets` value: a position for every consumer registration,
/// or (`NAME=POSITION`) for one.
struct reset_request {
  /// The consumer registration it is for; empty for all of them.
  std::string registration;
  kafka::reset_position position;
};

/// The accepted forms, for error messages and `--help`.
inline constexpr std::string_view reset_offsets_forms =
    "earliest, latest, an RFC 3339 time (2026-12-01T10:00:00Z, "
    "2026-12-01T11:00:00.250+01:00) or milliseconds since the epoch "
    "(1796119200000), each optionally for one consumer registration "
    "(on_input=earliest)";

/// Parses `earliest`, `latest`, an RFC 3339 date-time with its offset,
/// or milliseconds since the epoch, each optionally prefixed with
/// `REGISTRATION=`. Throws `config_error` naming the value and the
/// accepted forms.
reset_request parse_reset_offsets(std::string_view value);

} // namespace fastkafka
