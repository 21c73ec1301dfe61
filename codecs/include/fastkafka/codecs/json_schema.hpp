#pragma once

/// JSON Schema (draft 2020-12, pydantic-v2 shaped) of described types.

#include "fastkafka/codecs/detail/field_rule.hpp"
#include "fastkafka/codecs/detail/traits.hpp"
#include "fastkafka/codecs/detail/type_name.hpp"
#include "fastkafka/codecs/json_encode.hpp"
#include "fastkafka/codecs/json_model.hpp"

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <boost/mp11.hpp>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

namespace fastkafka {

namespace detail {

/// Collects `$defs` while generating; `root` is referenced as `#`.
struct schema_context {
  boost::json::object defs;
  std::string root;
};

/// A bound as JSON: integral bounds as integers, so that Boost.JSON does not
/// render `0` as `0E0`.
inline boost::json::value schema_number(double d) {
  if (std::trunc(d) == d && std::fabs(d) < 9007199254740992.0)
    return static_cast<std::int64_t>(d);
  return d;
}

/// `sensor_id` -> `Sensor Id`, as pydantic titles fields.
inline std::string field_title(std::string_view name) {
  std::string out;
  bool start = true;
  for (char c : name) {
    if (c == '_') {
      out += ' ';
      start = true;
    } else {
      out +=
          start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                : c;
      start = false;
    }
  }
  return out;
}

template <class T>
boost::json::object type_schema(schema_context& ctx);

template <class T>
boost::json::object struct_schema(schema_context& ctx);

inline boost::json::object make_ref(const schema_context& ctx,
                                    const std::string& title) {
  boost::json::object ref;
  ref["$ref"] = title == ctx.root ? std::string{"#"} : "#/$defs/" + title;
  return ref;
}

template <class T>
boost::json::object type_schema(schema_context& ctx) {
  boost::json::object s;
  if constexpr (std::is_same_v<T, boost::json::value>) {
    // Any JSON value: the empty schema.
  } else if constexpr (std::is_same_v<T, bool>) {
    s["type"] = "boolean";
  } else if constexpr (is_integer_v<T>) {
    s["type"] = "integer";
    // Narrow widths are part of the contract: say so.
    if constexpr (sizeof(T) < 8) {
      s["minimum"] = static_cast<std::int64_t>(std::numeric_limits<T>::min());
      s["maximum"] = static_cast<std::int64_t>(std::numeric_limits<T>::max());
    } else if constexpr (std::is_unsigned_v<T>) {
      s["minimum"] = 0;
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    s["type"] = "number";
  } else if constexpr (std::is_same_v<T, std::string>) {
    s["type"] = "string";
  } else if constexpr (is_sys_time<T>::value) {
    s["type"] = "string";
    s["format"] = "date-time";
  } else if constexpr (is_optional<T>::value) {
    boost::json::array any;
    any.emplace_back(type_schema<typename T::value_type>(ctx));
    any.emplace_back(boost::json::object{{"type", "null"}});
    s["anyOf"] = std::move(any);
  } else if constexpr (is_vector<T>::value) {
    s["type"] = "array";
    s["items"] = type_schema<typename T::value_type>(ctx);
  } else if constexpr (is_string_map<T>::value) {
    s["type"] = "object";
    s["additionalProperties"] = type_schema<typename T::mapped_type>(ctx);
  } else if constexpr (is_described_enum_v<T>) {
    auto title = std::string{type_name<T>()};
    if (!ctx.defs.contains(title)) {
      boost::json::object def;
      def["title"] = title;
      def["type"] = "string";
      boost::json::array names;
      boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>(
          [&](auto D) { names.emplace_back(D.name); });
      def["enum"] = std::move(names);
      ctx.defs[title] = std::move(def);
    }
    return make_ref(ctx, title);
  } else if constexpr (is_described_struct_v<T>) {
    auto title = model_title<T>();
    if (title != ctx.root && !ctx.defs.contains(title)) {
      // Placeholder first, so that recursive types terminate.
      ctx.defs[title] = boost::json::object{};
      auto def = struct_schema<T>(ctx);
      ctx.defs[title] = std::move(def);
    }
    return make_ref(ctx, title);
  } else {
    static_assert(sizeof(T) == 0, "fastkafka JSON schema: unsupported type");
  }
  return s;
}

/// Writes a field rule into the schema of the (non-optional) value.
inline void apply_rule(boost::json::object& s, const field_rule& r,
                       bool is_string, bool is_array, bool is_map) {
  const auto& i = r.info;
  if (i.ge)
    s["minimum"] = schema_number(*i.ge);
  if (i.gt)
    s["exclusiveMinimum"] = schema_number(*i.gt);
  if (i.le)
    s["maximum"] = schema_number(*i.le);
  if (i.lt)
    s["exclusiveMaximum"] = schema_number(*i.lt);
  const char* min_key = is_string  ? "minLength"
                        : is_array ? "minItems"
                                   : "minProperties";
  const char* max_key = is_string  ? "maxLength"
                        : is_array ? "maxItems"
                                   : "maxProperties";
  (void)is_map;
  if (i.min_length)
    s[min_key] = *i.min_length;
  if (i.max_length)
    s[max_key] = *i.max_length;
  if (!r.pattern.empty())
    s["pattern"] = r.pattern;
}

template <class T>
boost::json::object struct_schema(schema_context& ctx) {
  boost::json::object s;
  s["title"] = model_title<T>();
  if constexpr (has_json_model<T>) {
    if (!model_of<T>().description().empty())
      s["description"] = model_of<T>().description();
  }
  s["type"] = "object";
  boost::json::object props;
  boost::json::array required;
  boost::mp11::mp_for_each<boost::mp11::mp_iota_c<json_member_count<T>>>(
      [&](auto i) {
        using D = boost::mp11::mp_at_c<json_members<T>, i>;
        using M = member_type<T, i>;
        using V = typename unwrap_optional<M>::type;
        auto prop = type_schema<M>(ctx);
        if constexpr (has_json_model<T>) {
          if (const auto& r = model_of<T>().rule(i)) {
            // Constraints describe the value, so they go inside the anyOf
            // branch of an optional, next to the type they constrain.
            auto& target = is_optional<M>::value
                               ? prop["anyOf"].as_array()[0].as_object()
                               : prop;
            apply_rule(target, *r, std::is_same_v<V, std::string>,
                       is_vector<V>::value, is_string_map<V>::value);
            if (!r->description.empty())
              prop["description"] = r->description;
          }
        }
        prop["title"] = field_title(D::name);
        if constexpr (is_optional<M>::value)
          prop["default"] = nullptr;
        else
          required.emplace_back(D::name);
        props[D::name] = std::move(prop);
      });
  s["properties"] = std::move(props);
  if (!required.empty())
    s["required"] = std::move(required);
  if constexpr (has_json_model<T>) {
    if (!model_of<T>().examples().empty()) {
      boost::json::array examples;
      for (const auto& e : model_of<T>().examples())
        examples.emplace_back(boost::json::parse(json_encode(e)));
      s["examples"] = std::move(examples);
    }
  }
  return s;
}

} // namespace detail

/// JSON Schema of a described struct, shaped like pydantic v2's
/// `model_json_schema()`: title, type, properties (with titles, formats and
/// constraints), required, `$defs` for nested structs and enums (referenced
/// as `#/$defs/<Name>`), and the model's examples.
template <class T>
boost::json::object json_schema() {
  static_assert(detail::is_described_struct_v<T>,
                "json_schema<T> needs BOOST_DESCRIBE_STRUCT(T, ...)");
  detail::schema_context ctx;
  ctx.root = detail::model_title<T>();
  auto root = detail::struct_schema<T>(ctx);
  if (!ctx.defs.empty())
    root["$defs"] = std::move(ctx.defs);
  return root;
}

} // namespace fastkafka
