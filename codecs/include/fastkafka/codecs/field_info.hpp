#pragma once

/// Declared validation rules and docs of one field (pydantic's `Field(...)`).

#include <cstddef>
#include <optional>
#include <string_view>

namespace fastkafka {

/// Validation and documentation for one field, the counterpart of pydantic's
/// `Field(ge=, gt=, le=, lt=, min_length=, max_length=, pattern=,
/// description=)`. Use designated initializers in this order.
///
/// Bounds apply to numbers; lengths count code points of strings and
/// elements of arrays and maps; `pattern` is an ECMAScript regex searched
/// (not anchored, as in JSON Schema) in a string. On `std::optional` fields
/// the rules apply when a value is present.
struct field_info {
  /// Value must be >= this.
  std::optional<double> ge = std::nullopt;
  /// Value must be > this.
  std::optional<double> gt = std::nullopt;
  /// Value must be <= this.
  std::optional<double> le = std::nullopt;
  /// Value must be < this.
  std::optional<double> lt = std::nullopt;
  /// At least this many code points (strings) or elements (arrays, maps).
  std::optional<std::size_t> min_length = std::nullopt;
  /// At most this many code points (strings) or elements (arrays, maps).
  std::optional<std::size_t> max_length = std::nullopt;
  /// ECMAScript regular expression that must match somewhere in the string.
  std::string_view pattern = {};
  /// Free text for the JSON Schema / AsyncAPI docs.
  std::string_view description = {};
};

} // namespace fastkafka
