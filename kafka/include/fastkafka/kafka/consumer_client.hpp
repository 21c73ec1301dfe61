#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fastkafka/kafka/client_base.hpp"
#include "fastkafka/kafka/consumer_port.hpp"

namespace fastkafka::kafka {

class fetch_waker;
class fetch_wake_trigger;

/// A subscribed Kafka consumer of one topic, used from one thread.
///
/// Offsets are committed only when the engine asks (librdkafka's auto
/// commit and offset store are off); commit answers arrive on a queue of
/// their own, so that a stop can wait for them within a bound. Closing
/// leaves the group through a queue with a deadline: librdkafka's plain
/// close retries an unreachable coordinator forever.
///
/// When the application has drained what librdkafka queued (half of
/// `queued.min.messages` or of `queued.max.messages.kbytes` consumed and the
/// queue below half of both), the client wakes the partition leaders'
/// fetchers with a ListOffsets request from a thread of its own: librdkafka
/// 2.0.2 would otherwise look at a stopped partition again only after its
/// broker thread's 1 s timeout, and a backlog would drain in 1 s steps. An
/// idle consumer sends nothing and has no such thread.
class consumer_client final : public client_base, public consumer_port {
public:
  /// Creates the client and subscribes; returns null and fills `err`.
  /// `listener` hears rebalances and commit answers on the polling thread.
  static std::unique_ptr<consumer_client>
  create(std::string name, std::string topic, const client_options& options,
         const std::string& group_id, consumer_listener* listener,
         std::string& err,
         std::shared_ptr<const oauth_token_provider> tokens = nullptr);

  ~consumer_client() noexcept override;

  const std::string& topic() const noexcept override { return topic_; }
  void poll(std::vector<record>& out, size_t max,
            std::chrono::milliseconds wait) override;
  void release(record& r) noexcept override;
  void pause(int32_t partition) override;
  void resume(int32_t partition) override;
  void seek(int32_t partition, int64_t offset) override;
  int64_t offset_for_time(int32_t partition, int64_t timestamp_ms,
                          std::chrono::milliseconds timeout) override;
  void commit(std::span<const partition_offset> offsets) override;
  void serve(std::chrono::milliseconds wait) override;
  int64_t high_watermark(int32_t partition) noexcept override;
  int64_t shared_high_watermark(int32_t partition) const noexcept override;
  bool close(std::chrono::milliseconds timeout) override;
  void wake() noexcept override;
  bool connected() const noexcept override { return brokers_up() > 0; }
  std::string statistics() const override { return latest_statistics(); }

  /// How often the fetchers were woken so far (see the class comment).
  uint64_t fetch_wakes() const noexcept;

private:
  consumer_client(std::string name, std::string topic,
                  std::shared_ptr<const oauth_token_provider> tokens);

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts,
                           void* opaque) noexcept;
  void rebalance(rd_kafka_resp_err_t err,
                 rd_kafka_topic_partition_list_t* parts) noexcept;
  void handle_event(rd_kafka_event_t* ev) noexcept;
  void update_waker() noexcept;
  tpl_ptr one(int32_t partition) const;

  std::string topic_;
  consumer_listener* listener_ = nullptr;
  queue_ptr queue_;
  queue_ptr commits_;
  std::vector<rd_kafka_message_t*> raw_;
  std::unique_ptr<fetch_wake_trigger> wake_trigger_;
  std::unique_ptr<fetch_waker> waker_;
  bool closed_ = false;
  /// Whether `close` began leaving the group (librdkafka then finishes it
  /// whatever happens).
  bool close_started_ = false;
};

/// The headers of a librdkafka message (`const rd_kafka_message_t*`).
std::vector<header_view> headers_of(const void* message);

} // namespace fastkafka::kafka
