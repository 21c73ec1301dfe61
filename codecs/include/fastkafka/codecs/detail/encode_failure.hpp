#pragma once

/// The internal exception of the encoders, which collects its path on unwind.

#include "fastkafka/codecs/detail/error_path.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace fastkafka {
namespace detail {

/// Thrown by the encoders; each level adds its path segment and the public
/// entry point turns it into the codec's exception with the full path.
struct encode_failure {
  std::string path;
  std::string message;
};

[[noreturn, gnu::cold]] inline void throw_encode(std::string message) {
  throw encode_failure{{}, std::move(message)};
}

/// Adds a path segment to an encode failure on its way out.
[[gnu::cold]] inline void prepend_key(encode_failure& f, std::string_view key) {
  f.path.insert(0, key_segment(key));
}

[[gnu::cold]] inline void prepend_index(encode_failure& f, std::size_t i) {
  f.path.insert(0, index_segment(i));
}

} // namespace detail
} // namespace fastkafka
