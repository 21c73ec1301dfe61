#pragma once

// The consumer groups an app joins, computed as `runtime::start` computes
// them, for tools that act on the groups before the app starts (`run
// --reset-offsets`).

#include <string>
#include <vector>

#include "fastkafka/options.hpp"
#include "fastkafka/runtime.hpp"

namespace fastkafka {

/// A consumer registration's group, topic and client options as the runtime
/// runs it.
struct consumer_group_target {
  std::string registration;
  std::string topic;
  std::string group;
  /// The merged client options, with the cluster's bootstrap servers.
  client_options options;
};

/// Every consumer registration's group under `options` (the same layering
/// of options, group rule and broker choice as `runtime::start`). Throws
/// `config_error` for what `start` would refuse.
std::vector<consumer_group_target>
consumer_groups(const app& a, const start_options& options);

} // namespace fastkafka
