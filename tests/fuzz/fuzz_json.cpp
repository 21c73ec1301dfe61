// libFuzzer target for the JSON decoder: random bytes decoded into a nested
// model, a flat model with rules and a map; whatever decodes must encode,
// and the encoding must decode to a value that encodes the same way.
// Built and run by run_fuzz.sh (CTest `fuzz_json`).

#include "fastkafka/codecs/json.hpp"

#include "fuzz_model.hpp"

#include <boost/json/src.hpp>

#include <cstdio>
#include <cstdlib>

namespace fuzz {

inline fastkafka::json_model<reading> describe_json(reading*) {
  return fastkafka::json_model<reading>{"Reading"}
      .field(&reading::value, {.ge = 0, .le = 100})
      .field(&reading::name,
             {.min_length = 3, .max_length = 16, .pattern = "^sensor-[0-9]+$"});
}

} // namespace fuzz

namespace {

template <class T>
void check(std::string_view in) {
  T value{};
  fastkafka::decode_error err;
  if (!fastkafka::json_decode(in, value, err)) {
    if (err.message.empty() || err.path.empty() || err.path[0] != '$') {
      std::fprintf(stderr, "error without path or message: %s\n",
                   err.to_string().c_str());
      std::abort();
    }
    return;
  }
  std::string once;
  try {
    fastkafka::json_encode(value, once);
  } catch (const fastkafka::json_error&) {
    // Decodable but not encodable exists (a time zone offset that moves a
    // year 0000 date before 0000): not a bug of the decoder.
    return;
  }
  T again{};
  if (!fastkafka::json_decode(once, again, err)) {
    std::fprintf(stderr, "our own encoding does not decode: %s\n%s\n",
                 err.to_string().c_str(), once.c_str());
    std::abort();
  }
  auto twice = fastkafka::json_encode(again);
  if (twice != once) {
    std::fprintf(stderr, "encoding is not stable:\n%s\n%s\n", once.c_str(),
                 twice.c_str());
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in{reinterpret_cast<const char*>(data), size};
  check<fuzz::order>(in);
  check<fuzz::reading>(in);
  check<std::map<std::string, std::vector<std::optional<int64_t>>>>(in);
  return 0;
}
