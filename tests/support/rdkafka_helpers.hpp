// Small librdkafka and process helpers shared by the embedded broker suites.
// Every wait is bounded so a broken broker fails a check instead of hanging.
#pragma once

#include <librdkafka/rdkafka.h>

#include "fastkafka/kafka/config.hpp"
#include "fastkafka/kafka/handles.hpp"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/// Lets CAF's checks print librdkafka error codes by name (found by ADL).
inline std::string to_string(rd_kafka_resp_err_t err) {
  return rd_kafka_err2name(err);
}

namespace fastkafka::test {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// -- librdkafka -------------------------------------------------------------

// The adapter's holders: one owner per librdkafka object, in one place.
using handle_ptr = fastkafka::kafka::kafka_ptr;
using partition_list_ptr = fastkafka::kafka::tpl_ptr;

/// Outcome of the delivery reports a producer received so far.
struct delivery_log {
  std::vector<rd_kafka_resp_err_t> errors;
  size_t delivered = 0;
  size_t failed = 0;
};

inline void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                        void* opaque) {
  auto* log = static_cast<delivery_log*>(opaque);
  log->errors.push_back(msg->err);
  if (msg->err)
    ++log->failed;
  else
    ++log->delivered;
}

/// Client log lines below warnings are noise in test output; faults we
/// inject on purpose make clients warn, which is fine to see.
inline void quiet_log(const rd_kafka_t*, int level, const char* fac,
                      const char* buf) {
  if (level <= 4)
    std::fprintf(stderr, "  [librdkafka %s] %s\n", fac, buf);
}

/// Creates a client; `settings` are librdkafka configuration pairs.
inline handle_ptr
make_client(rd_kafka_type_t type, const std::string& bootstrap,
            std::vector<std::pair<std::string, std::string>> settings = {},
            delivery_log* log = nullptr) {
  settings.insert(settings.begin(), {"bootstrap.servers", bootstrap});
  std::string err;
  auto conf = fastkafka::kafka::make_conf(settings, err);
  if (!conf)
    throw std::runtime_error(err);
  rd_kafka_conf_set_log_cb(conf.get(), quiet_log);
  if (log) {
    rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
    rd_kafka_conf_set_opaque(conf.get(), log);
  }
  auto rk = fastkafka::kafka::make_client(type, std::move(conf), err);
  if (!rk)
    throw std::runtime_error(err);
  return rk;
}

/// Enqueues one message; partition RD_KAFKA_PARTITION_UA lets the key pick.
inline rd_kafka_resp_err_t produce(rd_kafka_t* rk, const std::string& topic,
                                   const std::string& key,
                                   const std::string& value,
                                   int32_t partition = RD_KAFKA_PARTITION_UA) {
  return rd_kafka_producev(
      rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
      RD_KAFKA_V_KEY(key.data(), key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
}

/// Polls until `log` holds `count` reports or `timeout` passes.
inline bool wait_for_reports(rd_kafka_t* rk, const delivery_log& log,
                             size_t count,
                             std::chrono::milliseconds timeout = 20s) {
  auto deadline = clock_type::now() + timeout;
  while (log.errors.size() < count && clock_type::now() < deadline)
    rd_kafka_poll(rk, 50);
  return log.errors.size() >= count;
}

/// Partition count of `topic` from a metadata request, or -1.
inline int partition_count(rd_kafka_t* rk, const std::string& topic) {
  const rd_kafka_metadata_t* raw = nullptr;
  if (rd_kafka_metadata(rk, 1, nullptr, &raw, 10000) !=
      RD_KAFKA_RESP_ERR_NO_ERROR)
    return -1;
  fastkafka::kafka::metadata_ptr md{raw};
  for (int i = 0; i < md->topic_cnt; ++i)
    if (topic == md->topics[i].topic && md->topics[i].err == 0)
      return md->topics[i].partition_cnt;
  return -1;
}

// -- child processes --------------------------------------------------------

/// Owns a child process: the destructor stops it (TERM, then KILL) and reaps
/// it, so a failed check never leaves a broker or client running.
class child_process {
public:
  /// Starts `argv[0]` (an absolute path) with stdout and stderr as pipes,
  /// and stdin as a pipe when `pipe_stdin` (else /dev/null).
  ///
  /// fork/exec rather than posix_spawn: the child asks for SIGTERM when the
  /// suite dies, because a failed CAF_REQUIRE aborts without unwinding and
  /// no destructor would stop it.
  child_process(std::vector<std::string> argv, bool pipe_stdin = false) {
    int in[2] = {-1, -1}, out[2], err[2], exec_failed[2];
    // Writing to a child that already exited must fail, not kill the suite.
    if (pipe_stdin)
      signal(SIGPIPE, SIG_IGN);
    // O_CLOEXEC everywhere: a later child must not inherit an earlier child's
    // pipe ends, or readers never see EOF.
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 ||
        pipe2(exec_failed, O_CLOEXEC) != 0 ||
        (pipe_stdin && pipe2(in, O_CLOEXEC) != 0))
      throw std::runtime_error("pipe failed");
    std::vector<char*> args;
    for (auto& arg : argv)
      args.push_back(arg.data());
    args.push_back(nullptr);
    auto parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      // Only async-signal-safe calls from here on.
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent)
        _exit(127);
      int devnull = pipe_stdin ? -1 : open("/dev/null", O_RDONLY);
      dup2(pipe_stdin ? in[0] : devnull, 0);
      dup2(out[1], 1);
      dup2(err[1], 2);
      execv(args[0], args.data());
      int error = errno;
      [[maybe_unused]] auto n = ::write(exec_failed[1], &error, sizeof(error));
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    close(exec_failed[1]);
    if (pipe_stdin)
      close(in[0]);
    out_ = out[0];
    err_ = err[0];
    in_ = in[1];
    if (pid_ < 0) {
      close(exec_failed[0]);
      throw std::runtime_error("fork failed: " + std::string{strerror(errno)});
    }
    // The pipe closes on a successful exec; otherwise it carries errno.
    int error = 0;
    auto n = ::read(exec_failed[0], &error, sizeof(error));
    close(exec_failed[0]);
    if (n == sizeof(error)) {
      wait_exit(5s);
      throw std::runtime_error("cannot start " + argv[0] + ": " +
                               std::strerror(error));
    }
  }

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  ~child_process() {
    close_stdin();
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      if (!wait_exit(3s)) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
    }
    for (int fd : {out_, err_})
      if (fd >= 0)
        close(fd);
  }

  pid_t pid() const noexcept { return pid_; }

  /// Writes all of `data` to the child's stdin.
  bool write_stdin(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      auto n = ::write(in_, data.data() + done, data.size() - done);
      if (n <= 0)
        return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  void close_stdin() {
    if (in_ >= 0) {
      close(in_);
      in_ = -1;
    }
  }

  /// Reads one line from stdout (without '\n'), or nothing after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    auto deadline = clock_type::now() + timeout;
    for (;;) {
      if (auto pos = out_buf_.find('\n'); pos != std::string::npos) {
        auto line = out_buf_.substr(0, pos);
        out_buf_.erase(0, pos + 1);
        return line;
      }
      if (!read_some(out_, out_buf_, deadline))
        return std::nullopt;
    }
  }

  /// Reads stdout until EOF or `timeout`; returns everything not yet read.
  std::string read_all(std::chrono::milliseconds timeout) {
    auto deadline = clock_type::now() + timeout;
    while (read_some(out_, out_buf_, deadline)) {
      // keep reading
    }
    return std::exchange(out_buf_, {});
  }

  /// Reads what stderr has, waiting at most `timeout` for the first bytes.
  std::string read_stderr(std::chrono::milliseconds timeout) {
    std::string result;
    auto deadline = clock_type::now() + timeout;
    while (read_some(err_, result, deadline))
      deadline = clock_type::now() + 100ms;
    return result;
  }

  /// Waits for the child to end; returns its wait status, or nothing.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0)
      return status_;
    auto deadline = clock_type::now() + timeout;
    for (;;) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        status_ = status;
        return status;
      }
      if (clock_type::now() >= deadline)
        return std::nullopt;
      std::this_thread::sleep_for(20ms);
    }
  }

  /// Waits for the child and returns its exit code, or -1 when it did not
  /// exit normally within `timeout`.
  int exit_code(std::chrono::milliseconds timeout) {
    auto status = wait_exit(timeout);
    if (!status || !WIFEXITED(*status))
      return -1;
    return WEXITSTATUS(*status);
  }

private:
  static bool read_some(int fd, std::string& buf,
                        clock_type::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - clock_type::now());
    if (left.count() <= 0)
      return false;
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
      return false;
    char chunk[4096];
    auto n = ::read(fd, chunk, sizeof(chunk));
    if (n <= 0)
      return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  std::optional<int> status_;
  int out_ = -1;
  int err_ = -1;
  int in_ = -1;
  std::string out_buf_;
};

} // namespace fastkafka::test
