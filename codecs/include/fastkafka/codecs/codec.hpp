#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace fastkafka {

/// Why a payload could not be decoded: where in the document and what was
/// wrong, e.g. path `$.items[2].price`, message `expected number, got string`.
struct decode_error {
  /// JSONPath-like location of the problem; `$` for the whole document.
  std::string path = "$";
  /// What was wrong there, in words a user can act on.
  std::string message;

  /// Renders `path: message`.
  std::string to_string() const { return path + ": " + message; }
};

/// How one registration turns bytes into `T` and `T` into bytes.
///
/// The consumer and producer actors call these on the hot path: `decode`
/// never throws (errors are values), `encode` appends to a reused buffer.
template <class T>
struct codec {
  /// Short name for logs and docs: `json`, `avro`, `raw`, `custom`.
  std::string name;
  /// MIME type written into the AsyncAPI document.
  std::string content_type;
  /// Fills `out` from `bytes`; on failure fills `err` and returns false.
  std::function<bool(std::string_view bytes, T& out, decode_error& err)> decode;
  /// Appends the encoding of `value` to `out`.
  std::function<void(const T& value, std::string& out)> encode;
  /// AsyncAPI `schemaFormat` of `schema`, e.g.
  /// `application/vnd.apache.avro;version=1.9.0`; empty when the docs show
  /// the JSON Schema of `T` (or bytes).
  std::string schema_format;
  /// The payload's schema in `schema_format`, as JSON text; set with it.
  std::function<std::string()> schema;
};

/// Builds a codec from user functions: `decoder(bytes) -> T` (may throw; the
/// exception text becomes the decode error) and `encoder(value) -> bytes`.
template <class T, class Decoder, class Encoder>
codec<T>
make_custom_codec(Decoder decoder, Encoder encoder,
                  std::string content_type = "application/octet-stream") {
  codec<T> result;
  result.name = "custom";
  result.content_type = std::move(content_type);
  result.decode = [decoder = std::move(decoder)](std::string_view bytes, T& out,
                                                 decode_error& err) {
    try {
      out = decoder(bytes);
      return true;
    } catch (const std::exception& e) {
      err = decode_error{"$", e.what()};
    } catch (...) {
      err = decode_error{"$", "custom decoder threw a non-standard exception"};
    }
    return false;
  };
  result.encode = [encoder = std::move(encoder)](const T& value,
                                                 std::string& out) {
    auto bytes = encoder(value);
    out.append(bytes.begin(), bytes.end());
  };
  return result;
}

/// The identity codec for payloads that are plain bytes or text.
inline codec<std::string> raw_codec() {
  codec<std::string> result;
  result.name = "raw";
  result.content_type = "application/octet-stream";
  result.decode = [](std::string_view bytes, std::string& out, decode_error&) {
    out.assign(bytes.data(), bytes.size());
    return true;
  };
  result.encode = [](const std::string& value, std::string& out) {
    out.append(value);
  };
  return result;
}

} // namespace fastkafka
