#include "consumer_engine.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/retry_topic.hpp"

namespace fastkafka::engine {

using fastkafka::detail::monotonic_ms;
using fastkafka::detail::wall_clock_ms;

namespace {

std::string offsets_text(const std::map<int32_t, int64_t>& offsets) {
  std::string out;
  for (auto [partition, offset] : offsets)
    out += fmt::format(" [{}]={}", partition, offset);
  return out.empty() ? std::string{" none"} : out;
}

std::string offsets_text(std::span<const partition_offset> offsets) {
  std::map<int32_t, int64_t> m;
  for (auto& po : offsets)
    m[po.partition] = po.offset;
  return offsets_text(m);
}

std::string partitions_text(std::span<const int32_t> partitions) {
  std::string out;
  for (auto p : partitions)
    out += (out.empty() ? "" : ",") + std::to_string(p);
  return out;
}

std::unique_ptr<executor_base> make_executor(consumer_engine& e) {
  if (e.spec().invoke_batch)
    return make_batch_executor(e);
  if (e.spec().exec == executor::concurrent)
    return make_concurrent_executor(e);
  return make_sequential_executor(e);
}

} // namespace

void executor_base::retry_due(int32_t partition) {
  engine_.resume_partition(partition);
}

consumer_engine::consumer_engine(
    std::shared_ptr<const fastkafka::detail::consumer_spec> spec,
    consumer_settings settings, std::shared_ptr<actors::consumer_status> status,
    fastkafka::detail::message_sink* dead_letters)
    : spec_(std::move(spec))
    , settings_(settings)
    , status_(std::move(status))
    , dead_letters_(spec_->registration(), spec_->topic,
                    spec_->dead_letter_topic, dead_letters,
                    spec_->retry_stage > 0) {
  auto& stages = spec_->retry.topics;
  auto stage = static_cast<size_t>(std::max(0, spec_->retry_stage));
  if (stage > 0 && stage <= stages.size())
    stage_delay_ = stages[stage - 1];
  if (stage < stages.size()) {
    auto& origin =
        spec_->origin_topic.empty() ? spec_->topic : spec_->origin_topic;
    next_stage_.emplace(spec_->registration(), spec_->topic,
                        retry_topic_name(origin, stages[stage]), stages[stage],
                        dead_letters);
  }
  executor_ = make_executor(*this);
  channel_ = std::make_shared<control_queue>(this);
  records_.reserve(settings_.max_poll_records);
}

consumer_engine::~consumer_engine() noexcept {
  // shutdown() is the explicit, bounded close; here only threads and
  // memory are released.
  channel_->detach();
  try {
    if (executor_) {
      executor_->drop_held({});
      executor_->stop();
    }
  } catch (...) {
  }
  batch_.clear();
}

void consumer_engine::attach(std::unique_ptr<kafka::consumer_port> port) {
  port_ = std::move(port);
}

void consumer_engine::attach_transactions(transaction_maker make) {
  make_txn_ = std::move(make);
}

std::chrono::milliseconds consumer_engine::poll_wait() const {
  auto wait = settings_.poll_timeout;
  if (paused_.empty())
    return wait;
  // A retry comes due: do not sleep through it in a poll.
  int64_t soonest = INT64_MAX;
  for (auto& [p, due] : paused_)
    soonest = std::min(soonest, due);
  auto left = std::chrono::milliseconds{
      std::max<int64_t>(1, soonest - monotonic_ms() + 1)};
  return std::min(wait, left);
}

poll_outcome consumer_engine::poll_once() {
  outcome_.retries.clear();
  if (closed_ || !port_)
    return {};
  control_queue::ownership owned{*channel_};
  if (channel_->waiting()) [[unlikely]]
    apply_controls();
  if (!acks_.empty())
    std::erase_if(acks_, [](auto& a) { return a->done.load(); });
  executor_->collect();
  if (status_->timed)
    wall_offset_ms_.store(wall_clock_ms() - monotonic_ms(),
                          std::memory_order_relaxed);
  port_->poll(records_, settings_.max_poll_records, poll_wait());
  auto count = records_.size();
  if (count > 0) {
    status_->consumed.add(count);
    // Fetch errors are reports, not messages: take them out first.
    auto bad = std::stable_partition(records_.begin(), records_.end(),
                                     [](auto& r) { return r.error == 0; });
    for (auto i = bad; i != records_.end(); ++i) {
      log_fetch_error(*i);
      port_->release(*i);
    }
    records_.erase(bad, records_.end());
    if (stage_delay_.count() > 0)
      hold_until_due();
    auto handled_before = status_->handled.load();
    if (exactly_once())
      begin_transaction();
    {
      // Whatever the handler sends, through any producer handle, joins
      // the poll's transaction.
      std::optional<kafka::transaction_scope> txn_scope;
      if (in_txn_)
        txn_scope.emplace(&txn_->sink());
      executor_->handle(records_);
    }
    if (!refetch_.empty()) [[unlikely]] {
      // Records handed out after a pause are fetched again on resume.
      for (auto [p, offset] : refetch_)
        port_->seek(p, offset);
      refetch_.clear();
    }
    sought_.clear();
    if (!holds_.empty())
      pause_held();
    if (status_->timed) {
      status_->handler_duration.add(pending_durations_);
      status_->end_to_end_latency.add(pending_latencies_);
    }
    release_records();
    if (status_->handled.load() != handled_before)
      status_->last_handled_ms.store(wall_clock_ms(),
                                     std::memory_order_relaxed);
  }
  batch_.serve();
  if (in_txn_)
    finish_transaction();
  settle();
  port_->serve(std::chrono::milliseconds{0});
  commit_now(count == 0);
  refresh_status(false);
  return std::move(outcome_);
}

void consumer_engine::release_records() noexcept {
  for (auto& r : records_)
    if (r.handle != nullptr)
      port_->release(r);
  records_.clear();
}

namespace {

// Bound of each transaction call; a call that times out is retriable and
// tried again until `txn_patience` is spent.
constexpr std::chrono::milliseconds txn_timeout{10000};
constexpr int64_t txn_patience_ms = 30000;

} // namespace

kafka::txn_result
consumer_engine::txn_call(const std::function<kafka::txn_result()>& call) {
  auto give_up = monotonic_ms() + txn_patience_ms;
  for (;;) {
    auto r = call();
    if (r.outcome != kafka::txn_outcome::retriable)
      return r;
    if (monotonic_ms() >= give_up) {
      // Still failing: redo the batch rather than wait forever.
      r.outcome = kafka::txn_outcome::abortable;
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
}

std::string consumer_engine::batch_text() const {
  return offsets_text(txn_first_);
}

void consumer_engine::begin_transaction() {
  txn_first_.clear();
  txn_failed_ = false;
  for (auto& r : records_)
    if (!paused(r.partition))
      txn_first_.try_emplace(r.partition, r.offset);
  if (txn_first_.empty())
    return;
  if (!txn_) {
    std::string err;
    auto made = make_txn_(err);
    if (!made) {
      release_records();
      rewind_batch();
      throw std::runtime_error(
          "consumer " + spec_->name +
          ": cannot create its transactional producer: " + err);
    }
    auto r =
        txn_call([&] { return made->init(std::chrono::milliseconds{30000}); });
    if (!r.ok()) {
      release_records();
      rewind_batch();
      throw std::runtime_error("consumer " + spec_->name +
                               ": cannot initialize transactions: " + r.error);
    }
    txn_ = std::move(made);
  }
  auto r = txn_call([&] { return txn_->begin(); });
  if (r.ok()) {
    in_txn_ = true;
    return;
  }
  // Nothing was handled: the records are fetched again.
  release_records();
  abort_transaction("begin", r);
}

bool consumer_engine::dead_letter_due(const kafka::record& r,
                                      kafka::ticket* t) {
  if (due_letters_.empty())
    return false;
  auto it = due_letters_.find({r.partition, r.offset});
  if (it == due_letters_.end())
    return false;
  auto tries = tries_before(r) + it->second.attempts;
  if (next_stage_) {
    if (next_stage_->write(r, it->second.error, tries, t, &batch_))
      status_->retried.add(1);
  } else if (dead_letters_.write(r, "handler", it->second.error, tries, t,
                                 &batch_)) {
    status_->dead_lettered.add(1);
  }
  due_letters_.erase(it);
  return true;
}

void consumer_engine::finish_transaction() {
  in_txn_ = false;
  if (txn_failed_) {
    // What the failed call sent before it threw must not commit.
    abort_transaction("a handler failed", {kafka::txn_outcome::abortable,
                                           "the handler threw", false});
    return;
  }
  auto left = txn_->sink().flush(static_cast<int>(txn_timeout.count()));
  batch_.serve();
  auto rewinds = tracker_.collect();
  if (left > 0 || !rewinds.empty() || tracker_.busy()) {
    auto why = left > 0 ? fmt::format("{} outputs not delivered in time", left)
                        : fmt::format("outputs of {} inputs not delivered",
                                      std::max<size_t>(rewinds.size(), 1));
    abort_transaction("delivery",
                      {kafka::txn_outcome::abortable, std::move(why), false});
    return;
  }
  auto offsets = tracker_.to_commit();
  auto r = txn_call([&] {
    return txn_->send_offsets(offsets, spec_->topic, *port_, txn_timeout);
  });
  if (!r.ok()) {
    abort_transaction("send_offsets_to_transaction", r);
    return;
  }
  r = txn_call([&] { return txn_->commit(txn_timeout); });
  if (!r.ok()) {
    abort_transaction("commit_transaction", r);
    return;
  }
  if (!offsets.empty()) {
    tracker_.sent(offsets);
    record_answer(offsets, 0, {});
    mirror(std::move(offsets));
  }
}

void consumer_engine::mirror(std::vector<partition_offset> offsets) {
  // The transaction committed these offsets already. They are committed
  // once more, plainly, for brokers that answer TxnOffsetCommit without
  // storing it (librdkafka's mock, the embedded broker): a restart there
  // resumes after the last committed transaction too. On Kafka it repeats
  // what is stored; it never runs ahead of a committed transaction.
  if (mirror_in_flight_) {
    mirror_next_ = std::move(offsets);
    return;
  }
  mirror_in_flight_ = true;
  port_->commit(offsets);
}

void consumer_engine::abort_transaction(const char* what,
                                        const kafka::txn_result& why) {
  in_txn_ = false;
  ++aborts_;
  auto cause = why;
  if (cause.outcome != kafka::txn_outcome::fatal) {
    auto r = txn_call([&] { return txn_->abort(txn_timeout); });
    if (!r.ok())
      cause = r;
  }
  bool fatal = cause.outcome == kafka::txn_outcome::fatal;
  auto from = batch_text();
  rewind_batch();
  if (!fatal) {
    log().warn("consumer {}: transaction aborted ({}: {}); consuming {} "
               "again from{}",
               spec_->name, what, why.error, spec_->topic, from);
    return;
  }
  log().error("consumer {}: transactional producer {} ({}: {}); consuming {} "
              "again from{} with a new producer",
              spec_->name, cause.fenced ? "fenced" : "failed", what,
              cause.error, spec_->topic, from);
  // The producer is dropped: no delivery report can reach its tickets any
  // more, so they may be retired.
  batch_.clear();
  txn_.reset();
  tracker_.abandon_pending();
  throw std::runtime_error("consumer " + spec_->name +
                           ": transactional producer failed: " + cause.error);
}

void consumer_engine::rewind_batch() {
  for (auto [p, first] : txn_first_) {
    if (!assigned_.contains(p))
      continue;
    tracker_.rewind_to(p, first);
    port_->seek(p, first);
  }
  txn_first_.clear();
}

void consumer_engine::retry_due(int32_t partition) {
  if (closed_ || !paused_.contains(partition))
    return;
  // A retry topic's partition waited for its next message to come due;
  // nothing of it is held by the executor (stages try once).
  if (stage_delay_.count() > 0) {
    resume_partition(partition);
    return;
  }
  executor_->retry_due(partition);
}

void consumer_engine::hold_until_due() {
  // Messages of a partition of a retry topic come due in offset order (each
  // was written `delay` before it is due): the first one not due holds up
  // the rest of its partition, and the partition is paused instead of the
  // thread sleeping, so that the other partitions keep flowing.
  auto now = wall_clock_ms();
  auto held = [&](int32_t p) {
    for (auto& h : holds_)
      if (h.partition == p)
        return true;
    return false;
  };
  size_t kept = 0;
  for (size_t i = 0; i < records_.size(); ++i) {
    auto& r = records_[i];
    bool drop = false;
    if (!paused(r.partition)) {
      if (held(r.partition)) {
        drop = true;
      } else if (auto due = due_ms(r.header(retry_header::due), r.timestamp_ms,
                                   stage_delay_);
                 due > now) {
        holds_.push_back({r.partition, r.offset, due - now});
        drop = true;
      }
    }
    if (drop)
      port_->release(r);
    else
      records_[kept++] = r;
  }
  records_.erase(records_.begin() + static_cast<ptrdiff_t>(kept),
                 records_.end());
}

void consumer_engine::pause_held() {
  for (auto& h : holds_) {
    if (paused_.contains(h.partition))
      continue;
    port_->pause(h.partition);
    port_->seek(h.partition, h.offset);
    paused_.emplace(h.partition, monotonic_ms() + h.wait_ms);
    outcome_.retries.emplace_back(h.partition,
                                  std::chrono::milliseconds{h.wait_ms});
    log().debug("consumer {}: {} [{}] offset {} is due in {} ms; pausing "
                "partition {} until then",
                spec_->name, spec_->topic, h.partition, h.offset, h.wait_ms,
                h.partition);
  }
  holds_.clear();
  refresh_status(true);
}

int consumer_engine::tries_before(const kafka::record& r) const {
  if (spec_->retry_stage == 0 || r.read_headers == nullptr)
    return 0;
  return origin_of(r.read_headers(r.handle), spec_->topic, r.partition,
                   r.offset)
      .attempts;
}

void consumer_engine::resume_partition(int32_t partition) {
  if (paused_.erase(partition) == 0)
    return;
  if (assigned_.contains(partition) && !user_paused_.contains(partition))
    port_->resume(partition);
  if (stage_delay_.count() > 0)
    log().debug("consumer {}: resuming {} [{}]: its next message is due",
                spec_->name, spec_->topic, partition);
  else
    log().info("consumer {}: resuming {} [{}] after its backoff", spec_->name,
               spec_->topic, partition);
  refresh_status(true);
}

bool consumer_engine::handler_failed(
    std::span<const kafka::record* const> records, int64_t key,
    kafka::ticket* t, const std::string& what, int64_t seek_to,
    kafka::delivery_batch* batch) {
  auto& first = *records.front();
  auto& last = *records.back();
  auto p = first.partition;
  status_->failed.add(1);
  auto decision = decide(spec_->retry, attempts_.failed(p, key));
  auto where = records.size() == 1
                   ? fmt::format("offset {}", first.offset)
                   : fmt::format("offsets {}-{}", first.offset, last.offset);
  if (exactly_once())
    // Outputs the failed call sent are in the transaction: it aborts.
    txn_failed_ = true;
  if (decision.give_up) {
    auto& target = next_stage_ ? next_stage_->topic() : dead_letters_.topic();
    log().error("consumer {}: handler failed on {} [{}] {} (attempt {} of "
                "{}): {}; sending it to {}",
                spec_->name, spec_->topic, p, where, decision.attempt,
                decision.max_attempts, what, target);
    attempts_.done(p, key);
    if (exactly_once()) {
      // Written when the input comes again after the abort, in the
      // transaction that commits its offset.
      for (auto* r : records)
        due_letters_[{r->partition, r->offset}] = {what, decision.attempt};
      return true;
    }
    for (auto* r : records) {
      // Tries count across stages: the retry headers carry them on.
      auto tries = tries_before(*r) + decision.attempt;
      if (next_stage_) {
        if (next_stage_->write(*r, what, tries, t, batch))
          status_->retried.add(1);
      } else if (dead_letters_.write(*r, "handler", what, tries, t, batch)) {
        status_->dead_lettered.add(1);
      }
    }
    return true;
  }
  status_->retried.add(1);
  log().error("consumer {}: handler failed on {} [{}] {} (attempt {} of {}): "
              "{}; pausing partition {} for {} ms",
              spec_->name, spec_->topic, p, where, decision.attempt,
              decision.max_attempts, what, p, decision.backoff.count());
  if (seek_to >= 0)
    tracker_.discard_from(p, seek_to);
  // Only this partition waits: the others keep flowing during the backoff.
  if (!paused_.contains(p))
    port_->pause(p);
  if (seek_to >= 0)
    port_->seek(p, seek_to);
  auto due = monotonic_ms() + decision.backoff.count();
  auto [it, fresh] = paused_.emplace(p, due);
  if (!fresh)
    it->second = std::min(it->second, due);
  outcome_.retries.emplace_back(p, decision.backoff);
  refresh_status(true);
  return false;
}

void consumer_engine::undecodable(const kafka::record& r, kafka::ticket* t,
                                  const decode_error& err,
                                  kafka::delivery_batch* batch) {
  log().warn("consumer {}: cannot decode message at {} [{}] offset {}: {}; "
             "sending it to {}",
             spec_->name, spec_->topic, r.partition, r.offset, err.to_string(),
             dead_letters_.topic());
  if (dead_letters_.write(r, "decode", err.to_string(), 1, t, batch))
    status_->dead_lettered.add(1);
}

std::chrono::steady_clock::time_point
consumer_engine::handled(const kafka::record& last, uint64_t n,
                         std::chrono::steady_clock::time_point started,
                         bool on_consumer_thread) noexcept {
  spec_->handled->add(n);
  status_->handled.add(n);
  if (!status_->timed)
    return {};
  auto now = std::chrono::steady_clock::now();
  auto duration = std::chrono::duration<double>(now - started).count();
  if (on_consumer_thread)
    pending_durations_.observe(duration);
  else
    status_->handler_duration.observe(duration);
  if (last.timestamp_ms > 0) {
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      now.time_since_epoch())
                      .count() +
                  wall_offset_ms_.load(std::memory_order_relaxed);
    auto latency = static_cast<double>(now_ms - last.timestamp_ms) / 1000.0;
    if (on_consumer_thread)
      pending_latencies_.observe(latency);
    else
      status_->end_to_end_latency.observe(latency);
  }
  return now;
}

message_meta consumer_engine::meta_of(const kafka::record& r) const noexcept {
  message_meta meta;
  meta.topic = spec_->topic;
  meta.partition = r.partition;
  meta.offset = r.offset;
  meta.timestamp_ms = r.timestamp_ms;
  meta.timestamp_type = r.timestamp_type;
  meta.key = r.key;
  meta.key_size = r.key ? r.key->size() : 0;
  meta.value_size = r.value.size();
  meta.raw = r.handle;
  meta.read_headers = r.read_headers;
  return meta;
}

void consumer_engine::skipped(const kafka::record& r) {
  auto p = r.partition;
  if (!user_paused_.contains(p) || paused_.contains(p) || sought_.contains(p))
    return; // the retry's or the user's seek decides where it goes on
  refetch_.emplace(p, r.offset);
}

void consumer_engine::begin_call(const kafka::record& r, kafka::ticket* t,
                                 message_meta& meta) {
  meta.controls = &controls_;
  if (!manual_ack()) {
    controls_.begin(r, nullptr);
    return;
  }
  // The acknowledgement holds one share of the ticket: the commit position
  // cannot pass the message until it is given back.
  t->pending.fetch_add(1, std::memory_order_acq_rel);
  auto st = std::make_shared<fastkafka::detail::ack_state>();
  st->channel = channel_;
  st->token = t;
  st->partition = r.partition;
  st->offset = r.offset;
  acks_.push_back(st);
  controls_.begin(r, std::move(st));
}

void consumer_engine::end_unhandled_call() {
  auto& st = controls_.current_ack();
  if (st && !st->done.exchange(true, std::memory_order_acq_rel))
    static_cast<kafka::ticket*>(st->token)->pending.fetch_sub(
        1, std::memory_order_acq_rel);
}

void consumer_engine::user_pause(int32_t partition) {
  if (!assigned_.contains(partition) || !user_paused_.insert(partition).second)
    return;
  if (!paused_.contains(partition))
    port_->pause(partition);
  log().info("consumer {}: {} [{}] paused by the application", spec_->name,
             spec_->topic, partition);
  refresh_status(true);
}

void consumer_engine::user_resume(int32_t partition) {
  if (user_paused_.erase(partition) == 0)
    return;
  if (assigned_.contains(partition) && !paused_.contains(partition))
    port_->resume(partition);
  log().info("consumer {}: {} [{}] resumed by the application", spec_->name,
             spec_->topic, partition);
  refresh_status(true);
}

void consumer_engine::user_seek(int32_t partition, int64_t offset) {
  if (!assigned_.contains(partition))
    return;
  tracker_.seek(partition, offset);
  port_->seek(partition, offset);
  sought_.insert(partition);
  refetch_.erase(partition);
  log().info("consumer {}: {} [{}] sought to offset {} by the application; "
             "its commit position follows",
             spec_->name, spec_->topic, partition, offset);
}

int64_t consumer_engine::offset_for_time(int32_t partition,
                                         int64_t timestamp_ms) {
  return port_->offset_for_time(partition, timestamp_ms,
                                std::chrono::milliseconds{5000});
}

void consumer_engine::nacked(void* token, int32_t partition, int64_t offset,
                             std::chrono::milliseconds delay) {
  auto* t = static_cast<kafka::ticket*>(token);
  if (assigned_.contains(partition) && !closed_ && stop_deadline_ms_ == 0) {
    // Like a retry: only this partition waits, from the nacked message on.
    tracker_.discard_from(partition, offset);
    if (!paused_.contains(partition) && !user_paused_.contains(partition))
      port_->pause(partition);
    port_->seek(partition, offset);
    refetch_.erase(partition);
    auto due = monotonic_ms() + delay.count();
    auto [it, fresh] = paused_.emplace(partition, due);
    if (!fresh)
      it->second = std::min(it->second, due);
    outcome_.retries.emplace_back(partition, delay);
    log().info("consumer {}: {} [{}] offset {} nacked; consumed again in {} "
               "ms",
               spec_->name, spec_->topic, partition, offset, delay.count());
  } else {
    // Revoked or stopping: not committed, the next owner consumes it.
    tracker_.discard_from(partition, offset);
  }
  t->pending.fetch_sub(1, std::memory_order_acq_rel);
}

void consumer_engine::apply_controls() {
  for (auto& req : channel_->take()) {
    switch (req.kind) {
    case control_request::pause:
      user_pause(req.partition);
      break;
    case control_request::resume:
      user_resume(req.partition);
      break;
    case control_request::nack:
      nacked(req.token, req.partition, req.offset, req.delay);
      break;
    }
  }
}

void consumer_engine::cancel_acks(std::span<const int32_t> partitions) {
  if (acks_.empty())
    return;
  auto covered = [&](int32_t p) {
    return partitions.empty() || std::find(partitions.begin(), partitions.end(),
                                           p) != partitions.end();
  };
  std::vector<fastkafka::detail::ack_state*> cancelled;
  std::map<int32_t, std::pair<int64_t, size_t>> first;
  for (auto& st : acks_)
    if (covered(st->partition) &&
        !st->done.exchange(true, std::memory_order_acq_rel)) {
      cancelled.push_back(st.get());
      auto [it, fresh] =
          first.emplace(st->partition, std::pair{st->offset, size_t{0}});
      it->second.first = std::min(it->second.first, st->offset);
      ++it->second.second;
    }
  // Unacknowledged messages are not done: the commit position stays at the
  // first of them, so that the next owner (or a restart) consumes them.
  for (auto& [p, f] : first) {
    tracker_.discard_from(p, f.first);
    log().warn("consumer {}: {} messages of {} [{}] not acknowledged, from "
               "offset {}: not committed; they are consumed again",
               spec_->name, f.second, spec_->topic, p, f.first);
  }
  for (auto* st : cancelled)
    static_cast<kafka::ticket*>(st->token)->pending.fetch_sub(
        1, std::memory_order_acq_rel);
  std::erase_if(acks_, [](auto& a) { return a->done.load(); });
}

void consumer_engine::call_hook(const rebalance_hook& hook, const char* which,
                                std::span<const int32_t> partitions) {
  if (!hook)
    return;
  try {
    hook(partitions_event{spec_->topic, partitions});
  } catch (const std::exception& e) {
    log().error("consumer {}: its {} hook threw on {} [{}]: {}; the consumer "
                "goes on",
                spec_->name, which, spec_->topic, partitions_text(partitions),
                e.what());
  } catch (...) {
    log().error("consumer {}: its {} hook threw on {} [{}]; the consumer "
                "goes on",
                spec_->name, which, spec_->topic, partitions_text(partitions));
  }
}

void consumer_engine::release(kafka::record& r) noexcept {
  port_->release(r);
}

void consumer_engine::log_fetch_error(const kafka::record& r) {
  auto now = monotonic_ms();
  if (now - last_fetch_error_log_ms_ < 1000)
    return;
  last_fetch_error_log_ms_ = now;
  log().warn("consumer {}: fetch from {} [{}] failed: {}", spec_->name,
             spec_->topic, r.partition, r.error_text);
}

void consumer_engine::settle() {
  auto rewinds = tracker_.collect();
  for (auto& r : rewinds) {
    log().warn("consumer {}: output of {} [{}] offset {} was not delivered; "
               "consuming it again",
               spec_->name, spec_->topic, r.partition, r.offset);
    port_->seek(r.partition, r.offset);
  }
  status_->in_flight.store(tracker_.open_tickets(), std::memory_order_relaxed);
}

void consumer_engine::commit_now(bool idle) {
  // Exactly-once offsets commit only inside their transaction.
  if (exactly_once() || tracker_.in_flight())
    return;
  // Processed offsets are committed as they settle, one request at a time,
  // so that a crash re-delivers little more than what was in flight.
  // Without enable_auto_commit, only when idle (and on rebalance and stop).
  auto now = monotonic_ms();
  bool due = settings_.commit_while_busy ||
             now - last_commit_ms_ >= settings_.commit_interval.count();
  if (!idle && !due)
    return;
  auto offsets = tracker_.to_commit();
  if (offsets.empty())
    return;
  last_commit_ms_ = now;
  tracker_.sent(offsets);
  port_->commit(offsets);
}

void consumer_engine::on_committed(std::span<const partition_offset> offsets,
                                   int error, std::string_view error_text) {
  if (!exactly_once()) {
    record_answer(offsets, error, error_text);
    return;
  }
  // Only mirrors of committed transactions are sent plainly.
  mirror_in_flight_ = false;
  bool refused = error != 0;
  for (auto& po : offsets)
    refused = refused || po.error != 0;
  if (refused) {
    auto now = monotonic_ms();
    if (now - last_commit_error_log_ms_ >= 1000) {
      last_commit_error_log_ms_ = now;
      log().debug("consumer {}: plain repeat of the transaction's offsets of "
                  "{}{} was refused: {}",
                  spec_->name, spec_->topic, offsets_text(offsets),
                  error_text.empty() ? kafka::error_name(error)
                                     : std::string{error_text});
    }
  }
  if (!mirror_next_.empty())
    mirror(std::exchange(mirror_next_, {}));
}

void consumer_engine::record_answer(std::span<const partition_offset> offsets,
                                    int error, std::string_view error_text) {
  auto failed = tracker_.answered(offsets, error);
  for (auto& po : offsets)
    if (error == 0 && po.error == 0)
      confirmed_log_[po.partition] =
          std::max(confirmed_log_[po.partition], po.offset);
  if (failed.empty())
    return;
  // Nothing was committed for these; the next commit sends them again.
  auto now = monotonic_ms();
  if (now - last_commit_error_log_ms_ < 1000 && stop_deadline_ms_ == 0)
    return;
  last_commit_error_log_ms_ = now;
  auto code = failed.front().error;
  log().warn("consumer {}: commit of {}{} was not confirmed: {}{}", spec_->name,
             spec_->topic, offsets_text(failed),
             error_text.empty() ? kafka::error_name(code)
                                : std::string{error_text},
             kafka::retriable_commit_error(code) ? "; it is sent again" : "");
}

bool consumer_engine::drain(std::span<const int32_t> partitions,
                            int64_t deadline_ms) {
  auto busy = [&] {
    if (partitions.empty())
      return tracker_.busy();
    for (auto p : partitions)
      if (tracker_.busy(p))
        return true;
    return false;
  };
  // Delivery reports are served by the producer actors; waiting here only
  // lets the tracker see them.
  while (true) {
    // Calls that fail now cannot wait for a retry: their messages are
    // consumed again by whoever owns the partition next.
    executor_->collect();
    if (channel_->waiting())
      apply_controls();
    executor_->drop_held(partitions);
    batch_.serve();
    tracker_.collect();
    if (!busy())
      return true;
    if (monotonic_ms() >= deadline_ms) {
      log().warn("consumer {}: {} messages still wait for their output to be "
                 "acknowledged; offsets of {} not committed from{}: those "
                 "messages are consumed again",
                 spec_->name, tracker_.open_tickets(), spec_->topic,
                 offsets_text(tracker_.first_unfinished()));
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool consumer_engine::commit_and_wait(std::span<const int32_t> partitions,
                                      int64_t deadline_ms) {
  std::vector<int32_t> all;
  if (partitions.empty()) {
    all.assign(assigned_.begin(), assigned_.end());
    partitions = all;
  }
  if (exactly_once())
    return !tracker_.unconfirmed(partitions);
  while (tracker_.unconfirmed(partitions)) {
    auto left = deadline_ms - monotonic_ms();
    if (left <= 0)
      return false;
    if (!tracker_.in_flight() || stop_deadline_ms_ != 0) {
      auto offsets = tracker_.to_commit(partitions);
      if (!offsets.empty() && !tracker_.in_flight()) {
        tracker_.sent(offsets);
        port_->commit(offsets);
      }
    }
    port_->serve(std::chrono::milliseconds{std::min<int64_t>(left, 100)});
    // A refused commit is sent again after a short pause, while time is
    // left: the coordinator may be moving or the group rebalancing.
    if (!tracker_.in_flight() && tracker_.unconfirmed(partitions))
      std::this_thread::sleep_for(
          std::chrono::milliseconds{std::min<int64_t>(left, 50)});
  }
  return true;
}

void consumer_engine::on_assigned(std::span<const int32_t> partitions) {
  status_->joined.store(true, std::memory_order_relaxed);
  status_->rebalances.add(1);
  for (auto p : partitions)
    assigned_.insert(p);
  log().info("consumer {} (group {}): assigned {} [{}]", spec_->name,
             status_->group_id, spec_->topic, partitions_text(partitions));
  refresh_status(true);
  call_hook(spec_->on_assigned, "on_assigned", partitions);
}

void consumer_engine::on_revoked(std::span<const int32_t> partitions) {
  status_->rebalances.add(1);
  // Requests for these partitions (a resume, a nack) no longer apply.
  for (auto p : partitions)
    assigned_.erase(p);
  apply_controls();
  cancel_acks(partitions);
  executor_->drop_held(partitions);
  // Finish what was handed out for these partitions and commit it, so that
  // the next owner starts exactly after it; bounded by the stop deadline
  // while stopping.
  auto deadline =
      stop_deadline_ms_ != 0 ? stop_deadline_ms_ : monotonic_ms() + 10000;
  drain(partitions, deadline);
  bool committed = commit_and_wait(partitions, deadline);
  for (auto p : partitions) {
    tracker_.forget(p);
    attempts_.forget(p);
    std::erase_if(due_letters_, [p](auto& d) { return d.first.first == p; });
    paused_.erase(p);
    user_paused_.erase(p);
    assigned_.erase(p);
    std::erase_if(holds_, [p](const hold& h) { return h.partition == p; });
  }
  if (committed)
    log().info("consumer {} (group {}): revoked {} [{}]", spec_->name,
               status_->group_id, spec_->topic, partitions_text(partitions));
  else
    log().warn("consumer {} (group {}): revoked {} [{}] before the broker "
               "confirmed every commit; the next owner may see some "
               "messages again",
               spec_->name, status_->group_id, spec_->topic,
               partitions_text(partitions));
  refresh_status(true);
  // After the commit: the hook sees the broker's offsets at the processed
  // position.
  call_hook(spec_->on_revoked, "on_revoked", partitions);
}

void consumer_engine::on_lost(std::span<const int32_t> partitions) {
  status_->rebalances.add(1);
  apply_controls();
  cancel_acks(partitions);
  executor_->drop_held(partitions);
  for (auto p : partitions) {
    tracker_.forget(p);
    attempts_.forget(p);
    std::erase_if(due_letters_, [p](auto& d) { return d.first.first == p; });
    paused_.erase(p);
    user_paused_.erase(p);
    assigned_.erase(p);
    std::erase_if(holds_, [p](const hold& h) { return h.partition == p; });
  }
  log().warn("consumer {} (group {}): lost {} [{}]: the group moved on; "
             "what was not committed is consumed again by the new owner",
             spec_->name, status_->group_id, spec_->topic,
             partitions_text(partitions));
  refresh_status(true);
  call_hook(spec_->on_lost, "on_lost", partitions);
}

void consumer_engine::refresh_status(bool force) {
  auto now = monotonic_ms();
  if (!force && now - last_status_ms_ < 250)
    return;
  last_status_ms_ = now;
  std::map<int32_t, partition_snapshot> parts;
  auto positions = tracker_.unconfirmed_positions();
  for (auto p : assigned_) {
    partition_snapshot ps;
    ps.partition = p;
    if (auto i = confirmed_log_.find(p); i != confirmed_log_.end())
      ps.committed = i->second;
    for (auto& po : positions)
      if (po.partition == p)
        ps.position = po.offset;
    if (ps.position < 0)
      ps.position = ps.committed;
    ps.high_watermark = port_ ? port_->high_watermark(p) : -1;
    ps.paused = paused(p);
    parts.emplace(p, ps);
  }
  status_->set_partitions(std::move(parts));
}

void consumer_engine::wake() noexcept {
  if (port_)
    port_->wake();
}

bool consumer_engine::shutdown(int64_t deadline_ms) {
  if (closed_ || !port_)
    return true;
  stop_deadline_ms_ = std::max<int64_t>(deadline_ms, 1);
  control_queue::ownership owned{*channel_};
  // Unacknowledged messages are not committed: consumed again next time.
  apply_controls();
  cancel_acks({});
  // What waits for a retry is not done: it is consumed again next time.
  executor_->drop_held({});
  bool drained = drain({}, deadline_ms);
  executor_->stop();
  bool committed = commit_and_wait({}, deadline_ms);
  // Closing revokes the assignment (on_revoked commits once more, within
  // the same deadline) and leaves the group, so that partitions move to
  // other members at once.
  // The last plain repeat of a transaction's offsets is waited for, so
  // that a broker that keeps only those resumes where this one stopped.
  if (!mirror_next_.empty() && !mirror_in_flight_)
    mirror(std::exchange(mirror_next_, {}));
  while ((mirror_in_flight_ || !mirror_next_.empty()) &&
         monotonic_ms() < deadline_ms)
    port_->serve(std::chrono::milliseconds{
        std::clamp<int64_t>(deadline_ms - monotonic_ms(), 1, 50)});
  auto left = std::max<int64_t>(0, deadline_ms - monotonic_ms());
  bool closed = port_->close(std::chrono::milliseconds{left});
  closed_ = true;
  batch_.clear();
  if (txn_) {
    auto& sink = txn_->sink();
    log().info("producer {}.txn stopped; {} delivered, {} failed, {} "
               "transactions aborted",
               spec_->name, sink.delivered(), sink.failed(), aborts_);
    txn_.reset();
  }
  auto unconfirmed = tracker_.unconfirmed_positions();
  log().info("consumer {} stopped; offsets of {} confirmed by the broker:{}",
             spec_->name, spec_->topic, offsets_text(confirmed_log_));
  if (!unconfirmed.empty())
    log().error("consumer {}: offsets of {} processed but not confirmed by "
                "the broker:{}; those messages are consumed again",
                spec_->name, spec_->topic, offsets_text(unconfirmed));
  refresh_status(true);
  return drained && committed && closed && unconfirmed.empty();
}

} // namespace fastkafka::engine
