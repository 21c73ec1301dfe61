#include "fastkafka/kafka/offset_reset.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/kafka/config.hpp"
#include "fastkafka/kafka/handles.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka::kafka {

namespace {

using reason = reset_error::reason;
using fastkafka::detail::monotonic_ms;
using rebalance_cb = void (*)(rd_kafka_t*, rd_kafka_resp_err_t,
                              rd_kafka_topic_partition_list_t*, void*);

// What is left of the bound, at least 1 ms (librdkafka reads 0 as "do not
// wait" and some calls as "forever").
int left_ms(int64_t deadline) {
  return static_cast<int>(std::max<int64_t>(1, deadline - monotonic_ms()));
}

void forward_log(const rd_kafka_t*, int level, const char* fac,
                 const char* buf) {
  // librdkafka's own lines stay on one line each, at most warnings.
  if (level <= 4)
    log().warn("reset offsets: librdkafka {}: {}", fac, buf);
}

// A consumer handle in `group` that commits only what the reset says.
kafka_ptr make_member(const client_options& options, const std::string& group,
                      rebalance_cb rebalance, void* opaque) {
  auto props = rdkafka_properties(options, client_role::consumer);
  props.emplace_back("group.id", group);
  props.emplace_back("enable.auto.commit", "false");
  props.emplace_back("enable.auto.offset.store", "false");
  std::string err;
  auto conf = make_conf(props, err);
  if (!conf)
    throw reset_error(reason::failed, err);
  rd_kafka_conf_set_log_cb(conf.get(), forward_log);
  if (rebalance) {
    rd_kafka_conf_set_rebalance_cb(conf.get(), rebalance);
    rd_kafka_conf_set_opaque(conf.get(), opaque);
  }
  auto rk = make_client(RD_KAFKA_CONSUMER, std::move(conf), err);
  if (!rk)
    throw reset_error(reason::failed, err);
  return rk;
}

// Destroys a handle that never joined (or whose leave is done or given up)
// without waiting for a consumer close.
void drop(kafka_ptr rk) {
  rd_kafka_destroy_flags(rk.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

int32_t partition_count(rd_kafka_t* rk, const std::string& topic,
                        const std::string& where, int64_t deadline,
                        std::chrono::milliseconds timeout) {
  topic_ptr t{rd_kafka_topic_new(rk, topic.c_str(), nullptr)};
  const rd_kafka_metadata_t* md = nullptr;
  auto rc = rd_kafka_metadata(rk, 0, t.get(), &md, left_ms(deadline));
  metadata_ptr owned{md};
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw reset_error(reason::unreachable,
                      "cannot reach the brokers at " + where + " within " +
                          std::to_string(timeout.count()) + " ms: " +
                          rd_kafka_err2str(rc) + "; no offsets were changed");
  if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR ||
      md->topics[0].partition_cnt == 0)
    throw reset_error(
        reason::failed,
        "topic " + topic + " is not known to the brokers at " + where +
            (md->topic_cnt == 1
                 ? std::string{" ("} + rd_kafka_err2str(md->topics[0].err) + ")"
                 : std::string{}) +
            "; no offsets were changed");
  return md->topics[0].partition_cnt;
}

// The broker's description of the group: nullopt when it cannot describe
// groups (the librdkafka mock cluster answers neither DescribeGroups nor
// ListGroups) or did not answer in time; the caller then relies on the
// join alone.
struct group_view {
  std::string state;
  int members = 0;
};

std::optional<group_view> describe(rd_kafka_t* rk, const std::string& group,
                                   int64_t deadline) {
  // rd_kafka_list_groups, not rd_kafka_DescribeConsumerGroups: after the
  // latter meets a broker without DescribeGroups (the mock), librdkafka
  // 2.0.2 cannot destroy the handle any more (rd_kafka_destroy waits
  // forever).
  const rd_kafka_group_list* list = nullptr;
  auto rc = rd_kafka_list_groups(rk, group.c_str(), &list,
                                 std::min(left_ms(deadline), 10000));
  std::unique_ptr<
      const rd_kafka_group_list,
      rd_deleter<const rd_kafka_group_list, rd_kafka_group_list_destroy>>
      owned{list};
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log().debug("reset offsets: group {}: the broker cannot describe it "
                "({}); the join decides",
                group, rd_kafka_err2str(rc));
    return std::nullopt;
  }
  for (int i = 0; i < list->group_cnt; ++i) {
    auto& g = list->groups[i];
    if (group == g.group && g.err == RD_KAFKA_RESP_ERR_NO_ERROR)
      return group_view{g.state ? g.state : "", g.member_cnt};
  }
  // Not listed: no such group, so no members.
  return group_view{"Dead", 0};
}

// The first offset whose record's timestamp is at or after `ts`, reading
// the partition from `low`; `high` when there is none.
int64_t scan_for_time(const client_options& options, const std::string& topic,
                      int32_t partition, int64_t low, int64_t high, int64_t ts,
                      int64_t deadline) {
  // No group: the scanner assigns the partition itself and commits nothing.
  auto props = rdkafka_properties(options, client_role::consumer);
  props.emplace_back("group.id", "fastkafka-reset-scan");
  props.emplace_back("enable.auto.commit", "false");
  props.emplace_back("enable.partition.eof", "true");
  std::string err;
  auto conf = make_conf(props, err);
  if (!conf)
    throw reset_error(reason::failed, err);
  rd_kafka_conf_set_log_cb(conf.get(), forward_log);
  auto rk = make_client(RD_KAFKA_CONSUMER, std::move(conf), err);
  if (!rk)
    throw reset_error(reason::failed, err);
  tpl_ptr at{rd_kafka_topic_partition_list_new(1)};
  rd_kafka_topic_partition_list_add(at.get(), topic.c_str(), partition)
      ->offset = low;
  rd_kafka_assign(rk.get(), at.get());
  std::optional<int64_t> found;
  int64_t next = low;
  while (!found && next < high) {
    if (monotonic_ms() >= deadline) {
      drop(std::move(rk));
      throw reset_error(reason::unreachable,
                        "reading " + topic + " [" + std::to_string(partition) +
                            "] for the timestamp did not finish in time; no "
                            "offsets were changed");
    }
    message_ptr m{rd_kafka_consumer_poll(rk.get(), 100)};
    if (!m)
      continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
      break;
    if (m->err)
      continue;
    next = m->offset + 1;
    rd_kafka_timestamp_type_t type;
    if (rd_kafka_message_timestamp(m.get(), &type) >= ts)
      found = m->offset;
  }
  rd_kafka_assign(rk.get(), nullptr);
  drop(std::move(rk));
  return found.value_or(high);
}

// The state of the short-lived member, given to librdkafka as opaque.
struct member_state {
  bool assigned = false;
  std::set<int32_t> partitions;
  std::string topic;
};

void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                  rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto& st = *static_cast<member_state*>(opaque);
  bool cooperative =
      std::string_view{rd_kafka_rebalance_protocol(rk)} == "COOPERATIVE";
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < parts->cnt; ++i)
      if (st.topic == parts->elems[i].topic)
        st.partitions.insert(parts->elems[i].partition);
    st.assigned = true;
    // Nothing is fetched: the member only commits.
    if (cooperative)
      error_ptr{rd_kafka_incremental_assign(rk, parts)};
    else
      rd_kafka_assign(rk, parts);
    rd_kafka_pause_partitions(rk, parts);
  } else {
    for (int i = 0; i < parts->cnt; ++i)
      st.partitions.erase(parts->elems[i].partition);
    if (cooperative)
      error_ptr{rd_kafka_incremental_unassign(rk, parts)};
    else
      rd_kafka_assign(rk, nullptr);
  }
}

// Leaves the group within `ms` (the broker may be gone by now).
void leave(kafka_ptr rk, int ms) {
  queue_ptr q{rd_kafka_queue_new(rk.get())};
  if (error_ptr e{rd_kafka_consumer_close_queue(rk.get(), q.get())}) {
    drop(std::move(rk));
    return;
  }
  auto deadline = monotonic_ms() + ms;
  while (!rd_kafka_consumer_closed(rk.get()) && monotonic_ms() < deadline) {
    event_ptr ev{rd_kafka_queue_poll(q.get(), 100)};
    if (ev && rd_kafka_event_type(ev.get()) == RD_KAFKA_EVENT_REBALANCE) {
      // The revocation on close still needs its unassign.
      rd_kafka_assign(rk.get(), nullptr);
    }
  }
  drop(std::move(rk));
}

std::string offset_text(int64_t offset) {
  return offset == partition_reset::no_offset ? std::string{"none"}
                                              : std::to_string(offset);
}

} // namespace

std::vector<partition_reset>
reset_group_offsets(const client_options& options, const std::string& group,
                    const std::string& topic, reset_position to,
                    std::chrono::milliseconds timeout) {
  auto deadline = monotonic_ms() + timeout.count();
  auto where = options.bootstrap_servers.value_or("(no bootstrap servers)");
  member_state st;
  st.topic = topic;
  auto rk = make_member(options, group, on_rebalance, &st);
  int32_t partitions = 0;
  try {
    // A broker that answers answers metadata at once: 10 s at most, so an
    // unreachable one is named soon.
    auto reach = std::min<int64_t>(deadline, monotonic_ms() + 10000);
    partitions =
        partition_count(rk.get(), topic, where, reach,
                        std::chrono::milliseconds{reach - monotonic_ms()});
  } catch (...) {
    drop(std::move(rk));
    throw;
  }

  // A real broker names the members; refuse before joining (which would
  // make the live members rebalance).
  if (auto view = describe(rk.get(), group, deadline);
      view && view->members > 0) {
    drop(std::move(rk));
    throw reset_error(reason::live_members,
                      "cannot reset the offsets of group " + group +
                          ": it has " + std::to_string(view->members) +
                          " live member(s) (state " + view->state +
                          "); stop them first; no offsets were changed");
  }

  // Where each partition goes.
  std::vector<partition_reset> plan(static_cast<size_t>(partitions));
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t low = 0;
    int64_t high = 0;
    auto rc = rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low,
                                               &high, left_ms(deadline));
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
      drop(std::move(rk));
      throw reset_error(rc == RD_KAFKA_RESP_ERR__TIMED_OUT ? reason::unreachable
                                                           : reason::failed,
                        "cannot read the offsets of " + topic + " [" +
                            std::to_string(p) + "]: " + rd_kafka_err2str(rc) +
                            "; no offsets were changed");
    }
    auto& r = plan[static_cast<size_t>(p)];
    r.partition = p;
    switch (to.where) {
    case reset_position::kind::earliest:
      r.new_offset = low;
      break;
    case reset_position::kind::latest:
      r.new_offset = high;
      break;
    case reset_position::kind::timestamp: {
      tpl_ptr q{rd_kafka_topic_partition_list_new(1)};
      rd_kafka_topic_partition_list_add(q.get(), topic.c_str(), p)->offset =
          to.timestamp_ms;
      rc = rd_kafka_offsets_for_times(rk.get(), q.get(), left_ms(deadline));
      if (rc == RD_KAFKA_RESP_ERR_NO_ERROR && q->elems[0].err)
        rc = q->elems[0].err;
      if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
        drop(std::move(rk));
        throw reset_error(rc == RD_KAFKA_RESP_ERR__TIMED_OUT
                              ? reason::unreachable
                              : reason::failed,
                          "cannot look up the timestamp in " + topic + " [" +
                              std::to_string(p) + "]: " + rd_kafka_err2str(rc) +
                              "; no offsets were changed");
      }
      auto offset = q->elems[0].offset;
      // "None at or after" (-1) is checked against the last record: the
      // mock cluster answers -1 to every time. Only when the last record
      // is at or after the time (the answer was wrong) is the partition
      // read from its start; a real broker's -1 costs one record.
      if (offset < 0 && high > low &&
          scan_for_time(options, topic, p, high - 1, high, to.timestamp_ms,
                        deadline) < high)
        offset = scan_for_time(options, topic, p, low, high, to.timestamp_ms,
                               deadline);
      r.new_offset = offset < 0 ? high : offset;
      break;
    }
    }
  }

  // Join: holding every partition of the topic proves no other member of
  // the group consumes it, and commits with this member's generation are
  // accepted by real brokers and the mock alike (the mock refuses a
  // generation -1 commit to any group it has seen a member of).
  tpl_ptr sub{rd_kafka_topic_partition_list_new(1)};
  rd_kafka_topic_partition_list_add(sub.get(), topic.c_str(),
                                    RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk.get(), sub.get());
  while (!st.assigned && monotonic_ms() < deadline) {
    message_ptr m{rd_kafka_consumer_poll(rk.get(), 100)};
  }
  auto fail = [&](reason why, const std::string& text) {
    leave(std::move(rk), 5000);
    throw reset_error(why, text);
  };
  if (!st.assigned)
    fail(reason::unreachable,
         "cannot reset the offsets of group " + group +
             ": joining the group did not finish within " +
             std::to_string(timeout.count()) +
             " ms (a member that does not rejoin, or the coordinator is "
             "unreachable); no offsets were changed");
  if (static_cast<int32_t>(st.partitions.size()) < partitions)
    fail(reason::live_members,
         "cannot reset the offsets of group " + group +
             ": other live members hold " +
             std::to_string(partitions -
                            static_cast<int32_t>(st.partitions.size())) +
             " of the " + std::to_string(partitions) + " partitions of " +
             topic +
             " (at least 1 member; this broker cannot describe groups, so "
             "their number is not known); stop them first; no offsets were "
             "changed");

  tpl_ptr offsets{rd_kafka_topic_partition_list_new(partitions)};
  for (auto& r : plan)
    rd_kafka_topic_partition_list_add(offsets.get(), topic.c_str(),
                                      r.partition);
  auto rc = rd_kafka_committed(rk.get(), offsets.get(), left_ms(deadline));
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
    fail(rc == RD_KAFKA_RESP_ERR__TIMED_OUT ? reason::unreachable
                                            : reason::failed,
         "cannot read the committed offsets of group " + group + ": " +
             rd_kafka_err2str(rc) + "; no offsets were changed");
  for (int i = 0; i < offsets->cnt; ++i) {
    auto& e = offsets->elems[i];
    plan[static_cast<size_t>(e.partition)].old_offset =
        e.offset < 0 ? partition_reset::no_offset : e.offset;
    e.offset = plan[static_cast<size_t>(e.partition)].new_offset;
  }
  rc = rd_kafka_commit(rk.get(), offsets.get(), 0);
  std::string refused;
  for (int i = 0; i < offsets->cnt; ++i)
    if (offsets->elems[i].err)
      refused += " [" + std::to_string(offsets->elems[i].partition) +
                 "]: " + rd_kafka_err2str(offsets->elems[i].err);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR || !refused.empty())
    fail(reason::failed, "the broker refused the reset commit of group " +
                             group + " (" + rd_kafka_err2str(rc) + ")" +
                             refused +
                             " (partitions not named here were committed)");
  for (auto& r : plan)
    log().info("reset offsets: group {} topic {} partition {}: {} -> {}", group,
               topic, r.partition, offset_text(r.old_offset), r.new_offset);
  leave(std::move(rk), 5000);
  return plan;
}

} // namespace fastkafka::kafka
