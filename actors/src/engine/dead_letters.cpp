#include "dead_letters.hpp"

#include <vector>

#include "fastkafka/dead_letter.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/retry_topic.hpp"

#include "retry_topics.hpp"

namespace fastkafka::engine {

dead_letter_writer::dead_letter_writer(std::string registration,
                                       std::string source_topic,
                                       std::string target_topic,
                                       fastkafka::detail::message_sink* sink,
                                       bool from_retry_topic)
    : registration_(std::move(registration))
    , source_(std::move(source_topic))
    , target_(std::move(target_topic))
    , sink_(sink)
    , from_retry_topic_(from_retry_topic) {
  // nop
}

bool dead_letter_writer::write(const kafka::record& r, std::string_view reason,
                               std::string_view error, int attempts,
                               kafka::ticket* t,
                               kafka::delivery_batch* batch) const {
  // The input's own headers first, in order, then ours.
  auto headers =
      r.read_headers ? r.read_headers(r.handle) : std::vector<header_view>{};
  retry_origin origin{source_, r.partition, r.offset, 0};
  if (from_retry_topic_) {
    origin = origin_of(headers, source_, r.partition, r.offset);
    // The dlq headers say it all; the retry headers would repeat it.
    std::erase_if(headers, [](const header_view& h) {
      return retry_header::is_retry_header(h.first);
    });
  }
  auto partition = std::to_string(origin.partition);
  auto offset = std::to_string(origin.offset);
  auto tries = std::to_string(attempts);
  headers.emplace_back(dlq_header::reason, reason);
  headers.emplace_back(dlq_header::error, error);
  headers.emplace_back(dlq_header::topic, origin.topic);
  headers.emplace_back(dlq_header::partition, partition);
  headers.emplace_back(dlq_header::offset, offset);
  headers.emplace_back(dlq_header::consumer, registration_);
  headers.emplace_back(dlq_header::attempts, tries);
  std::string err;
  bool ok =
      send_for_input(sink_, {target_, r.key, r.value, headers}, t, batch, err);
  if (!ok)
    log().error("consumer {}: cannot dead-letter {} [{}] offset {} to {}: {}",
                registration_, source_, r.partition, r.offset, target_, err);
  return ok;
}

bool send_for_input(fastkafka::detail::message_sink* sink,
                    const fastkafka::detail::outbound_message& msg,
                    kafka::ticket* t, kafka::delivery_batch* batch,
                    std::string& err) {
  bool ok = false;
  if (sink == nullptr) {
    err = "no dead-letter producer";
  } else {
    kafka::delivery_scope scope{t, batch};
    ok = sink->send(msg, err);
  }
  if (!ok && t != nullptr)
    t->failed.store(true, std::memory_order_relaxed);
  return ok;
}

} // namespace fastkafka::engine
