#include "fastkafka/kafka/consumer_client.hpp"

#include <cstdlib>
#include <cstring>
#include <thread>

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/kafka/config.hpp"
#include "fastkafka/log.hpp"

#include "fetch_wake_trigger.hpp"
#include "fetch_waker.hpp"

namespace fastkafka::kafka {

using fastkafka::detail::monotonic_ms;

namespace {

std::string partition_list(const rd_kafka_topic_partition_list_t* parts) {
  std::string out;
  for (int i = 0; i < parts->cnt; ++i) {
    if (!out.empty())
      out += ',';
    out += std::to_string(parts->elems[i].partition);
  }
  return out;
}

std::vector<int32_t>
partitions_of(const rd_kafka_topic_partition_list_t* parts) {
  std::vector<int32_t> out;
  for (int i = 0; i < parts->cnt; ++i)
    out.push_back(parts->elems[i].partition);
  return out;
}

/// The integer value of librdkafka property `name` in `conf`, or `fallback`.
int64_t int_property(const rd_kafka_conf_t* conf, const char* name,
                     int64_t fallback) {
  char buf[64];
  size_t size = sizeof buf;
  if (rd_kafka_conf_get(conf, name, buf, &size) != RD_KAFKA_CONF_OK)
    return fallback;
  char* end = nullptr;
  auto v = std::strtoll(buf, &end, 10);
  return end != buf ? v : fallback;
}

int to_ms(std::chrono::milliseconds d) {
  return static_cast<int>(std::max<int64_t>(0, d.count()));
}

} // namespace

std::string error_name(int error) {
  return rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(error));
}

bool retriable_commit_error(int error) noexcept {
  switch (static_cast<rd_kafka_resp_err_t>(error)) {
  case RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION:
  case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
  case RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID:
  case RD_KAFKA_RESP_ERR__NO_OFFSET:
  case RD_KAFKA_RESP_ERR__FATAL:
  case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
  case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    return false;
  default:
    return true;
  }
}

std::vector<header_view> headers_of(const void* message) {
  std::vector<header_view> out;
  auto* msg = static_cast<rd_kafka_message_t*>(const_cast<void*>(message));
  rd_kafka_headers_t* hdrs = nullptr;
  // librdkafka parses headers lazily and caches them in the message, hence
  // the cast: the message is not changed in any way the caller can see.
  if (msg == nullptr ||
      rd_kafka_message_headers(msg, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR)
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

consumer_client::consumer_client(
    std::string name, std::string topic,
    std::shared_ptr<const oauth_token_provider> tokens)
    : client_base(std::move(name), std::move(tokens))
    , topic_(std::move(topic)) {
  // nop
}

consumer_client::~consumer_client() noexcept {
  // The waker's thread uses the handle: it ends first.
  waker_.reset();
  queue_.reset();
  commits_.reset();
  if (!rk_)
    return;
  if (closed_ || !close_started_) {
    // A consumer that was not closed is dropped without the blocking close
    // that rd_kafka_destroy would do.
    rd_kafka_destroy_flags(rk_.release(),
                           closed_ ? 0 : RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    return;
  }
  // A close that ran out of time still waits inside librdkafka for the
  // coordinator (for good while it is gone), and rd_kafka_destroy would
  // wait with it: the stop bound would not hold. The handle is destroyed on
  // a thread of its own; its callbacks no longer reach this object (see
  // client_base's live_clients).
  auto* rk = rk_.release();
  try {
    std::thread{[rk] {
      rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    }}.detach();
  } catch (...) {
    // No thread for it: leaking the handle beats blocking the stop.
  }
}

std::unique_ptr<consumer_client> consumer_client::create(
    std::string name, std::string topic, const client_options& options,
    const std::string& group_id, consumer_listener* listener, std::string& err,
    std::shared_ptr<const oauth_token_provider> tokens) {
  std::unique_ptr<consumer_client> self{new consumer_client(
      std::move(name), std::move(topic), std::move(tokens))};
  self->listener_ = listener;
  auto props = rdkafka_properties(options, client_role::consumer);
  // At-least-once is not optional: the framework commits what its handlers
  // finished, and nothing else.
  props.emplace_back("group.id", group_id);
  props.emplace_back("enable.auto.commit", "false");
  props.emplace_back("enable.auto.offset.store", "false");
  props.emplace_back("enable.partition.eof", "false");
  auto conf = make_conf(props, err);
  if (!conf) {
    err = "consumer " + self->name() + ": " + err;
    return nullptr;
  }
  self->wake_trigger_ = std::make_unique<fetch_wake_trigger>(
      int_property(conf.get(), "queued.min.messages", 100000),
      int_property(conf.get(), "queued.max.messages.kbytes", 65536));
  self->install_callbacks(conf.get(), wants_debug(props));
  rd_kafka_conf_set_rebalance_cb(conf.get(), on_rebalance);
  self->rk_ = make_client(RD_KAFKA_CONSUMER, std::move(conf), err);
  if (!self->rk_) {
    err = "consumer " + self->name() + ": " + err;
    return nullptr;
  }
  rd_kafka_poll_set_consumer(self->rk_.get());
  self->waker_ = std::make_unique<fetch_waker>(self->rk_.get(), self->topic_);
  self->queue_.reset(rd_kafka_queue_get_consumer(self->rk_.get()));
  self->commits_.reset(rd_kafka_queue_new(self->rk_.get()));
  tpl_ptr topics{rd_kafka_topic_partition_list_new(1)};
  rd_kafka_topic_partition_list_add(topics.get(), self->topic_.c_str(),
                                    RD_KAFKA_PARTITION_UA);
  if (auto rc = rd_kafka_subscribe(self->rk_.get(), topics.get())) {
    err = "consumer " + self->name() + ": cannot subscribe to " + self->topic_ +
          ": " + rd_kafka_err2str(rc);
    return nullptr;
  }
  return self;
}

void consumer_client::poll(std::vector<record>& out, size_t max,
                           std::chrono::milliseconds wait) {
  out.clear();
  if (closed_)
    return;
  raw_.resize(max);
  auto* msgs = raw_.data();
  // Take what is there without waiting; if nothing is, wait for one message
  // and then take the rest. A plain batch call would wait out its timeout
  // whenever fewer than `max` messages are available.
  auto n = rd_kafka_consume_batch_queue(queue_.get(), 0, msgs, max);
  if (n == 0) {
    if (auto* first = rd_kafka_consume_queue(queue_.get(), to_ms(wait))) {
      msgs[0] = first;
      auto more =
          rd_kafka_consume_batch_queue(queue_.get(), 0, msgs + 1, max - 1);
      n = 1 + (more > 0 ? more : 0);
    }
  }
  auto count = n > 0 ? static_cast<size_t>(n) : 0;
  if (count == 0)
    return;
  out.reserve(count);
  int64_t bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    auto* m = msgs[i];
    record r;
    r.partition = m->partition;
    r.offset = m->offset;
    if (m->key != nullptr)
      r.key = std::string_view{static_cast<const char*>(m->key), m->key_len};
    r.value = {static_cast<const char*>(m->payload), m->len};
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    r.timestamp_ms = rd_kafka_message_timestamp(m, &type);
    r.timestamp_type = type == RD_KAFKA_TIMESTAMP_CREATE_TIME
                           ? timestamp_kind::create_time
                       : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME
                           ? timestamp_kind::log_append_time
                           : timestamp_kind::none;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      r.error = m->err;
      r.error_text = rd_kafka_message_errstr(m);
    }
    r.handle = m;
    r.read_headers = headers_of;
    bytes += static_cast<int64_t>(m->len);
    out.push_back(r);
  }
  if (wake_trigger_->consumed(static_cast<int64_t>(count), bytes) &&
      wake_trigger_->fire(rd_kafka_queue_length(queue_.get())))
    waker_->request();
}

uint64_t consumer_client::fetch_wakes() const noexcept {
  return waker_ ? waker_->wakes() : 0;
}

void consumer_client::release(record& r) noexcept {
  if (r.handle != nullptr)
    rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(r.handle));
  r.handle = nullptr;
}

tpl_ptr consumer_client::one(int32_t partition) const {
  tpl_ptr parts{rd_kafka_topic_partition_list_new(1)};
  rd_kafka_topic_partition_list_add(parts.get(), topic_.c_str(), partition);
  return parts;
}

void consumer_client::pause(int32_t partition) {
  auto parts = one(partition);
  if (auto rc = rd_kafka_pause_partitions(rk_.get(), parts.get()))
    log().warn("consumer {}: cannot pause {} [{}]: {}", name(), topic_,
               partition, rd_kafka_err2str(rc));
}

void consumer_client::resume(int32_t partition) {
  auto parts = one(partition);
  if (auto rc = rd_kafka_resume_partitions(rk_.get(), parts.get()))
    log().warn("consumer {}: cannot resume {} [{}]: {}", name(), topic_,
               partition, rd_kafka_err2str(rc));
}

void consumer_client::seek(int32_t partition, int64_t offset) {
  auto parts = one(partition);
  parts->elems[0].offset = offset;
  // Waiting for the seek makes sure that records fetched before it are
  // dropped before the next poll hands any out.
  if (error_ptr e{rd_kafka_seek_partitions(rk_.get(), parts.get(), 5000)})
    log().error("consumer {}: seek of {} [{}] to offset {} failed: {}", name(),
                topic_, partition, offset, rd_kafka_error_string(e.get()));
}

int64_t consumer_client::offset_for_time(int32_t partition,
                                         int64_t timestamp_ms,
                                         std::chrono::milliseconds timeout) {
  auto parts = one(partition);
  parts->elems[0].offset = timestamp_ms;
  auto rc = rd_kafka_offsets_for_times(rk_.get(), parts.get(), to_ms(timeout));
  if (rc == RD_KAFKA_RESP_ERR_NO_ERROR && parts->elems[0].err == 0 &&
      parts->elems[0].offset >= 0)
    return parts->elems[0].offset;
  if (rc == RD_KAFKA_RESP_ERR_NO_ERROR && parts->elems[0].err == 0) {
    // No message that late: the partition's end.
    int64_t low = -1;
    int64_t high = -1;
    if (rd_kafka_query_watermark_offsets(rk_.get(), topic_.c_str(), partition,
                                         &low, &high, to_ms(timeout)) ==
        RD_KAFKA_RESP_ERR_NO_ERROR)
      return high;
  }
  log().error("consumer {}: cannot find the offset of {} [{}] at time {}: {}",
              name(), topic_, partition, timestamp_ms,
              rd_kafka_err2str(rc ? rc : parts->elems[0].err));
  return -1;
}

void consumer_client::commit(std::span<const partition_offset> offsets) {
  if (offsets.empty())
    return;
  tpl_ptr parts{
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()))};
  for (auto& po : offsets)
    rd_kafka_topic_partition_list_add(parts.get(), topic_.c_str(), po.partition)
        ->offset = po.offset;
  auto rc = rd_kafka_commit_queue(rk_.get(), parts.get(), commits_.get(),
                                  nullptr, nullptr);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Refused before it was sent: answer at once, so that the engine's
    // books show nothing in flight.
    std::vector<partition_offset> result{offsets.begin(), offsets.end()};
    for (auto& po : result)
      po.error = rc;
    listener_->on_committed(result, rc, rd_kafka_err2str(rc));
  }
}

void consumer_client::serve(std::chrono::milliseconds wait) {
  if (!commits_)
    return;
  if (event_ptr ev{rd_kafka_queue_poll(commits_.get(), to_ms(wait))})
    handle_event(ev.get());
}

void consumer_client::handle_event(rd_kafka_event_t* ev) noexcept {
  try {
    switch (rd_kafka_event_type(ev)) {
    case RD_KAFKA_EVENT_OFFSET_COMMIT: {
      auto err = rd_kafka_event_error(ev);
      std::vector<partition_offset> result;
      if (auto* parts = rd_kafka_event_topic_partition_list(ev))
        for (int i = 0; i < parts->cnt; ++i)
          result.push_back({parts->elems[i].partition, parts->elems[i].offset,
                            parts->elems[i].err});
      listener_->on_committed(result, err,
                              err ? rd_kafka_event_error_string(ev) : "");
      break;
    }
    case RD_KAFKA_EVENT_REBALANCE:
      rebalance(rd_kafka_event_error(ev),
                rd_kafka_event_topic_partition_list(ev));
      break;
    default:
      break;
    }
  } catch (...) {
    // Never let an exception into librdkafka's structures.
  }
}

int64_t consumer_client::high_watermark(int32_t partition) noexcept {
  return shared_high_watermark(partition);
}

int64_t
consumer_client::shared_high_watermark(int32_t partition) const noexcept {
  // Reads librdkafka's cached watermarks under its own lock: thread-safe.
  int64_t low = -1;
  int64_t high = -1;
  if (rd_kafka_get_watermark_offsets(rk_.get(), topic_.c_str(), partition, &low,
                                     &high) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return -1;
  return high;
}

bool consumer_client::close(std::chrono::milliseconds timeout) {
  if (closed_)
    return true;
  auto deadline = monotonic_ms() + timeout.count();
  close_started_ = true;
  if (waker_)
    waker_->stop();
  queue_ptr q{rd_kafka_queue_new(rk_.get())};
  if (error_ptr e{rd_kafka_consumer_close_queue(rk_.get(), q.get())}) {
    log().warn("consumer {}: close: {}", name(),
               rd_kafka_error_string(e.get()));
    return false;
  }
  while (!rd_kafka_consumer_closed(rk_.get())) {
    auto left = deadline - monotonic_ms();
    if (left <= 0) {
      log().warn("consumer {}: leaving group did not finish within {} ms; "
                 "dropping the client (its partitions move when the "
                 "session times out)",
                 name(), timeout.count());
      return false;
    }
    if (event_ptr ev{rd_kafka_queue_poll(
            q.get(), static_cast<int>(std::min<int64_t>(left, 100)))})
      handle_event(ev.get());
    serve(std::chrono::milliseconds{0});
  }
  closed_ = true;
  return true;
}

void consumer_client::wake() noexcept {
  if (auto* q = queue_.get())
    rd_kafka_queue_yield(q);
}

void consumer_client::on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* parts,
                                   void* opaque) noexcept {
  auto* self = static_cast<consumer_client*>(static_cast<client_base*>(opaque));
  self->rebalance(err, parts);
}

void consumer_client::rebalance(
    rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) noexcept {
  auto* rk = rk_.get();
  bool coop = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  try {
    auto ids = partitions_of(parts);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (coop) {
        if (auto* e = rd_kafka_incremental_assign(rk, parts))
          rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(rk, parts);
      }
      update_waker();
      listener_->on_assigned(ids);
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      if (rd_kafka_assignment_lost(rk))
        listener_->on_lost(ids);
      else
        listener_->on_revoked(ids);
    } else {
      log().error("consumer {}: rebalance of {} [{}] failed: {}", name(),
                  topic_, partition_list(parts), rd_kafka_err2str(err));
    }
  } catch (...) {
    // Never let an exception into librdkafka.
  }
  if (coop) {
    if (auto* e = rd_kafka_incremental_unassign(rk, parts))
      rd_kafka_error_destroy(e);
  } else {
    rd_kafka_assign(rk, nullptr);
  }
  update_waker();
}

void consumer_client::update_waker() noexcept {
  if (!waker_)
    return;
  try {
    std::vector<int32_t> ids;
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (rd_kafka_assignment(rk_.get(), &raw) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      tpl_ptr parts{raw};
      ids = partitions_of(parts.get());
    }
    waker_->set_partitions(std::move(ids));
  } catch (...) {
    // Never let an exception into librdkafka.
  }
}

} // namespace fastkafka::kafka
