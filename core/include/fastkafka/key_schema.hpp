#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/describe/members.hpp>

#include "fastkafka/codecs/json_schema.hpp"
#include "fastkafka/registration.hpp"

namespace fastkafka {

/// Declares for the docs that a registration's keys are `K`s: the JSON
/// Schema of a described struct, a string or an integer.
template <class K>
key_info key_schema(std::string description = {}) {
  key_info k;
  k.description = std::move(description);
  if constexpr (boost::describe::has_describe_members<K>::value) {
    k.schema = [] { return json_schema<K>(); };
  } else if constexpr (std::is_same_v<K, std::string> ||
                       std::is_same_v<K, std::string_view>) {
    k.schema = [] { return boost::json::object{{"type", "string"}}; };
  } else if constexpr (std::is_integral_v<K> && !std::is_same_v<K, bool>) {
    k.schema = [] {
      boost::json::object s{{"type", "integer"}};
      // Narrow widths are part of the contract, as in json_schema<T>().
      if constexpr (sizeof(K) < 8) {
        s["minimum"] = static_cast<std::int64_t>(std::numeric_limits<K>::min());
        s["maximum"] = static_cast<std::int64_t>(std::numeric_limits<K>::max());
      } else if constexpr (std::is_unsigned_v<K>) {
        s["minimum"] = 0;
      }
      return s;
    };
  } else {
    static_assert(sizeof(K) == 0,
                  "key_schema<K>: K is a described struct, a string or an "
                  "integer type");
  }
  return k;
}

} // namespace fastkafka
