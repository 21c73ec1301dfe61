#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "fastkafka/options.hpp"

namespace fastkafka::detail {

// One owner per librdkafka object. Deleters are noexcept; closing a consumer
// (which may block and fail) is an explicit step before destruction.

struct rd_kafka_deleter {
  void operator()(rd_kafka_t* p) const noexcept { rd_kafka_destroy(p); }
};
struct rd_conf_deleter {
  void operator()(rd_kafka_conf_t* p) const noexcept {
    rd_kafka_conf_destroy(p);
  }
};
struct rd_topic_deleter {
  void operator()(rd_kafka_topic_t* p) const noexcept {
    rd_kafka_topic_destroy(p);
  }
};
struct rd_queue_deleter {
  void operator()(rd_kafka_queue_t* p) const noexcept {
    rd_kafka_queue_destroy(p);
  }
};
struct rd_tpl_deleter {
  void operator()(rd_kafka_topic_partition_list_t* p) const noexcept {
    rd_kafka_topic_partition_list_destroy(p);
  }
};
struct rd_headers_deleter {
  void operator()(rd_kafka_headers_t* p) const noexcept {
    rd_kafka_headers_destroy(p);
  }
};

/// Owning handle of a client.
using kafka_ptr = std::unique_ptr<rd_kafka_t, rd_kafka_deleter>;
/// Owning handle of a configuration not yet given to `rd_kafka_new`.
using conf_ptr = std::unique_ptr<rd_kafka_conf_t, rd_conf_deleter>;
/// Owning handle of a topic object.
using topic_ptr = std::unique_ptr<rd_kafka_topic_t, rd_topic_deleter>;
/// Owning handle of a queue reference.
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, rd_queue_deleter>;
/// Owning handle of a topic/partition list.
using tpl_ptr =
    std::unique_ptr<rd_kafka_topic_partition_list_t, rd_tpl_deleter>;
/// Owning handle of a header list not yet given to a produce call.
using headers_ptr = std::unique_ptr<rd_kafka_headers_t, rd_headers_deleter>;

/// Builds a configuration from `properties`; returns null and fills `err`
/// with the offending key, value and librdkafka's reason on failure.
conf_ptr
make_conf(const std::vector<std::pair<std::string, std::string>>& properties,
          std::string& err);

/// Creates a client of `type` from `conf` (consumed even on failure).
kafka_ptr make_client(rd_kafka_type_t type, conf_ptr conf, std::string& err);

} // namespace fastkafka::detail

namespace fastkafka::detail {

/// Routes librdkafka's log lines and client errors to the framework logger.
/// The callbacks run on librdkafka's threads and never throw.
void route_logs(rd_kafka_conf_t* conf);

/// Answers librdkafka's token refresh with a token from `provider`, or
/// with a failure when it throws or returns an unusable token. Never
/// throws: it runs inside a librdkafka callback.
void refresh_oauth_token(rd_kafka_t* rk,
                         const oauth_token_provider& provider) noexcept;

/// Milliseconds on a monotonic clock, for rate limits.
int64_t monotonic_ms() noexcept;

} // namespace fastkafka::detail
