#pragma once

// One owner per librdkafka object, all in one place. Deleters are noexcept;
// closing a consumer (which may block and fail) is an explicit step before
// destruction (see consumer_client).

#include <memory>

#include <librdkafka/rdkafka.h>

namespace fastkafka::kafka {

/// Deletes a librdkafka object with its own destroy function.
template <class T, void (*Destroy)(T*)>
struct rd_deleter {
  void operator()(T* p) const noexcept { Destroy(p); }
};

namespace detail {
inline void destroy_metadata(const rd_kafka_metadata_t* p) {
  rd_kafka_metadata_destroy(p);
}
} // namespace detail

/// Owning handle of a client; `rd_kafka_destroy` also closes a consumer that
/// was not closed, which may block: close consumers first.
using kafka_ptr =
    std::unique_ptr<rd_kafka_t, rd_deleter<rd_kafka_t, rd_kafka_destroy>>;
/// Owning handle of a configuration not yet given to `rd_kafka_new`.
using conf_ptr =
    std::unique_ptr<rd_kafka_conf_t,
                    rd_deleter<rd_kafka_conf_t, rd_kafka_conf_destroy>>;
/// Owning handle of a topic object.
using topic_ptr =
    std::unique_ptr<rd_kafka_topic_t,
                    rd_deleter<rd_kafka_topic_t, rd_kafka_topic_destroy>>;
/// Owning handle of a queue reference.
using queue_ptr =
    std::unique_ptr<rd_kafka_queue_t,
                    rd_deleter<rd_kafka_queue_t, rd_kafka_queue_destroy>>;
/// Owning handle of a topic/partition list.
using tpl_ptr =
    std::unique_ptr<rd_kafka_topic_partition_list_t,
                    rd_deleter<rd_kafka_topic_partition_list_t,
                               rd_kafka_topic_partition_list_destroy>>;
/// Owning handle of a header list not yet given to a produce call.
using headers_ptr =
    std::unique_ptr<rd_kafka_headers_t,
                    rd_deleter<rd_kafka_headers_t, rd_kafka_headers_destroy>>;
/// Owning handle of a consumed message.
using message_ptr =
    std::unique_ptr<rd_kafka_message_t,
                    rd_deleter<rd_kafka_message_t, rd_kafka_message_destroy>>;
/// Owning handle of an error object.
using error_ptr =
    std::unique_ptr<rd_kafka_error_t,
                    rd_deleter<rd_kafka_error_t, rd_kafka_error_destroy>>;
/// Owning handle of an event.
using event_ptr =
    std::unique_ptr<rd_kafka_event_t,
                    rd_deleter<rd_kafka_event_t, rd_kafka_event_destroy>>;
/// Owning handle of metadata returned by `rd_kafka_metadata`.
using metadata_ptr = std::unique_ptr<
    const rd_kafka_metadata_t,
    rd_deleter<const rd_kafka_metadata_t, detail::destroy_metadata>>;
/// Owning handle of consumer group metadata (for transactions).
using group_metadata_ptr =
    std::unique_ptr<rd_kafka_consumer_group_metadata_t,
                    rd_deleter<rd_kafka_consumer_group_metadata_t,
                               rd_kafka_consumer_group_metadata_destroy>>;

} // namespace fastkafka::kafka
