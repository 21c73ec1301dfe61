#include "retry_topics.hpp"

#include <charconv>

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/retry_topic.hpp"

#include "dead_letters.hpp"

namespace fastkafka::engine {

namespace {

template <class Int>
bool parse(std::string_view text, Int& out) noexcept {
  auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && p == end && !text.empty();
}

} // namespace

retry_origin origin_of(std::span<const header_view> headers,
                       std::string_view own_topic, int32_t partition,
                       int64_t offset) noexcept {
  retry_origin out{own_topic, partition, offset, 0};
  std::optional<std::string_view> topic;
  int32_t p = -1;
  int64_t o = -1;
  int tries = 0;
  bool has_p = false, has_o = false, has_tries = false;
  for (auto& [name, value] : headers) {
    if (name == retry_header::topic)
      topic = value;
    else if (name == retry_header::partition)
      has_p = parse(value, p);
    else if (name == retry_header::offset)
      has_o = parse(value, o);
    else if (name == retry_header::attempts)
      has_tries = parse(value, tries);
  }
  if (topic && !topic->empty() && has_p && has_o && has_tries && tries >= 0)
    out = {*topic, p, o, tries};
  return out;
}

int64_t due_ms(std::optional<std::string_view> due_header, int64_t timestamp_ms,
               std::chrono::milliseconds delay) noexcept {
  int64_t due = 0;
  if (due_header && parse(*due_header, due))
    return due;
  if (timestamp_ms > 0)
    return timestamp_ms + delay.count();
  return 0;
}

retry_headers::retry_headers(std::span<const header_view> input,
                             const retry_origin& origin, int attempts,
                             std::string_view error, std::string_view consumer,
                             int64_t due_ms)
    : topic_(origin.topic)
    , partition_(std::to_string(origin.partition))
    , offset_(std::to_string(origin.offset))
    , attempts_(std::to_string(attempts))
    , due_(std::to_string(due_ms)) {
  headers_.reserve(input.size() + 7);
  for (auto& h : input)
    if (!retry_header::is_retry_header(h.first))
      headers_.push_back(h);
  headers_.emplace_back(retry_header::attempts, attempts_);
  headers_.emplace_back(retry_header::topic, topic_);
  headers_.emplace_back(retry_header::partition, partition_);
  headers_.emplace_back(retry_header::offset, offset_);
  headers_.emplace_back(retry_header::error, error);
  headers_.emplace_back(retry_header::due, due_);
  headers_.emplace_back(retry_header::consumer, consumer);
}

retry_writer::retry_writer(std::string registration, std::string own_topic,
                           std::string target_topic,
                           std::chrono::milliseconds delay,
                           fastkafka::detail::message_sink* sink)
    : registration_(std::move(registration))
    , source_(std::move(own_topic))
    , target_(std::move(target_topic))
    , delay_(delay)
    , sink_(sink) {
  // nop
}

bool retry_writer::write(const kafka::record& r, std::string_view error,
                         int attempts, kafka::ticket* t,
                         kafka::delivery_batch* batch) const {
  auto input =
      r.read_headers ? r.read_headers(r.handle) : std::vector<header_view>{};
  auto origin = origin_of(input, source_, r.partition, r.offset);
  // Due from the move, not from the first arrival: each stage waits its
  // own delay.
  retry_headers headers{
      input,         origin,
      attempts,      error,
      registration_, fastkafka::detail::wall_clock_ms() + delay_.count()};
  std::string err;
  bool ok = send_for_input(sink_, {target_, r.key, r.value, headers.view()}, t,
                           batch, err);
  if (!ok)
    log().error("consumer {}: cannot move {} [{}] offset {} to {}: {}",
                registration_, source_, r.partition, r.offset, target_, err);
  return ok;
}

} // namespace fastkafka::engine
