#pragma once

// JSON codec for Boost.Describe'd message types.
//
// Decoding parses into a Boost.JSON DOM held by a thread-local monotonic
// resource (no per-message heap traffic for ordinary payloads) and then walks
// each object once, dispatching keys to described members through a static
// table. Encoding writes text directly: Boost.JSON 1.81's serializer prints
// `2.5` as `2.5E0`, which Python readers and kcat users do not expect.

#include "fastkafka/codecs/codec.hpp"

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <boost/mp11.hpp>

#include <array>
#include <bitset>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

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

namespace detail {

template <class T>
using json_members =
    boost::describe::describe_members<T, boost::describe::mod_public |
                                             boost::describe::mod_inherited>;

template <class T>
inline constexpr std::size_t json_member_count =
    boost::mp11::mp_size<json_members<T>>::value;

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};

template <class T>
struct is_sys_time : std::false_type {};
template <class D>
struct is_sys_time<std::chrono::time_point<std::chrono::system_clock, D>>
    : std::true_type {};

template <class T>
struct unwrap_optional {
  using type = T;
};
template <class T>
struct unwrap_optional<std::optional<T>> {
  using type = T;
};

template <class T>
inline constexpr bool is_integer_v =
    std::is_integral_v<T> && !std::is_same_v<T, bool> &&
    !std::is_same_v<T, char>;

template <class T>
inline constexpr bool is_described_struct_v =
    boost::describe::has_describe_members<T>::value;

template <class T>
inline constexpr bool is_described_enum_v =
    boost::describe::has_describe_enumerators<T>::value;

/// A validated field rule with its regex compiled once.
struct field_rule {
  field_info info;
  std::string pattern;
  std::string description;
  std::shared_ptr<const std::regex> regex;
};

/// Unqualified type name from the compiler (g++/clang), for schema titles.
template <class T>
constexpr std::string_view type_name() {
  std::string_view p = __PRETTY_FUNCTION__;
  auto b = p.find("T = ");
  if (b == std::string_view::npos)
    return "Model";
  b += 4;
  auto e = p.find_first_of(";]", b);
  auto full = p.substr(b, e - b);
  // Strip namespaces, but not inside template arguments.
  auto lt = full.find('<');
  auto head = full.substr(0, lt);
  auto colon = head.rfind("::");
  return colon == std::string_view::npos ? full : full.substr(colon + 2);
}

} // namespace detail

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

// -- error helpers (cold paths) ----------------------------------------------

inline const char* kind_name(const boost::json::value& v) noexcept {
  switch (v.kind()) {
  case boost::json::kind::null:
    return "null";
  case boost::json::kind::bool_:
    return "boolean";
  case boost::json::kind::int64:
  case boost::json::kind::uint64:
  case boost::json::kind::double_:
    return "number";
  case boost::json::kind::string:
    return "string";
  case boost::json::kind::array:
    return "array";
  case boost::json::kind::object:
    return "object";
  }
  return "unknown";
}

/// Records a leaf failure; callers prepend their path segment on unwind.
[[gnu::cold]] inline bool fail(decode_error& err, std::string message) {
  err.path.clear();
  err.message = std::move(message);
  return false;
}

[[gnu::cold]] inline bool fail_kind(decode_error& err, const char* expected,
                                    const boost::json::value& got) {
  return fail(err,
              std::string{"expected "} + expected + ", got " + kind_name(got));
}

inline bool is_identifier(std::string_view key) noexcept {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9'))
    return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

[[gnu::cold]] inline void prepend_key(decode_error& err, std::string_view key) {
  std::string seg;
  if (is_identifier(key)) {
    seg.reserve(key.size() + 1);
    seg += '.';
    seg += key;
  } else {
    seg = "[\"";
    for (char c : key) {
      if (c == '"' || c == '\\')
        seg += '\\';
      seg += c;
    }
    seg += "\"]";
  }
  err.path.insert(0, seg);
}

[[gnu::cold]] inline void prepend_index(decode_error& err, std::size_t i) {
  err.path.insert(0, "[" + std::to_string(i) + "]");
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

template <class I>
[[gnu::cold]] bool fail_range(decode_error& err, std::string got) {
  return fail(err, got + " is out of range for " + int_type_name<I>() + " (" +
                       std::to_string(std::numeric_limits<I>::min()) + ".." +
                       std::to_string(std::numeric_limits<I>::max()) + ")");
}

// -- decoding ----------------------------------------------------------------

template <class T>
bool decode_value(const boost::json::value& v, T& out, decode_error& err);

template <class I>
bool decode_integer(const boost::json::value& v, I& out, decode_error& err) {
  switch (v.kind()) {
  case boost::json::kind::int64: {
    auto x = v.get_int64();
    if (!std::in_range<I>(x)) [[unlikely]]
      return fail_range<I>(err, std::to_string(x));
    out = static_cast<I>(x);
    return true;
  }
  case boost::json::kind::uint64: {
    auto x = v.get_uint64();
    if (!std::in_range<I>(x)) [[unlikely]]
      return fail_range<I>(err, std::to_string(x));
    out = static_cast<I>(x);
    return true;
  }
  case boost::json::kind::double_: {
    // Python writes 3.0 for a float that holds an integer; pydantic accepts
    // it for int fields, so do we, but never a fractional value.
    double d = v.get_double();
    if (std::trunc(d) != d)
      return fail(err, "expected integer, got non-integral number " +
                           number_text(d));
    // max + 1 is a power of two, exact in a double (max itself may not be).
    constexpr double bound =
        static_cast<double>(std::numeric_limits<I>::max()) + 1.0;
    constexpr double lower = std::is_signed_v<I> ? -bound : 0.0;
    if (!(d >= lower && d < bound))
      return fail_range<I>(err, number_text(d));
    out = static_cast<I>(d);
    return true;
  }
  default:
    return fail_kind(err, "integer", v);
  }
}

template <class F>
bool decode_floating(const boost::json::value& v, F& out, decode_error& err) {
  double d;
  switch (v.kind()) {
  case boost::json::kind::double_:
    d = v.get_double();
    break;
  case boost::json::kind::int64:
    d = static_cast<double>(v.get_int64());
    break;
  case boost::json::kind::uint64:
    d = static_cast<double>(v.get_uint64());
    break;
  default:
    return fail_kind(err, "number", v);
  }
  if constexpr (sizeof(F) < sizeof(double)) {
    if (std::fabs(d) > static_cast<double>(std::numeric_limits<F>::max()))
      return fail(err, number_text(d) + " is out of range for float");
  }
  out = static_cast<F>(d);
  return true;
}

/// Parses RFC 3339 `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`.
inline bool parse_rfc3339(std::string_view s, std::chrono::sys_seconds& secs,
                          std::chrono::nanoseconds& frac) {
  using namespace std::chrono;
  const char* p = s.data();
  const char* end = p + s.size();
  auto digits = [&](int n, int& value) {
    if (end - p < n)
      return false;
    value = 0;
    for (int i = 0; i < n; ++i, ++p) {
      if (*p < '0' || *p > '9')
        return false;
      value = value * 10 + (*p - '0');
    }
    return true;
  };
  auto expect = [&](char c) {
    if (p == end || *p != c)
      return false;
    ++p;
    return true;
  };
  int y, mo, d, h, mi, sec;
  if (!digits(4, y) || !expect('-') || !digits(2, mo) || !expect('-') ||
      !digits(2, d))
    return false;
  if (p == end || (*p != 'T' && *p != 't' && *p != ' '))
    return false;
  ++p;
  if (!digits(2, h) || !expect(':') || !digits(2, mi) || !expect(':') ||
      !digits(2, sec))
    return false;
  if (h > 23 || mi > 59 || sec > 59)
    return false;
  std::int64_t frac_ns = 0;
  if (p != end && *p == '.') {
    ++p;
    int n = 0;
    std::int64_t scale = 100000000;
    while (p != end && *p >= '0' && *p <= '9') {
      // Digits past nanoseconds are truncated, not rejected.
      if (n < 9) {
        frac_ns += (*p - '0') * scale;
        scale /= 10;
      }
      ++n;
      ++p;
    }
    if (n == 0)
      return false;
  }
  int offset_min = 0;
  if (p == end)
    return false;
  if (*p == 'Z' || *p == 'z') {
    ++p;
  } else if (*p == '+' || *p == '-') {
    int sign = *p == '-' ? -1 : 1;
    ++p;
    int oh, om;
    if (!digits(2, oh) || !expect(':') || !digits(2, om) || oh > 23 || om > 59)
      return false;
    offset_min = sign * (oh * 60 + om);
  } else {
    return false;
  }
  if (p != end)
    return false;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                     day{static_cast<unsigned>(d)}};
  if (!ymd.ok())
    return false;
  // Seconds and fraction apart: years 0000..9999 overflow nanoseconds
  // since the epoch, and the caller's time_point may be narrower still.
  secs = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} -
         minutes{offset_min};
  frac = nanoseconds{frac_ns};
  return true;
}

template <class T, std::size_t I>
using member_type = std::remove_cvref_t<
    decltype(std::declval<T&>().*
             (boost::mp11::mp_at_c<json_members<T>, I>::pointer))>;

template <class T, std::size_t I>
void reset_member(T& obj) {
  (obj.*boost::mp11::mp_at_c<json_members<T>, I>::pointer).reset();
}

/// How to empty member `I` when its key is absent: only optionals may be.
template <class T, std::size_t I>
constexpr void (*reset_fn())(T&) {
  if constexpr (is_optional<member_type<T, I>>::value)
    return &reset_member<T, I>;
  else
    return nullptr;
}

/// One described member: its name and how to decode into / reset it.
template <class T>
struct member_entry {
  std::string_view name;
  bool (*decode)(const boost::json::value&, T&, decode_error&);
  void (*reset)(T&); // null for required members
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

inline std::size_t count_code_points(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
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

template <class T, std::size_t I>
bool decode_member(const boost::json::value& v, T& obj, decode_error& err) {
  using D = boost::mp11::mp_at_c<json_members<T>, I>;
  auto& field = obj.*D::pointer;
  if (!decode_value(v, field, err))
    return false;
  if constexpr (has_json_model<T>) {
    if (const auto& r = model_of<T>().rule(I); r && !check_rule(*r, field, err))
      return false;
  }
  return true;
}

template <class T, std::size_t... Is>
constexpr auto make_member_table(std::index_sequence<Is...>) {
  return std::array<member_entry<T>, sizeof...(Is)>{
      member_entry<T>{boost::mp11::mp_at_c<json_members<T>, Is>::name,
                      &decode_member<T, Is>, reset_fn<T, Is>()}...};
}

/// Key equality without a libc call: member names are short.
inline bool same_key(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i])
      return false;
  return true;
}

template <class T>
bool decode_struct(const boost::json::value& v, T& out, decode_error& err) {
  if (!v.is_object()) [[unlikely]]
    return fail_kind(err, "object", v);
  constexpr std::size_t n = json_member_count<T>;
  static constexpr auto table =
      make_member_table<T>(std::make_index_sequence<n>{});
  std::bitset<n> seen;
  std::size_t hint = 0;
  for (const auto& kv : v.get_object()) {
    std::string_view key{kv.key().data(), kv.key().size()};
    // Producers usually write keys in declaration order: try that first.
    std::size_t i = hint;
    if (i >= n || !same_key(table[i].name, key)) {
      i = 0;
      while (i < n && !same_key(table[i].name, key))
        ++i;
      if (i == n)
        continue; // unknown keys are ignored, as pydantic does by default
    }
    if (!table[i].decode(kv.value(), out, err)) [[unlikely]] {
      prepend_key(err, table[i].name);
      return false;
    }
    seen.set(i);
    hint = i + 1;
  }
  if (!seen.all()) { // all(), unlike count(), needs no popcount call
    for (std::size_t i = 0; i < n; ++i) {
      if (seen[i])
        continue;
      if (table[i].reset) {
        table[i].reset(out);
      } else {
        fail(err, "missing required field");
        prepend_key(err, table[i].name);
        return false;
      }
    }
  }
  return true;
}

template <class E>
bool decode_enum(const boost::json::value& v, E& out, decode_error& err) {
  if (!v.is_string()) [[unlikely]]
    return fail_kind(err, "string", v);
  std::string_view s{v.get_string().data(), v.get_string().size()};
  bool found = false;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
      [&](auto D) {
        if (!found && s == D.name) {
          out = D.value;
          found = true;
        }
      });
  if (found)
    return true;
  std::string msg =
      "unknown value \"" + std::string{s} + "\", expected one of ";
  bool first = true;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
      [&](auto D) {
        msg += first ? "\"" : ", \"";
        msg += D.name;
        msg += '"';
        first = false;
      });
  return fail(err, std::move(msg));
}

template <class T>
bool decode_value(const boost::json::value& v, T& out, decode_error& err) {
  if constexpr (std::is_same_v<T, boost::json::value>) {
    // Raw JSON member: copy out of the thread's arena into default storage.
    out = boost::json::value(v, boost::json::storage_ptr{});
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_bool()) [[unlikely]]
      return fail_kind(err, "boolean", v);
    out = v.get_bool();
    return true;
  } else if constexpr (is_integer_v<T>) {
    return decode_integer(v, out, err);
  } else if constexpr (std::is_floating_point_v<T>) {
    return decode_floating(v, out, err);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) [[unlikely]]
      return fail_kind(err, "string", v);
    const auto& s = v.get_string();
    out.assign(s.data(), s.size());
    return true;
  } else if constexpr (is_optional<T>::value) {
    if (v.is_null()) {
      out.reset();
      return true;
    }
    if (!out)
      out.emplace();
    return decode_value(v, *out, err);
  } else if constexpr (is_vector<T>::value) {
    if (!v.is_array()) [[unlikely]]
      return fail_kind(err, "array", v);
    const auto& arr = v.get_array();
    // Decode into the existing elements to reuse their buffers.
    out.resize(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
      bool ok;
      if constexpr (std::is_same_v<typename T::value_type, bool>) {
        bool b = false;
        ok = decode_value(arr[i], b, err);
        out[i] = b;
      } else {
        ok = decode_value(arr[i], out[i], err);
      }
      if (!ok) [[unlikely]] {
        prepend_index(err, i);
        return false;
      }
    }
    return true;
  } else if constexpr (is_string_map<T>::value) {
    if (!v.is_object()) [[unlikely]]
      return fail_kind(err, "object", v);
    out.clear();
    for (const auto& kv : v.get_object()) {
      std::string_view key{kv.key().data(), kv.key().size()};
      auto& slot = out[std::string{key}];
      if (!decode_value(kv.value(), slot, err)) [[unlikely]] {
        prepend_key(err, key);
        return false;
      }
    }
    return true;
  } else if constexpr (is_sys_time<T>::value) {
    if (!v.is_string()) [[unlikely]]
      return fail_kind(err, "string", v);
    std::string_view s{v.get_string().data(), v.get_string().size()};
    std::chrono::sys_seconds secs;
    std::chrono::nanoseconds frac;
    if (!parse_rfc3339(s, secs, frac))
      return fail(err, "expected RFC 3339 date-time like "
                       "2026-11-24T15:10:00.123Z, got \"" +
                           std::string{s} + "\"");
    using D = typename T::duration;
    // One second of headroom on both sides for the fraction and flooring.
    constexpr auto max_s =
        std::chrono::duration_cast<std::chrono::seconds>(D::max()).count() - 1;
    auto n = secs.time_since_epoch().count();
    if (n > max_s || n < -max_s) [[unlikely]]
      return fail(err, "\"" + std::string{s} +
                           "\" is out of range for the time_point type");
    out = T{std::chrono::floor<D>(secs.time_since_epoch()) +
            std::chrono::floor<D>(frac)};
    return true;
  } else if constexpr (is_described_enum_v<T>) {
    return decode_enum(v, out, err);
  } else if constexpr (is_described_struct_v<T>) {
    return decode_struct(v, out, err);
  } else {
    static_assert(sizeof(T) == 0,
                  "fastkafka JSON codec: unsupported type (use integers, "
                  "floating point, bool, std::string, std::optional, "
                  "std::vector, std::map<std::string, T>, "
                  "system_clock::time_point, or described enums/structs)");
    return false;
  }
}

/// Bump allocator whose blocks survive `rewind()`, so a thread that decodes
/// message after message stops allocating once it has seen its largest one.
///
/// Boost.JSON 1.81's monotonic_resource is not usable for this: its
/// `release()` frees the blocks and keeps doubling the next block size, so a
/// long-running decoder asks for ever larger blocks until allocation fails.
class arena_resource final : public boost::json::memory_resource {
public:
  arena_resource() = default;
  arena_resource(const arena_resource&) = delete;
  arena_resource& operator=(const arena_resource&) = delete;

  /// Makes all memory reusable; keeps at most `keep_bytes` of blocks so one
  /// giant message does not pin its memory forever.
  void rewind(std::size_t keep_bytes = 4 * 1024 * 1024) noexcept {
    std::size_t kept = 0;
    std::size_t n = 0;
    for (; n < blocks_.size(); ++n) {
      if (kept + blocks_[n].size > keep_bytes && n > 0)
        break;
      kept += blocks_[n].size;
    }
    blocks_.resize(n);
    current_ = 0;
    used_ = 0;
  }

private:
  struct block {
    std::unique_ptr<unsigned char[]> data;
    std::size_t size;
  };

  void* do_allocate(std::size_t n, std::size_t align) override {
    for (;;) {
      if (current_ < blocks_.size()) {
        auto& b = blocks_[current_];
        auto base = reinterpret_cast<std::uintptr_t>(b.data.get());
        auto start = (base + used_ + align - 1) & ~(align - 1);
        if (start + n <= base + b.size) {
          used_ = start + n - base;
          return reinterpret_cast<void*>(start);
        }
        if (current_ + 1 < blocks_.size()) {
          ++current_;
          used_ = 0;
          continue;
        }
      }
      auto size = std::max<std::size_t>(
          blocks_.empty() ? 16 * 1024 : blocks_.back().size * 2, n + align);
      blocks_.push_back(block{
          std::unique_ptr<unsigned char[]>(new unsigned char[size]), size});
      current_ = blocks_.size() - 1;
      used_ = 0;
    }
  }

  void do_deallocate(void*, std::size_t, std::size_t) override {
    // Freed all at once by rewind().
  }

  bool do_is_equal(const memory_resource& other) const noexcept override {
    return this == &other;
  }

  std::vector<block> blocks_;
  std::size_t current_ = 0;
  std::size_t used_ = 0;
};

} // namespace detail
} // namespace fastkafka

/// Deallocation is a no-op: lets Boost.JSON skip walking the DOM to destroy
/// it, which otherwise costs as much as a third of a decode.
template <>
struct boost::json::is_deallocate_trivial<fastkafka::detail::arena_resource>
    : std::true_type {};

namespace fastkafka {
namespace detail {

/// Parser and arena reused by every decode on this thread.
struct parse_state {
  arena_resource arena;
  boost::json::parser parser;
};

inline parse_state& thread_parse_state() {
  thread_local parse_state state;
  return state;
}

// -- encoding ----------------------------------------------------------------

/// Internal: thrown by the encoders; the top-level adds the full path.
struct encode_failure {
  std::string path;
  std::string message;
};

[[noreturn, gnu::cold]] inline void throw_encode(std::string message) {
  throw encode_failure{{}, std::move(message)};
}

/// Bytes that need escaping or UTF-8 validation.
inline constexpr auto special_bytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return t;
}();

/// Length of a valid UTF-8 sequence starting at `p`, 0 if invalid.
inline std::size_t utf8_length(const unsigned char* p,
                               const unsigned char* end) noexcept {
  auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  std::size_t avail = static_cast<std::size_t>(end - p);
  unsigned char c = p[0];
  if (c >= 0xC2 && c <= 0xDF)
    return avail >= 2 && cont(p[1]) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (avail < 3 || !cont(p[1]) || !cont(p[2]))
      return 0;
    if (c == 0xE0 && p[1] < 0xA0)
      return 0; // overlong
    if (c == 0xED && p[1] > 0x9F)
      return 0; // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (avail < 4 || !cont(p[1]) || !cont(p[2]) || !cont(p[3]))
      return 0;
    if (c == 0xF0 && p[1] < 0x90)
      return 0; // overlong
    if (c == 0xF4 && p[1] > 0x8F)
      return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

inline void encode_string(std::string_view s, std::string& out) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  auto* end = p + s.size();
  auto* run = p;
  while (p != end) {
    if (!special_bytes[*p]) [[likely]] {
      ++p;
      continue;
    }
    unsigned char c = *p;
    if (c >= 0x80) {
      auto n = utf8_length(p, end);
      if (n == 0)
        throw_encode("invalid UTF-8 at byte " +
                     std::to_string(
                         p - reinterpret_cast<const unsigned char*>(s.data())));
      p += n;
      continue;
    }
    out.append(reinterpret_cast<const char*>(run), p - run);
    switch (c) {
    case '"':
      out.append("\\\"", 2);
      break;
    case '\\':
      out.append("\\\\", 2);
      break;
    case '\n':
      out.append("\\n", 2);
      break;
    case '\r':
      out.append("\\r", 2);
      break;
    case '\t':
      out.append("\\t", 2);
      break;
    case '\b':
      out.append("\\b", 2);
      break;
    case '\f':
      out.append("\\f", 2);
      break;
    default: {
      char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
      out.append(esc, 6);
    }
    }
    run = ++p;
  }
  out.append(reinterpret_cast<const char*>(run), p - run);
  out.push_back('"');
}

template <class F>
void encode_floating(F value, std::string& out) {
  if (!std::isfinite(value)) [[unlikely]]
    throw_encode(std::isnan(value)
                     ? "cannot encode NaN: JSON has no such number"
                     : "cannot encode infinity: JSON has no such number");
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  // Keep a float a float for Python readers: `3.0`, not `3`.
  bool integral_looking = true;
  for (char* q = buf; q != r.ptr; ++q)
    if (*q == '.' || *q == 'e') {
      integral_looking = false;
      break;
    }
  out.append(buf, r.ptr);
  if (integral_looking)
    out.append(".0", 2);
}

inline void put_digits(char*& p, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  p += width;
}

template <class D>
void encode_time(std::chrono::time_point<std::chrono::system_clock, D> t,
                 std::string& out) {
  using namespace std::chrono;
  auto tp = time_point_cast<nanoseconds>(t);
  auto day_point = floor<days>(tp);
  year_month_day ymd{day_point};
  int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999)
    throw_encode("year " + std::to_string(y) +
                 " is outside RFC 3339's 0000..9999");
  auto ns = (tp - day_point).count();
  auto secs = ns / 1'000'000'000;
  auto frac = static_cast<unsigned>(ns % 1'000'000'000);
  char buf[40];
  char* p = buf;
  *p++ = '"';
  put_digits(p, static_cast<unsigned>(y), 4);
  *p++ = '-';
  put_digits(p, static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  put_digits(p, static_cast<unsigned>(ymd.day()), 2);
  *p++ = 'T';
  put_digits(p, static_cast<unsigned>(secs / 3600), 2);
  *p++ = ':';
  put_digits(p, static_cast<unsigned>(secs / 60 % 60), 2);
  *p++ = ':';
  put_digits(p, static_cast<unsigned>(secs % 60), 2);
  // Milliseconds, microseconds or nanoseconds: as few digits as needed.
  if (frac != 0) {
    *p++ = '.';
    if (frac % 1'000'000 == 0)
      put_digits(p, frac / 1'000'000, 3);
    else if (frac % 1'000 == 0)
      put_digits(p, frac / 1'000, 6);
    else
      put_digits(p, frac, 9);
  }
  *p++ = 'Z';
  *p++ = '"';
  out.append(buf, p);
}

/// `"name":` (with a leading comma unless first) as a compile-time array.
template <class D, bool First>
struct key_text {
  static constexpr std::size_t name_len =
      std::char_traits<char>::length(D::name);
  static constexpr std::size_t size = name_len + 3 + (First ? 0 : 1);
  static constexpr std::array<char, size> value = [] {
    std::array<char, size> a{};
    std::size_t k = 0;
    if (!First)
      a[k++] = ',';
    a[k++] = '"';
    for (std::size_t i = 0; i < name_len; ++i)
      a[k++] = D::name[i];
    a[k++] = '"';
    a[k++] = ':';
    return a;
  }();
};

template <class T>
void encode_value(const T& v, std::string& out);

template <class T>
void encode_struct(const T& v, std::string& out) {
  out.push_back('{');
  boost::mp11::mp_for_each<boost::mp11::mp_iota_c<json_member_count<T>>>(
      [&](auto i) {
        using D = boost::mp11::mp_at_c<json_members<T>, i>;
        using K = key_text<D, i == 0>;
        out.append(K::value.data(), K::size);
        try {
          encode_value(v.*D::pointer, out);
        } catch (encode_failure& f) {
          decode_error tmp{std::move(f.path), {}};
          prepend_key(tmp, D::name);
          f.path = std::move(tmp.path);
          throw;
        }
      });
  out.push_back('}');
}

template <class E>
void encode_enum(E v, std::string& out) {
  const char* name = nullptr;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
      [&](auto D) {
        if (!name && v == D.value)
          name = D.name;
      });
  if (!name)
    throw_encode(std::to_string(static_cast<std::underlying_type_t<E>>(v)) +
                 " is not a described enumerator of " +
                 std::string{type_name<E>()});
  // Enumerator names are C++ identifiers: no escaping needed.
  out.push_back('"');
  out.append(name);
  out.push_back('"');
}

inline void encode_dom(const boost::json::value& v, std::string& out);
inline void encode_dom_object(const boost::json::object& obj, std::string& out);

template <class T>
void encode_value(const T& v, std::string& out) {
  if constexpr (std::is_same_v<T, boost::json::value>) {
    encode_dom(v, out);
  } else if constexpr (std::is_same_v<T, boost::json::object>) {
    // E.g. a json_schema<T>() result, with numbers written the short way.
    encode_dom_object(v, out);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (v)
      out.append("true", 4);
    else
      out.append("false", 5);
  } else if constexpr (is_integer_v<T>) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  } else if constexpr (std::is_floating_point_v<T>) {
    encode_floating(v, out);
  } else if constexpr (std::is_same_v<T, std::string>) {
    encode_string(v, out);
  } else if constexpr (is_optional<T>::value) {
    // pydantic writes None as null rather than omitting the key.
    if (v)
      encode_value(*v, out);
    else
      out.append("null", 4);
  } else if constexpr (is_vector<T>::value) {
    out.push_back('[');
    std::size_t i = 0;
    try {
      for (; i < v.size(); ++i) {
        if (i != 0)
          out.push_back(',');
        if constexpr (std::is_same_v<typename T::value_type, bool>)
          encode_value(static_cast<bool>(v[i]), out);
        else
          encode_value(v[i], out);
      }
    } catch (encode_failure& f) {
      f.path.insert(0, "[" + std::to_string(i) + "]");
      throw;
    }
    out.push_back(']');
  } else if constexpr (is_string_map<T>::value) {
    out.push_back('{');
    bool first = true;
    for (const auto& [key, value] : v) {
      if (!first)
        out.push_back(',');
      first = false;
      try {
        encode_string(key, out);
        out.push_back(':');
        encode_value(value, out);
      } catch (encode_failure& f) {
        decode_error tmp{std::move(f.path), {}};
        prepend_key(tmp, key);
        f.path = std::move(tmp.path);
        throw;
      }
    }
    out.push_back('}');
  } else if constexpr (is_sys_time<T>::value) {
    encode_time(v, out);
  } else if constexpr (is_described_enum_v<T>) {
    encode_enum(v, out);
  } else if constexpr (is_described_struct_v<T>) {
    encode_struct(v, out);
  } else {
    static_assert(sizeof(T) == 0,
                  "fastkafka JSON codec: unsupported type (use integers, "
                  "floating point, bool, std::string, std::optional, "
                  "std::vector, std::map<std::string, T>, "
                  "system_clock::time_point, or described enums/structs)");
  }
}

inline void encode_dom(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
  case boost::json::kind::null:
    out.append("null", 4);
    break;
  case boost::json::kind::bool_:
    encode_value(v.get_bool(), out);
    break;
  case boost::json::kind::int64:
    encode_value(v.get_int64(), out);
    break;
  case boost::json::kind::uint64:
    encode_value(v.get_uint64(), out);
    break;
  case boost::json::kind::double_:
    encode_floating(v.get_double(), out);
    break;
  case boost::json::kind::string:
    encode_string({v.get_string().data(), v.get_string().size()}, out);
    break;
  case boost::json::kind::array: {
    out.push_back('[');
    bool first = true;
    for (const auto& x : v.get_array()) {
      if (!first)
        out.push_back(',');
      first = false;
      encode_dom(x, out);
    }
    out.push_back(']');
    break;
  }
  case boost::json::kind::object:
    encode_dom_object(v.get_object(), out);
    break;
  }
}

inline void encode_dom_object(const boost::json::object& obj,
                              std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const auto& kv : obj) {
    if (!first)
      out.push_back(',');
    first = false;
    encode_string({kv.key().data(), kv.key().size()}, out);
    out.push_back(':');
    encode_dom(kv.value(), out);
  }
  out.push_back('}');
}

} // namespace detail

/// Decodes `in` into `out`; on failure fills `err` (path and problem) and
/// returns false. Never throws. Unknown keys are ignored, absent
/// `std::optional` members become empty, absent other members are errors.
template <class T>
bool json_decode(std::string_view in, T& out, decode_error& err) noexcept {
  try {
    auto& st = detail::thread_parse_state();
    bool ok;
    {
      // Typed pointer: storage_ptr picks up is_deallocate_trivial from it.
      st.parser.reset(boost::json::storage_ptr(&st.arena));
      boost::system::error_code ec;
      auto n = st.parser.write(in.data(), in.size(), ec);
      if (ec) [[unlikely]] {
        err.path = "$";
        err.message =
            "invalid JSON at offset " + std::to_string(n) + ": " + ec.message();
        ok = false;
      } else {
        boost::json::value doc = st.parser.release();
        ok = detail::decode_value(doc, out, err);
        if (!ok)
          err.path.insert(0, "$");
      }
    }
    // The document is gone: recycle the arena for the next message.
    st.parser.reset();
    st.arena.rewind();
    return ok;
  } catch (const std::exception& e) {
    err.path = "$";
    err.message = std::string{"internal error while decoding: "} + e.what();
  } catch (...) {
    err.path = "$";
    err.message = "internal error while decoding";
  }
  return false;
}

/// Decodes `in` as a `T`; throws `json_error` on failure.
template <class T>
T json_decode(std::string_view in) {
  T result{};
  decode_error err;
  if (!json_decode(in, result, err))
    throw json_error(std::move(err));
  return result;
}

/// Appends the JSON text of `value` to `out`.
///
/// Throws `json_error` (naming the path) for values JSON cannot carry: NaN
/// or infinite floating point, strings that are not valid UTF-8, enum values
/// without a described name, years outside 0000..9999. On throw, `out` is
/// left as it was.
template <class T>
void json_encode(const T& value, std::string& out) {
  auto old_size = out.size();
  try {
    detail::encode_value(value, out);
  } catch (detail::encode_failure& f) {
    out.resize(old_size);
    throw json_error(decode_error{"$" + f.path, std::move(f.message)});
  }
}

/// Returns the JSON text of `value`; throws like the appending overload.
template <class T>
std::string json_encode(const T& value) {
  std::string out;
  json_encode(value, out);
  return out;
}

/// A codec named "json" with content type "application/json".
template <class T>
codec<T> json_codec() {
  codec<T> result;
  result.name = "json";
  result.content_type = "application/json";
  result.decode = [](std::string_view bytes, T& out, decode_error& err) {
    return json_decode(bytes, out, err);
  };
  result.encode = [](const T& value, std::string& out) {
    json_encode(value, out);
  };
  return result;
}

} // namespace fastkafka

#include "fastkafka/codecs/json_schema.hpp"
