#include "fastkafka/message.hpp"

#include <librdkafka/rdkafka.h>

namespace fastkafka {

std::vector<std::pair<std::string_view, std::string_view>>
message_meta::headers() const {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  auto* msg = static_cast<const rd_kafka_message_t*>(raw);
  rd_kafka_headers_t* hdrs = nullptr;
  // librdkafka parses headers lazily and caches them in the message, hence
  // the cast: the message is not changed in any way the caller can see.
  if (msg == nullptr ||
      rd_kafka_message_headers(const_cast<rd_kafka_message_t*>(msg), &hdrs) !=
          RD_KAFKA_RESP_ERR_NO_ERROR)
    return out;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) ==
                     RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i)
    out.emplace_back(name, std::string_view{static_cast<const char*>(value),
                                            value ? size : 0});
  return out;
}

} // namespace fastkafka
