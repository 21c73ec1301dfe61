#pragma once

/// Filling a `decode_error` at the failing leaf and adding its path on unwind.

#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/codecs/detail/error_path.hpp"

#include <charconv>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace fastkafka {
namespace detail {

// Everything here runs only on failure: kept out of line of the hot paths.

/// Records a leaf failure; callers prepend their path segment on unwind.
[[gnu::cold]] inline bool fail(decode_error& err, std::string message) {
  err.path.clear();
  err.message = std::move(message);
  return false;
}

[[gnu::cold]] inline void prepend_key(decode_error& err, std::string_view key) {
  err.path.insert(0, key_segment(key));
}

[[gnu::cold]] inline void prepend_index(decode_error& err, std::size_t i) {
  err.path.insert(0, index_segment(i));
}

/// Shortest round-trip text of a double (`2.5`, `1e+20`, `0.1`).
inline std::string number_text(double d) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

template <class I>
constexpr const char* int_type_name() {
  constexpr bool s = std::is_signed_v<I>;
  switch (sizeof(I)) {
  case 1:
    return s ? "int8" : "uint8";
  case 2:
    return s ? "int16" : "uint16";
  case 4:
    return s ? "int32" : "uint32";
  default:
    return s ? "int64" : "uint64";
  }
}

/// `got` does not fit in `I`; the message names the type and its range.
template <class I>
[[gnu::cold]] bool fail_range(decode_error& err, std::string got) {
  return fail(err, got + " is out of range for " + int_type_name<I>() + " (" +
                       std::to_string(std::numeric_limits<I>::min()) + ".." +
                       std::to_string(std::numeric_limits<I>::max()) + ")");
}

/// Runs `decode` (returning whether it succeeded) so that no exception
/// leaves a decoder: one that escapes it (a bad_alloc, a bug) becomes a
/// failure at `$` saying so, as `codec<T>::decode` promises.
template <class F>
bool decode_guarded(decode_error& err, F&& decode) noexcept {
  try {
    return decode();
  } catch (const std::exception& e) {
    err.path = "$";
    err.message = std::string{"internal error while decoding: "} + e.what();
  } catch (...) {
    err.path = "$";
    err.message = "internal error while decoding";
  }
  return false;
}

} // namespace detail
} // namespace fastkafka
