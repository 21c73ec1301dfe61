#pragma once

/// The JSON codec for Boost.Describe'd message types: include this one.

#include "fastkafka/codecs/codec.hpp"
#include "fastkafka/codecs/field_info.hpp"
#include "fastkafka/codecs/json_decode.hpp"
#include "fastkafka/codecs/json_encode.hpp"
#include "fastkafka/codecs/json_error.hpp"
#include "fastkafka/codecs/json_model.hpp"
#include "fastkafka/codecs/json_schema.hpp"

#include <string>
#include <string_view>

namespace fastkafka {

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
