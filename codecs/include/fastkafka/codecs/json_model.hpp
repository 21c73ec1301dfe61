#pragma once

/// Per-model rules, title, description and examples (`json_model<T>`).

#include "fastkafka/codecs/detail/field_rule.hpp"
#include "fastkafka/codecs/detail/traits.hpp"
#include "fastkafka/codecs/detail/type_name.hpp"
#include "fastkafka/codecs/field_info.hpp"

#include <boost/mp11.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace fastkafka {

/// Per-model rules, title, description and examples, declared next to the
/// model by an ADL function `fastkafka::json_model<T> describe_json(T*)`.
template <class T>
class json_model {
public:
  static_assert(detail::is_described_struct_v<T>,
                "json_model<T> needs BOOST_DESCRIBE_STRUCT(T, ...)");

  /// A model titled after the C++ type name.
  json_model() = default;

  /// A model with an explicit schema title (e.g. the pydantic class name).
  explicit json_model(std::string title)
      : title_(std::move(title)) {}

  /// Attaches validation rules and docs to the member `member`; throws
  /// std::invalid_argument if the rule does not fit the member's type.
  template <class M>
  json_model& field(M T::*member, field_info info) {
    bool found = false;
    boost::mp11::mp_for_each<
        boost::mp11::mp_iota_c<detail::json_member_count<T>>>([&](auto i) {
      using D = boost::mp11::mp_at_c<detail::json_members<T>, i>;
      if constexpr (std::is_convertible_v<decltype(D::pointer), M T::*>) {
        if (!found && static_cast<M T::*>(D::pointer) == member) {
          found = true;
          rules_[i] = make_rule<M>(D::name, info);
        }
      }
    });
    if (!found)
      throw std::invalid_argument("json_model::field: member is not described "
                                  "by BOOST_DESCRIBE_STRUCT");
    return *this;
  }

  /// Adds an example value for the docs (schema `examples`).
  json_model& example(T value) {
    examples_.push_back(std::move(value));
    return *this;
  }

  /// Sets the schema `description` of the model.
  json_model& description(std::string text) {
    description_ = std::move(text);
    return *this;
  }

  /// Schema title; empty means "use the type name".
  const std::string& title() const noexcept { return title_; }

  /// Schema description; may be empty.
  const std::string& description() const noexcept { return description_; }

  /// Example values for the docs.
  const std::vector<T>& examples() const noexcept { return examples_; }

  /// Rule of the `i`-th described member, if any.
  const std::optional<detail::field_rule>& rule(std::size_t i) const noexcept {
    return rules_[i];
  }

private:
  template <class M>
  static detail::field_rule make_rule(const char* name, const field_info& in) {
    using V = typename detail::unwrap_optional<M>::type;
    constexpr bool numeric =
        std::is_arithmetic_v<V> && !std::is_same_v<V, bool>;
    constexpr bool is_string = std::is_same_v<V, std::string>;
    constexpr bool sized = is_string || detail::is_vector<V>::value ||
                           detail::is_string_map<V>::value;
    auto bad = [&](const char* what) {
      throw std::invalid_argument(std::string{"json_model::field("} + name +
                                  "): " + what);
    };
    if ((in.ge || in.gt || in.le || in.lt) && !numeric)
      bad("ge/gt/le/lt need a numeric field");
    if ((in.min_length || in.max_length) && !sized)
      bad("min_length/max_length need a string, vector or map field");
    if (!in.pattern.empty() && !is_string)
      bad("pattern needs a string field");
    detail::field_rule r;
    r.info = in;
    r.pattern.assign(in.pattern.begin(), in.pattern.end());
    r.description.assign(in.description.begin(), in.description.end());
    // The views in `info` may dangle later; keep only the owned copies.
    r.info.pattern = {};
    r.info.description = {};
    if (!r.pattern.empty())
      r.regex =
          std::make_shared<const std::regex>(r.pattern, std::regex::ECMAScript);
    return r;
  }

  std::string title_;
  std::string description_;
  std::vector<T> examples_;
  std::array<std::optional<detail::field_rule>, detail::json_member_count<T>>
      rules_;
};

namespace detail {

/// True when the user declared `json_model<T> describe_json(T*)` (found by
/// ADL, so it must be declared before the first codec use of `T`).
template <class T>
concept has_json_model = requires(T* p) {
  { describe_json(p) } -> std::same_as<json_model<T>>;
};

/// The model of `T`, built once (thread-safe static) on first use.
template <class T>
const json_model<T>& model_of() {
  static const json_model<T> model = describe_json(static_cast<T*>(nullptr));
  return model;
}

/// Schema title of `T` (also its Avro record name): the model's title if it
/// declares one, else the C++ type name.
template <class T>
std::string model_title() {
  if constexpr (has_json_model<T>) {
    if (!model_of<T>().title().empty())
      return model_of<T>().title();
  }
  return std::string{type_name<T>()};
}

} // namespace detail
} // namespace fastkafka
