#pragma once

/// The exception the throwing JSON calls raise, carrying a `decode_error`.

#include "fastkafka/codecs/codec.hpp"

#include <stdexcept>
#include <utility>

namespace fastkafka {

/// Thrown by the throwing `json_decode` and by `json_encode`; carries the
/// path and the problem as a `decode_error`.
class json_error : public std::runtime_error {
public:
  /// Wraps `err`; `what()` renders `path: message`.
  explicit json_error(decode_error err)
      : std::runtime_error(err.to_string())
      , error_(std::move(err)) {}

  /// Where and what went wrong.
  const decode_error& error() const noexcept { return error_; }

private:
  decode_error error_;
};

} // namespace fastkafka
