#include "consumer_runtime.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <thread>

#include "fastkafka/log.hpp"

namespace fastkafka::detail {

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

bool cooperative(rd_kafka_t* rk) {
  return std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
}

message_meta meta_of(const rd_kafka_message_t* msg, const std::string& topic) {
  message_meta meta;
  meta.topic = topic;
  meta.partition = msg->partition;
  meta.offset = msg->offset;
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  meta.timestamp_ms = rd_kafka_message_timestamp(msg, &type);
  meta.timestamp_type = type == RD_KAFKA_TIMESTAMP_CREATE_TIME
                            ? timestamp_kind::create_time
                        : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME
                            ? timestamp_kind::log_append_time
                            : timestamp_kind::none;
  if (msg->key != nullptr)
    meta.key =
        std::string_view{static_cast<const char*>(msg->key), msg->key_len};
  meta.key_size = msg->key_len;
  meta.value_size = msg->len;
  meta.raw = msg;
  return meta;
}

std::string_view payload_of(const rd_kafka_message_t* msg) {
  return {static_cast<const char*>(msg->payload), msg->len};
}

} // namespace

consumer_runtime::consumer_runtime(std::shared_ptr<const consumer_spec> spec,
                                   std::string group_id,
                                   producer_client* dead_letters)
    : spec_(std::move(spec))
    , group_id_(std::move(group_id))
    , dead_letters_(dead_letters) {
  // nop
}

consumer_runtime::~consumer_runtime() noexcept {
  // shutdown() is the explicit, possibly blocking close; here only memory is
  // released. Messages of a batch are never kept across calls.
}

std::shared_ptr<consumer_runtime> consumer_runtime::create(
    std::shared_ptr<const consumer_spec> spec, const client_options& options,
    std::string group_id, producer_client* dead_letters, std::string& err,
    std::shared_ptr<const oauth_token_provider> token_provider) {
  std::shared_ptr<consumer_runtime> self{
      new consumer_runtime(std::move(spec), std::move(group_id), dead_letters)};
  auto values = effective_values(options, client_role::consumer);
  self->max_poll_records_ = std::stoi(values.at("max_poll_records"));
  // Only processed offsets are ever committed. enable_auto_commit says
  // whether that also happens on a cadence while busy, or only when idle,
  // on rebalance and on stop.
  self->commit_interval_ms_ =
      values.at("enable_auto_commit") == "true"
          ? std::stoll(values.at("auto_commit_interval_ms"))
          : std::numeric_limits<int64_t>::max();
  self->poll_timeout_ms_ = std::stoi(values.at("consumer_timeout_ms"));
  self->batch_.resize(static_cast<size_t>(self->max_poll_records_));
  auto props = rdkafka_properties(options, client_role::consumer);
  // At-least-once is not optional: the framework commits what its handlers
  // finished, and nothing else.
  props.emplace_back("group.id", self->group_id_);
  props.emplace_back("enable.auto.commit", "false");
  props.emplace_back("enable.auto.offset.store", "false");
  props.emplace_back("enable.partition.eof", "false");
  auto conf = make_conf(props, err);
  if (!conf) {
    err = "consumer " + self->spec_->name + ": " + err;
    return nullptr;
  }
  route_logs(conf.get());
  rd_kafka_conf_set_opaque(conf.get(), self.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), on_rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), on_commit);
  self->token_provider_ = std::move(token_provider);
  if (self->token_provider_)
    rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf.get(),
                                                   on_token_refresh);
  self->rk_ = make_client(RD_KAFKA_CONSUMER, std::move(conf), err);
  if (!self->rk_) {
    err = "consumer " + self->spec_->name + ": " + err;
    return nullptr;
  }
  rd_kafka_poll_set_consumer(self->rk_.get());
  self->queue_.reset(rd_kafka_queue_get_consumer(self->rk_.get()));
  tpl_ptr topics{rd_kafka_topic_partition_list_new(1)};
  rd_kafka_topic_partition_list_add(topics.get(), self->spec_->topic.c_str(),
                                    RD_KAFKA_PARTITION_UA);
  if (auto rc = rd_kafka_subscribe(self->rk_.get(), topics.get())) {
    err = "consumer " + self->spec_->name + ": cannot subscribe to " +
          self->spec_->topic + ": " + rd_kafka_err2str(rc);
    return nullptr;
  }
  log().info("consumer {} subscribed to {} (group {}, max_poll_records {})",
             self->spec_->name, self->spec_->topic, self->group_id_,
             self->max_poll_records_);
  return self;
}

bool consumer_runtime::poll_once() {
  if (closed_)
    return true;
  // Take what is there without waiting; if nothing is, wait for one message
  // and then take the rest. A plain batch call would wait out its timeout
  // whenever fewer than max_poll_records messages are available.
  auto* msgs = batch_.data();
  auto cap = batch_.size();
  auto n = rd_kafka_consume_batch_queue(queue_.get(), 0, msgs, cap);
  if (n == 0) {
    if (auto* first = rd_kafka_consume_queue(queue_.get(), poll_timeout_ms_)) {
      msgs[0] = first;
      auto more =
          rd_kafka_consume_batch_queue(queue_.get(), 0, msgs + 1, cap - 1);
      n = 1 + (more > 0 ? more : 0);
    }
  }
  failed_batch_ = false;
  size_t count = n > 0 ? static_cast<size_t>(n) : 0;
  if (spec_->invoke_batch) {
    handle_batches(count);
  } else if (spec_->exec == executor::concurrent) {
    // Workers own (and destroy) what they were handed.
    for (size_t i = 0; i < count; ++i) {
      dispatch(msgs[i]);
      msgs[i] = nullptr;
    }
  } else {
    for (size_t i = 0; i < count && !failed_batch_; ++i)
      handle(msgs[i], i, count);
  }
  for (size_t i = 0; i < count; ++i)
    if (msgs[i] != nullptr)
      rd_kafka_message_destroy(msgs[i]);
  producer_client::poll_used_by_this_thread();
  settle();
  auto now = monotonic_ms();
  // Commit on a cadence while busy, and at once when the topic ran dry so
  // that an idle consumer's group shows no lag.
  if (count == 0 || now - last_commit_ms_ >= commit_interval_ms_)
    commit(false);
  return !failed_batch_;
}

void consumer_runtime::handle(rd_kafka_message_t* msg, size_t index,
                              size_t count) {
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    handle_error_message(msg);
    return;
  }
  auto* t = ledger_.open(msg->partition, msg->offset);
  auto meta = meta_of(msg, spec_->topic);
  decode_error derr;
  current_ticket() = t;
  try {
    if (!spec_->invoke(payload_of(msg), meta, derr)) {
      undecodable(msg, t, derr);
    } else {
      spec_->handled->add(1);
      if (!attempts_.empty())
        attempts_.erase({msg->partition, msg->offset});
    }
  } catch (const std::exception& e) {
    current_ticket() = nullptr;
    handler_failed(msg, t, e.what(), index, count);
  } catch (...) {
    current_ticket() = nullptr;
    handler_failed(msg, t, "the handler threw a non-standard exception", index,
                   count);
  }
  current_ticket() = nullptr;
  ledger::close(t);
}

void consumer_runtime::dispatch(rd_kafka_message_t* msg) {
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    handle_error_message(msg);
    rd_kafka_message_destroy(msg);
    return;
  }
  if (workers_.empty())
    for (size_t i = 0; i < spec_->max_in_flight; ++i)
      workers_.emplace_back(
          [this](std::stop_token stop) { worker_loop(stop); });
  // Tickets are opened here, in offset order, so that the ledger commits
  // only up to the first message a worker has not finished.
  auto* t = ledger_.open(msg->partition, msg->offset);
  std::unique_lock<std::mutex> guard{tasks_mtx_};
  // Back-pressure: wait for a free worker. Tickets finishing meanwhile are
  // collected by the next settle().
  tasks_cv_.wait(guard, [this] { return in_flight_ < spec_->max_in_flight; });
  ++in_flight_;
  tasks_.push_back({msg, t});
  tasks_cv_.notify_all();
}

void consumer_runtime::worker_loop(std::stop_token stop) {
  for (;;) {
    task next;
    {
      std::unique_lock<std::mutex> guard{tasks_mtx_};
      if (!tasks_cv_.wait(guard, stop, [this] { return !tasks_.empty(); }))
        return;
      next = tasks_.front();
      tasks_.pop_front();
    }
    run_concurrent(next.msg, next.t);
    producer_client::poll_used_by_this_thread();
    {
      std::lock_guard<std::mutex> guard{tasks_mtx_};
      --in_flight_;
    }
    tasks_cv_.notify_all();
  }
}

void consumer_runtime::run_concurrent(rd_kafka_message_t* msg, ticket* t) {
  // Failures are retried here, with the policy's backoff, instead of by
  // restarting the actor: other calls are in flight on other threads.
  auto meta = meta_of(msg, spec_->topic);
  auto max_attempts = std::max(1, spec_->retry.max_attempts);
  current_ticket() = t;
  for (int attempt = 1;; ++attempt) {
    std::string what;
    try {
      decode_error derr;
      if (!spec_->invoke(payload_of(msg), meta, derr)) {
        undecodable(msg, t, derr);
      } else {
        spec_->handled->add(1);
      }
      break;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "the handler threw a non-standard exception";
    }
    if (attempt >= max_attempts) {
      log().error("consumer {}: handler failed on {} [{}] offset {} (attempt "
                  "{} of {}): {}; sending it to {}",
                  spec_->name, spec_->topic, msg->partition, msg->offset,
                  attempt, max_attempts, what, spec_->dead_letter_topic);
      dead_letter(msg, t, "handler", what, attempt);
      break;
    }
    auto wait = spec_->retry.backoff(attempt + 1);
    log().error("consumer {}: handler failed on {} [{}] offset {} (attempt {} "
                "of {}): {}; retrying in {} ms",
                spec_->name, spec_->topic, msg->partition, msg->offset, attempt,
                max_attempts, what, wait.count());
    std::this_thread::sleep_for(wait);
  }
  current_ticket() = nullptr;
  ledger::close(t);
  rd_kafka_message_destroy(msg);
}

void consumer_runtime::stop_workers() {
  for (auto& w : workers_)
    w.request_stop();
  tasks_cv_.notify_all();
  workers_.clear(); // joins
}

void consumer_runtime::handle_batches(size_t count) {
  // One call per partition, records in offset order; the partitions in the
  // order their first record came.
  groups_.clear();
  for (size_t i = 0; i < count; ++i) {
    auto* msg = batch_[i];
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      handle_error_message(msg);
      continue;
    }
    auto g = std::find_if(groups_.begin(), groups_.end(), [&](auto& group) {
      return batch_[group.front()]->partition == msg->partition;
    });
    if (g == groups_.end())
      groups_.push_back({i});
    else
      g->push_back(i);
  }
  for (size_t g = 0; g < groups_.size() && !failed_batch_; ++g)
    handle_group(g);
}

void consumer_runtime::handle_group(size_t index) {
  auto& group = groups_[index];
  auto* first = batch_[group.front()];
  auto* last = batch_[group.back()];
  payloads_.clear();
  metas_.clear();
  for (auto i : group) {
    payloads_.push_back(payload_of(batch_[i]));
    metas_.push_back(meta_of(batch_[i], spec_->topic));
  }
  // One ticket for the group, at its last offset: nothing of the group is
  // committed before the call returned and its output was acknowledged.
  auto* t = ledger_.open(last->partition, last->offset);
  std::vector<std::pair<size_t, decode_error>> failures;
  current_ticket() = t;
  try {
    spec_->invoke_batch(payloads_, metas_, failures);
    for (auto& [i, err] : failures) {
      auto* msg = batch_[group[i]];
      undecodable(msg, t, err);
    }
    spec_->handled->add(group.size() - failures.size());
    if (!attempts_.empty())
      attempts_.erase({first->partition, int64_t{-1}});
  } catch (const std::exception& e) {
    current_ticket() = nullptr;
    group_failed(index, t, e.what());
  } catch (...) {
    current_ticket() = nullptr;
    group_failed(index, t, "the handler threw a non-standard exception");
  }
  current_ticket() = nullptr;
  ledger::close(t);
}

void consumer_runtime::group_failed(size_t index, ticket* t, std::string what) {
  auto& group = groups_[index];
  auto* first = batch_[group.front()];
  auto last_offset = batch_[group.back()]->offset;
  // Counted per partition, not per offset: after a seek the records may be
  // cut into other batches, and the count must survive that. A batch that
  // succeeds on the partition resets it.
  auto key = std::make_pair(first->partition, int64_t{-1});
  auto attempt = ++attempts_[key];
  auto max_attempts = std::max(1, spec_->retry.max_attempts);
  if (attempt >= max_attempts) {
    log().error("consumer {}: batch handler failed on {} [{}] offsets {}-{} "
                "(attempt {} of {}): {}; sending the batch to {}",
                spec_->name, spec_->topic, first->partition, first->offset,
                last_offset, attempt, max_attempts, what,
                spec_->dead_letter_topic);
    attempts_.erase(key);
    current_ticket() = t;
    for (auto i : group)
      dead_letter(batch_[i], t, "handler", what, attempt);
    current_ticket() = nullptr;
    return;
  }
  backoff_ = spec_->retry.backoff(attempt + 1);
  log().error("consumer {}: batch handler failed on {} [{}] offsets {}-{} "
              "(attempt {} of {}): {}; restarting in {} ms",
              spec_->name, spec_->topic, first->partition, first->offset,
              last_offset, attempt, max_attempts, what, backoff_.count());
  failure_ = std::move(what);
  failed_batch_ = true;
  ledger_.discard_from(t);
  // This group and every group after it are fetched again after the seek.
  std::vector<std::pair<int32_t, int64_t>> rewind;
  for (size_t g = index; g < groups_.size(); ++g) {
    auto* msg = batch_[groups_[g].front()];
    rewind.emplace_back(msg->partition, msg->offset);
  }
  seek(rewind);
}

void consumer_runtime::handle_error_message(const rd_kafka_message_t* msg) {
  auto now = monotonic_ms();
  if (now - last_error_log_ms_ < 1000)
    return;
  last_error_log_ms_ = now;
  log().warn("consumer {}: fetch from {} [{}] failed: {}", spec_->name,
             msg->rkt ? rd_kafka_topic_name(msg->rkt) : spec_->topic.c_str(),
             msg->partition, rd_kafka_message_errstr(msg));
}

bool consumer_runtime::handler_failed(rd_kafka_message_t* msg, ticket* t,
                                      std::string what, size_t index,
                                      size_t count) {
  auto key = std::make_pair(msg->partition, msg->offset);
  auto attempt = ++attempts_[key];
  auto max_attempts = std::max(1, spec_->retry.max_attempts);
  if (attempt >= max_attempts) {
    log().error("consumer {}: handler failed on {} [{}] offset {} (attempt "
                "{} of {}): {}; sending it to {}",
                spec_->name, spec_->topic, msg->partition, msg->offset, attempt,
                max_attempts, what, spec_->dead_letter_topic);
    attempts_.erase(key);
    current_ticket() = t;
    dead_letter(msg, t, "handler", what, attempt);
    current_ticket() = nullptr;
    return true;
  }
  backoff_ = spec_->retry.backoff(attempt + 1);
  log().error("consumer {}: handler failed on {} [{}] offset {} (attempt {} "
              "of {}): {}; restarting in {} ms",
              spec_->name, spec_->topic, msg->partition, msg->offset, attempt,
              max_attempts, what, backoff_.count());
  failure_ = std::move(what);
  failed_batch_ = true;
  // This message and everything after it in the batch will be fetched again
  // after the seek; whatever the failed call produced must not let its
  // offset be committed.
  ledger_.discard_from(t);
  std::map<int32_t, int64_t> rewind{{msg->partition, msg->offset}};
  for (size_t i = index + 1; i < count; ++i) {
    auto* later = batch_[i];
    if (later->err == RD_KAFKA_RESP_ERR_NO_ERROR)
      rewind.emplace(later->partition, later->offset);
  }
  seek({rewind.begin(), rewind.end()});
  return false;
}

void consumer_runtime::undecodable(const rd_kafka_message_t* msg, ticket* t,
                                   const decode_error& err) {
  log().warn("consumer {}: cannot decode message at {} [{}] offset {}: {}; "
             "sending it to {}",
             spec_->name, spec_->topic, msg->partition, msg->offset,
             err.to_string(), spec_->dead_letter_topic);
  dead_letter(msg, t, "decode", err.to_string(), 1);
}

void consumer_runtime::dead_letter(const rd_kafka_message_t* msg, ticket* t,
                                   const char* reason, const std::string& error,
                                   int attempts) {
  headers_ptr hdrs{rd_kafka_headers_new(7)};
  auto add = [&](const char* name, const std::string& value) {
    rd_kafka_header_add(hdrs.get(), name, -1, value.data(),
                        static_cast<ssize_t>(value.size()));
  };
  add(dlq_header::reason, reason);
  add(dlq_header::error, error);
  add(dlq_header::topic, spec_->topic);
  add(dlq_header::partition, std::to_string(msg->partition));
  add(dlq_header::offset, std::to_string(msg->offset));
  add(dlq_header::consumer, spec_->name);
  add(dlq_header::attempts, std::to_string(attempts));
  std::string_view key;
  if (msg->key != nullptr)
    key = {static_cast<const char*>(msg->key), msg->key_len};
  std::string_view value{static_cast<const char*>(msg->payload), msg->len};
  std::string err;
  auto* saved = current_ticket();
  current_ticket() = t;
  bool ok = dead_letters_ != nullptr &&
            dead_letters_->send(key, value, err, std::move(hdrs),
                                &spec_->dead_letter_topic);
  current_ticket() = saved;
  if (!ok) {
    // Not sent and not handled: the offset must not be committed, so the
    // message comes back instead of vanishing.
    log().error("consumer {}: cannot dead-letter {} [{}] offset {}: {}",
                spec_->name, spec_->topic, msg->partition, msg->offset,
                dead_letters_ ? err : std::string{"no dead-letter producer"});
    t->failed.store(true, std::memory_order_relaxed);
  }
}

void consumer_runtime::settle() {
  auto rewinds = ledger_.collect();
  if (rewinds.empty())
    return;
  std::vector<std::pair<int32_t, int64_t>> positions;
  for (auto& r : rewinds) {
    log().warn("consumer {}: output of {} [{}] offset {} was not delivered; "
               "consuming it again",
               spec_->name, spec_->topic, r.partition, r.offset);
    positions.emplace_back(r.partition, r.offset);
  }
  seek(positions);
}

void consumer_runtime::seek(
    const std::vector<std::pair<int32_t, int64_t>>& positions) {
  tpl_ptr parts{
      rd_kafka_topic_partition_list_new(static_cast<int>(positions.size()))};
  for (auto [partition, offset] : positions)
    rd_kafka_topic_partition_list_add(parts.get(), spec_->topic.c_str(),
                                      partition)
        ->offset = offset;
  if (auto* e = rd_kafka_seek_partitions(rk_.get(), parts.get(), 5000)) {
    log().error("consumer {}: seek on {} failed: {}", spec_->name, spec_->topic,
                rd_kafka_error_string(e));
    rd_kafka_error_destroy(e);
  }
}

void consumer_runtime::commit(bool sync,
                              const rd_kafka_topic_partition_list_t* only) {
  auto pending = ledger_.uncommitted();
  if (pending.empty())
    return;
  tpl_ptr offsets{
      rd_kafka_topic_partition_list_new(static_cast<int>(pending.size()))};
  for (auto [partition, offset] : pending) {
    if (only != nullptr &&
        rd_kafka_topic_partition_list_find(only, spec_->topic.c_str(),
                                           partition) == nullptr)
      continue;
    rd_kafka_topic_partition_list_add(offsets.get(), spec_->topic.c_str(),
                                      partition)
        ->offset = offset;
  }
  if (offsets->cnt == 0)
    return;
  last_commit_ms_ = monotonic_ms();
  auto rc = rd_kafka_commit(rk_.get(), offsets.get(), sync ? 0 : 1);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log().warn("consumer {}: commit of {} [{}] failed: {}", spec_->name,
               spec_->topic, partition_list(offsets.get()),
               rd_kafka_err2str(rc));
    return;
  }
  // Optimistic for async commits: a failure reported by on_commit resets it
  // so that the next commit sends the offsets again.
  for (int i = 0; i < offsets->cnt; ++i) {
    auto& e = offsets->elems[i];
    ledger_.mark_committed(e.partition, e.offset);
    committed_log_[e.partition] = e.offset;
  }
}

void consumer_runtime::drain(const rd_kafka_topic_partition_list_t* only,
                             int timeout_ms) {
  auto deadline = monotonic_ms() + timeout_ms;
  auto busy = [&] {
    if (only == nullptr)
      return ledger_.busy();
    for (int i = 0; i < only->cnt; ++i)
      if (ledger_.busy(only->elems[i].partition))
        return true;
    return false;
  };
  // Producer actors serve delivery reports on their own threads; waiting
  // here only lets the ledger see them.
  while (true) {
    producer_client::poll_used_by_this_thread();
    ledger_.collect();
    if (!busy())
      return;
    if (monotonic_ms() > deadline) {
      log().warn("consumer {}: {} messages still wait for their output to be "
                 "acknowledged; their offsets stay uncommitted",
                 spec_->name, ledger_.open_tickets());
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void consumer_runtime::wake() noexcept {
  if (auto* q = queue_.get())
    rd_kafka_queue_yield(q);
}

void consumer_runtime::shutdown() {
  if (closed_)
    return;
  drain(nullptr, 30000);
  stop_workers();
  commit(true);
  closed_ = true;
  // Closing revokes the assignment (on_rebalance commits once more) and
  // leaves the group so that partitions move to other members at once.
  if (auto rc = rd_kafka_consumer_close(rk_.get()))
    log().warn("consumer {}: close: {}", spec_->name, rd_kafka_err2str(rc));
  std::string offsets;
  for (auto [partition, offset] : committed_log_)
    offsets += fmt::format(" [{}]={}", partition, offset);
  producer_client::forget_used_by_this_thread();
  log().info("consumer {} stopped; committed offsets of {}:{}", spec_->name,
             spec_->topic, offsets.empty() ? " none" : offsets);
}

void consumer_runtime::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                    rd_kafka_topic_partition_list_t* parts,
                                    void* opaque) noexcept {
  auto* self = static_cast<consumer_runtime*>(opaque);
  try {
    bool coop = cooperative(rk);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      log().info("consumer {} (group {}): assigned {} [{}]", self->spec_->name,
                 self->group_id_, self->spec_->topic, partition_list(parts));
      if (coop) {
        if (auto* e = rd_kafka_incremental_assign(rk, parts))
          rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(rk, parts);
      }
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      // Finish what was handed out for these partitions and commit it, so
      // that the next owner starts exactly after it.
      self->drain(parts, 10000);
      self->commit(true, parts);
      for (int i = 0; i < parts->cnt; ++i)
        self->ledger_.forget(parts->elems[i].partition);
      log().info("consumer {} (group {}): revoked {} [{}]", self->spec_->name,
                 self->group_id_, self->spec_->topic, partition_list(parts));
    } else {
      log().error("consumer {}: rebalance failed: {}", self->spec_->name,
                  rd_kafka_err2str(err));
    }
    if (coop) {
      if (auto* e = rd_kafka_incremental_unassign(rk, parts))
        rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  } catch (...) {
    // Never let an exception into librdkafka.
    rd_kafka_assign(rk, nullptr);
  }
}

void consumer_runtime::on_token_refresh(rd_kafka_t* rk, const char*,
                                        void* opaque) noexcept {
  auto* self = static_cast<consumer_runtime*>(opaque);
  refresh_oauth_token(rk, *self->token_provider_);
}

void consumer_runtime::on_commit(rd_kafka_t*, rd_kafka_resp_err_t err,
                                 rd_kafka_topic_partition_list_t* offsets,
                                 void* opaque) noexcept {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET)
    return;
  auto* self = static_cast<consumer_runtime*>(opaque);
  try {
    log().warn("consumer {}: commit of {} [{}] failed: {}; will retry",
               self->spec_->name, self->spec_->topic, partition_list(offsets),
               rd_kafka_err2str(err));
    for (int i = 0; i < offsets->cnt; ++i)
      self->ledger_.uncommit(offsets->elems[i].partition);
  } catch (...) {
  }
}

} // namespace fastkafka::detail
