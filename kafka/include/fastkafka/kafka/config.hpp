#pragma once

// From client options to librdkafka configurations and clients.

#include <string>
#include <utility>
#include <vector>

#include "fastkafka/kafka/handles.hpp"
#include "fastkafka/options.hpp"

namespace fastkafka::kafka {

/// The librdkafka properties for a client of `role`, in the order they
/// should be applied; pass-through keys come last. Framework-owned keys
/// (group id, auto commit) are not included.
std::vector<std::pair<std::string, std::string>>
rdkafka_properties(const client_options& opts, client_role role);

/// Builds a configuration from `properties`; returns null and fills `err`
/// with the offending key, value (masked when secret) and librdkafka's
/// reason on failure.
conf_ptr
make_conf(const std::vector<std::pair<std::string, std::string>>& properties,
          std::string& err);

/// Creates a client of `type` from `conf` (consumed even on failure).
kafka_ptr make_client(rd_kafka_type_t type, conf_ptr conf, std::string& err);

/// Whether `properties` ask librdkafka for debug output (`debug=...`).
bool wants_debug(
    const std::vector<std::pair<std::string, std::string>>& properties);

} // namespace fastkafka::kafka
