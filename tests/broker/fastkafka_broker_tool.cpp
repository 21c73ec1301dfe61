#define CAF_SUITE fastkafka_broker_tool

// The tool has no header of its own; it is tested as a process, and its
// bootstrap address is checked with clients nobody here wrote.
#include "caf/test/unit_test.hpp"

#include "support/rdkafka_helpers.hpp"

#include <regex>
#include <set>

using namespace fastkafka::test;

namespace {

const std::string broker_exe = FASTKAFKA_BROKER_EXE;

/// A running `fastkafka-broker` and the address it printed.
struct running_broker {
  child_process process;
  std::string bootstrap;
  std::string banner;

  explicit running_broker(std::vector<std::string> args)
      : process(with_exe(std::move(args))) {
    // Printed right after startup; a slow machine still takes well under 10s.
    bootstrap = process.read_line(10s).value_or("");
    banner = process.read_stderr(2s);
  }

  static std::vector<std::string> with_exe(std::vector<std::string> args) {
    args.insert(args.begin(), broker_exe);
    return args;
  }
};

/// Runs a command bounded by `timeout 30`; returns its exit code and stdout.
std::pair<int, std::string> run(std::vector<std::string> argv,
                                const std::string& input = {}) {
  argv.insert(argv.begin(), {"/usr/bin/timeout", "30"});
  child_process proc{std::move(argv), true};
  proc.write_stdin(input);
  proc.close_stdin();
  auto out = proc.read_all(35s);
  return {proc.exit_code(5s), out};
}

bool is_bootstrap_list(const std::string& line) {
  static const std::regex pattern{
      R"(127\.0\.0\.1:[0-9]{1,5}(,127\.0\.0\.1:[0-9]{1,5})*)"};
  return std::regex_match(line, pattern);
}

} // namespace

CAF_TEST(bad arguments exit with code 2) {
  for (auto bad : {std::vector<std::string>{"--brokers", "0"},
                   std::vector<std::string>{"--partitions", "many"},
                   std::vector<std::string>{"--no-such-option"}}) {
    child_process proc{running_broker::with_exe(bad)};
    CAF_CHECK_EQUAL(proc.exit_code(10s), 2);
    CAF_CHECK(!proc.read_stderr(1s).empty());
  }
  child_process help{running_broker::with_exe({"--help"})};
  CAF_CHECK(help.read_all(10s).find("--partitions") != std::string::npos);
  CAF_CHECK_EQUAL(help.exit_code(10s), 0);
}

CAF_TEST(prints its address then serves until terminated) {
  running_broker broker{{"--brokers", "2"}};
  CAF_MESSAGE("bootstrap: " << broker.bootstrap);
  CAF_REQUIRE(is_bootstrap_list(broker.bootstrap));
  CAF_CHECK(broker.bootstrap.find(',') != std::string::npos);
  CAF_CHECK(broker.banner.find("5 MiB") != std::string::npos);
  CAF_CHECK(broker.banner.find("mock") != std::string::npos);

  delivery_log log;
  auto producer = make_client(RD_KAFKA_PRODUCER, broker.bootstrap,
                              {{"linger.ms", "5"}}, &log);
  constexpr size_t count = 50;
  for (size_t i = 0; i < count; ++i)
    CAF_REQUIRE_EQUAL(
        produce(producer.get(), "events", "k" + std::to_string(i), "v"),
        RD_KAFKA_RESP_ERR_NO_ERROR);
  CAF_REQUIRE(wait_for_reports(producer.get(), log, count));
  CAF_CHECK_EQUAL(log.delivered, count);

  auto consumer = make_client(
      RD_KAFKA_CONSUMER, broker.bootstrap,
      {{"group.id", "tool-readers"}, {"auto.offset.reset", "earliest"}});
  rd_kafka_poll_set_consumer(consumer.get());
  partition_list_ptr topics{rd_kafka_topic_partition_list_new(1)};
  rd_kafka_topic_partition_list_add(topics.get(), "events",
                                    RD_KAFKA_PARTITION_UA);
  CAF_REQUIRE_EQUAL(rd_kafka_subscribe(consumer.get(), topics.get()),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
  std::set<std::string> keys;
  auto deadline = clock_type::now() + 30s;
  while (keys.size() < count && clock_type::now() < deadline) {
    if (auto* msg = rd_kafka_consumer_poll(consumer.get(), 100)) {
      if (!msg->err)
        keys.emplace(static_cast<const char*>(msg->key), msg->key_len);
      rd_kafka_message_destroy(msg);
    }
  }
  CAF_CHECK_EQUAL(keys.size(), count);
  rd_kafka_consumer_close(consumer.get());
  consumer.reset();
  producer.reset();

  CAF_REQUIRE_EQUAL(kill(broker.process.pid(), SIGTERM), 0);
  CAF_CHECK_EQUAL(broker.process.exit_code(5s), 0);
}

CAF_TEST(creates the topics it is given) {
  running_broker broker{{"--topic", "a", "--topic", "b", "--partitions", "3"}};
  CAF_REQUIRE(is_bootstrap_list(broker.bootstrap));
  auto rk = make_client(RD_KAFKA_PRODUCER, broker.bootstrap);
  CAF_CHECK_EQUAL(partition_count(rk.get(), "a"), 3);
  CAF_CHECK_EQUAL(partition_count(rk.get(), "b"), 3);
  CAF_CHECK_EQUAL(partition_count(rk.get(), "c"), -1);
  rk.reset();
  CAF_REQUIRE_EQUAL(kill(broker.process.pid(), SIGINT), 0);
  CAF_CHECK_EQUAL(broker.process.exit_code(5s), 0);
}

CAF_TEST(kcat produces and consumes through it) {
  running_broker broker{{"--topic", "lines", "--partitions", "2"}};
  CAF_REQUIRE(is_bootstrap_list(broker.bootstrap));
  auto [produced, ignored] =
      run({"/usr/bin/kcat", "-b", broker.bootstrap, "-P", "-t", "lines", "-K:"},
          "k1:one\nk2:two\nk3:three\n");
  CAF_CHECK_EQUAL(produced, 0);
  auto [consumed, out] =
      run({"/usr/bin/kcat", "-b", broker.bootstrap, "-C", "-t", "lines", "-e",
           "-q", "-o", "beginning", "-f", "%k:%s\n"});
  CAF_CHECK_EQUAL(consumed, 0);
  std::set<std::string> lines;
  for (size_t pos = 0, end; (end = out.find('\n', pos)) != std::string::npos;
       pos = end + 1)
    lines.insert(out.substr(pos, end - pos));
  CAF_CHECK(lines == std::set<std::string>({"k1:one", "k2:two", "k3:three"}));
}

CAF_TEST(python clients produce consume and commit through it) {
  running_broker broker{{"--topic", "py", "--partitions", "2"}};
  CAF_REQUIRE(is_bootstrap_list(broker.bootstrap));
  // Debian's python3-kafka lives with /usr/bin/python3 only (not pyenv's).
  static const char* script = R"py(
import sys
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
servers, topic = sys.argv[1].split(","), sys.argv[2]
producer = KafkaProducer(bootstrap_servers=servers)
for i in range(10):
    producer.send(topic, key=b"k%d" % i, value=b"v%d" % i)
producer.flush(timeout=15)
producer.close()

def consumer():
    return KafkaConsumer(bootstrap_servers=servers, group_id="py-group",
                         enable_auto_commit=False,
                         auto_offset_reset="earliest",
                         consumer_timeout_ms=15000)

first = consumer()
first.subscribe([topic])
seen = set()
for record in first:
    seen.add(record.key)
    if len(seen) == 10:
        break
assert seen == {b"k%d" % i for i in range(10)}, seen
first.commit()
first.close()

second = consumer()
parts = [TopicPartition(topic, p) for p in second.partitions_for_topic(topic)]
ends = second.end_offsets(parts)
committed = {tp: second.committed(tp) for tp in parts}
assert committed == ends, (committed, ends)
assert sum(ends.values()) == 10, ends
second.close()
print("OK")
)py";
  auto [code, out] =
      run({"/usr/bin/python3", "-c", script, broker.bootstrap, "py"});
  CAF_CHECK_EQUAL(code, 0);
  CAF_CHECK_EQUAL(out, "OK\n");
}

CAF_TEST(control commands on stdin inject faults) {
  child_process proc{
      running_broker::with_exe({"--control", "--topic", "events"}), true};
  auto bootstrap = proc.read_line(10s).value_or("");
  CAF_REQUIRE(is_bootstrap_list(bootstrap));
  auto command = [&proc](const std::string& line) {
    CAF_REQUIRE(proc.write_stdin(line + "\n"));
    return proc.read_line(10s).value_or("(no answer)");
  };
  CAF_CHECK_EQUAL(command("bogus 1"), "error: unknown command \"bogus\" "
                                      "(known: down, up, rtt, leader, "
                                      "coordinator, errors)");
  CAF_CHECK(command("down").starts_with("error: usage: down"));
  CAF_CHECK(command("leader events 0 9").starts_with("error: "));
  // With its only broker down, a delivery fails; back up, it succeeds.
  CAF_CHECK_EQUAL(command("down 1"), "ok");
  {
    delivery_log log;
    auto producer = make_client(RD_KAFKA_PRODUCER, bootstrap,
                                {{"message.timeout.ms", "1500"}}, &log);
    CAF_REQUIRE_EQUAL(produce(producer.get(), "events", "k", "v"),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
    CAF_REQUIRE(wait_for_reports(producer.get(), log, 1));
    CAF_CHECK_EQUAL(log.failed, 1u);
  }
  CAF_CHECK_EQUAL(command("up 1"), "ok");
  CAF_CHECK_EQUAL(command("errors 0 7 1"), "ok"); // one REQUEST_TIMED_OUT
  {
    delivery_log log;
    auto producer = make_client(RD_KAFKA_PRODUCER, bootstrap, {}, &log);
    CAF_REQUIRE_EQUAL(produce(producer.get(), "events", "k", "v"),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
    CAF_REQUIRE(wait_for_reports(producer.get(), log, 1));
    CAF_CHECK_EQUAL(log.delivered, 1u); // retried past the injected error
  }
  CAF_CHECK_EQUAL(command("rtt 1 0"), "ok");
  CAF_CHECK_EQUAL(command("coordinator group g 1"), "ok");
  CAF_CHECK_EQUAL(command("leader events 0 1"), "ok");
  CAF_REQUIRE_EQUAL(kill(proc.pid(), SIGTERM), 0);
  CAF_CHECK_EQUAL(proc.exit_code(5s), 0);
}
