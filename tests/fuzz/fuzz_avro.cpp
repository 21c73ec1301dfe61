// libFuzzer target for the Avro decoder: random bytes decoded into a nested
// model, a flat model and a map; whatever decodes must encode, and the
// encoding must decode to a value that encodes to the same bytes.
// Built and run by run_fuzz.sh (CTest `fuzz_avro`).

#include "fastkafka/codecs/avro.hpp"

#include "fuzz_model.hpp"

#include <boost/json/src.hpp>

#include <cstdio>
#include <cstdlib>

namespace {

template <class T>
void check(std::string_view in) {
  T value{};
  fastkafka::decode_error err;
  if (!fastkafka::avro_decode(in, value, err)) {
    if (err.message.empty() || err.path.empty() || err.path[0] != '$') {
      std::fprintf(stderr, "error without path or message: %s\n",
                   err.to_string().c_str());
      std::abort();
    }
    return;
  }
  // Everything the decoder accepts is encodable: ranges, UTF-8 and enum
  // indices were checked on the way in.
  std::string once = fastkafka::avro_encode(value);
  T again{};
  if (!fastkafka::avro_decode(once, again, err)) {
    std::fprintf(stderr, "our own encoding does not decode: %s\n",
                 err.to_string().c_str());
    std::abort();
  }
  if (fastkafka::avro_encode(again) != once) {
    std::fprintf(stderr, "encoding is not stable\n");
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
