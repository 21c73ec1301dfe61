// Input records of the pipeline example, as the integration suites send them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fastkafka::test {

/// `{"id":ID,"value":ID.25,"name":"sensor-ID"}`, the pipeline's input model.
inline std::string input_json(int64_t id) {
  return "{\"id\":" + std::to_string(id) + ",\"value\":" + std::to_string(id) +
         ".25,\"name\":\"sensor-" + std::to_string(id) + "\"}";
}

/// (key, value) records for ids `first` to `last`, keyed by id.
inline std::vector<std::pair<std::string, std::string>> inputs(int64_t first,
                                                               int64_t last) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto id = first; id <= last; ++id)
    out.emplace_back(std::to_string(id), input_json(id));
  return out;
}

} // namespace fastkafka::test
