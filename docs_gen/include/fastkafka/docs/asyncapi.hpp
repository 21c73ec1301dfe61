#pragma once

// AsyncAPI documents (2.6.0 and 3.0.0) from the documentation model, and
// their YAML and JSON renderings.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "fastkafka/docs/model.hpp"

namespace fastkafka::docs {

/// The AsyncAPI versions the docs can write.
enum class asyncapi_version {
  /// AsyncAPI 2.6.0, the default (FastKafka writes 2.5.0).
  v2_6_0,
  /// AsyncAPI 3.0.0: operations separate from channels.
  v3_0_0,
};

/// `2.6.0` or `3.0.0`.
std::string_view to_string(asyncapi_version v) noexcept;

/// Parses `2.6.0`/`2.6`/`3.0.0`/`3.0`; empty for anything else.
std::optional<asyncapi_version> parse_asyncapi_version(std::string_view text);

/// The AsyncAPI document of `app` in version `v`. Nested models become
/// `#/components/schemas/<Name>` references; no secrets can appear because
/// the model holds none.
boost::json::object to_asyncapi(const app_description& app,
                                asyncapi_version v = asyncapi_version::v2_6_0);

/// Block-style YAML; strings that YAML would read as numbers, booleans or
/// null are quoted, doubles are written in their shortest form.
std::string to_yaml(const boost::json::value& doc);

/// Pretty JSON (two-space indent) with doubles in their shortest form
/// (Boost.JSON would write `2.5` as `2.5E0`).
std::string to_json(const boost::json::value& doc);

} // namespace fastkafka::docs
