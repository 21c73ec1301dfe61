#pragma once

/// Type names from the compiler, for schema titles, Avro names and messages.

#include <string_view>

namespace fastkafka {
namespace detail {

/// Qualified type name from the compiler (g++/clang), e.g. `shop::item`.
template <class T>
constexpr std::string_view qualified_type_name() {
  std::string_view p = __PRETTY_FUNCTION__;
  auto b = p.find("T = ");
  if (b == std::string_view::npos)
    return "Model";
  b += 4;
  auto e = p.find_first_of(";]", b);
  return p.substr(b, e - b);
}

/// Unqualified type name, e.g. `item`, for schema titles.
template <class T>
constexpr std::string_view type_name() {
  auto full = qualified_type_name<T>();
  // Strip namespaces, but not inside template arguments.
  auto lt = full.find('<');
  auto head = full.substr(0, lt);
  auto colon = head.rfind("::");
  return colon == std::string_view::npos ? full : full.substr(colon + 2);
}

} // namespace detail
} // namespace fastkafka
