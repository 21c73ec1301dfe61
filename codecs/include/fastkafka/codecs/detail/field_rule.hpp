#pragma once

/// A field's rule as the decoders apply it: checked after the value decodes.

#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/codecs/detail/decode_failure.hpp"
#include "fastkafka/codecs/detail/traits.hpp"
#include "fastkafka/codecs/detail/utf8.hpp"
#include "fastkafka/codecs/field_info.hpp"

#include <memory>
#include <regex>
#include <string>
#include <type_traits>

namespace fastkafka {
namespace detail {

/// A validated field rule with its regex compiled once.
struct field_rule {
  field_info info;
  std::string pattern;
  std::string description;
  std::shared_ptr<const std::regex> regex;
};

template <class T, class Size>
bool check_length(const field_rule& r, Size n, const char* unit,
                  decode_error& err) {
  if (r.info.min_length && n < *r.info.min_length)
    return fail(err, "must have at least " +
                         std::to_string(*r.info.min_length) + " " + unit +
                         ", got " + std::to_string(n));
  if (r.info.max_length && n > *r.info.max_length)
    return fail(err, "must have at most " + std::to_string(*r.info.max_length) +
                         " " + unit + ", got " + std::to_string(n));
  return true;
}

template <class V>
std::string value_text(const V& v) {
  if constexpr (std::is_floating_point_v<V>)
    return number_text(static_cast<double>(v));
  else
    return std::to_string(v);
}

/// Checks one decoded field against its rule; `V` may be an optional.
template <class V>
bool check_rule(const field_rule& r, const V& v, decode_error& err) {
  if constexpr (is_optional<V>::value) {
    return !v || check_rule(r, *v, err);
  } else if constexpr (std::is_arithmetic_v<V>) {
    auto x = static_cast<double>(v);
    const auto& i = r.info;
    if (i.ge && !(x >= *i.ge))
      return fail(err, "must be >= " + number_text(*i.ge) + ", got " +
                           value_text(v));
    if (i.gt && !(x > *i.gt))
      return fail(err,
                  "must be > " + number_text(*i.gt) + ", got " + value_text(v));
    if (i.le && !(x <= *i.le))
      return fail(err, "must be <= " + number_text(*i.le) + ", got " +
                           value_text(v));
    if (i.lt && !(x < *i.lt))
      return fail(err,
                  "must be < " + number_text(*i.lt) + ", got " + value_text(v));
    return true;
  } else if constexpr (std::is_same_v<V, std::string>) {
    if ((r.info.min_length || r.info.max_length) &&
        !check_length<V>(r, count_code_points(v), "characters", err))
      return false;
    if (r.regex && !std::regex_search(v, *r.regex))
      return fail(err,
                  "must match pattern " + r.pattern + ", got \"" + v + "\"");
    return true;
  } else if constexpr (is_vector<V>::value || is_string_map<V>::value) {
    return check_length<V>(r, v.size(), "items", err);
  } else {
    return true;
  }
}

} // namespace detail
} // namespace fastkafka
