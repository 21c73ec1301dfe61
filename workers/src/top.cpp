#include "fastkafka/workers/top.hpp"

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <poll.h>
#include <pthread.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <thread>
#include <unistd.h>
#include <utility>

#include "fastkafka/workers/table.hpp"

#include "write_all.hpp"

namespace fastkafka::workers {

namespace {

std::string clock_text() {
  auto t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
  return buf;
}

// The terminal in the state `top` needs, put back when it goes (also when
// an exception unwinds).
class terminal_guard {
public:
  terminal_guard(int in_fd, int out_fd)
      : out_fd_(out_fd) {
    if (::isatty(in_fd) && ::tcgetattr(in_fd, &saved_) == 0) {
      in_fd_ = in_fd;
      auto raw = saved_;
      // Keys without Enter and without echo; ISIG stays, so Ctrl-C is
      // still SIGINT.
      raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
      raw.c_cc[VMIN] = 0;
      raw.c_cc[VTIME] = 0;
      ::tcsetattr(in_fd, TCSANOW, &raw);
    }
    // Alternate screen, cursor hidden.
    write_all(out_fd_, "\x1b[?1049h\x1b[?25l");
  }

  ~terminal_guard() { restore(); }

  void restore() {
    if (restored_)
      return;
    restored_ = true;
    write_all(out_fd_, "\x1b[?25h\x1b[?1049l");
    if (in_fd_ >= 0)
      ::tcsetattr(in_fd_, TCSANOW, &saved_);
  }

  terminal_guard(const terminal_guard&) = delete;
  terminal_guard& operator=(const terminal_guard&) = delete;

private:
  int in_fd_ = -1;
  int out_fd_;
  termios saved_{};
  bool restored_ = false;
};

// Collects on a thread of its own, so that keys and signals are answered
// while an endpoint is slow.
class poller {
public:
  poller(caf::actor_system& sys, std::vector<endpoint> where,
         top_options options)
      : sys_(sys)
      , where_(std::move(where))
      , options_(options) {
    if (::pipe2(ready_, O_CLOEXEC | O_NONBLOCK) != 0)
      throw std::runtime_error("cannot create a pipe");
    thread_ = std::thread{[this] { loop(); }};
  }

  ~poller() {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    ::close(ready_[0]);
    ::close(ready_[1]);
  }

  /// Readable when a new round is in.
  int ready_fd() const noexcept { return ready_[0]; }

  /// The newest round, once.
  std::optional<std::vector<member_report>> take() {
    char buf[64];
    while (::read(ready_[0], buf, sizeof(buf)) > 0) {
    }
    std::lock_guard<std::mutex> guard{mtx_};
    return std::exchange(latest_, std::nullopt);
  }

private:
  void loop() {
    for (;;) {
      auto round = collect(sys_, where_, options_.collect);
      std::unique_lock<std::mutex> lock{mtx_};
      latest_ = std::move(round);
      char byte = 1;
      auto ignored = ::write(ready_[1], &byte, 1);
      (void)ignored;
      if (cv_.wait_for(lock, options_.interval, [this] { return stop_; }))
        return;
    }
  }

  caf::actor_system& sys_;
  std::vector<endpoint> where_;
  top_options options_;
  int ready_[2] = {-1, -1};
  std::mutex mtx_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::optional<std::vector<member_report>> latest_;
  std::thread thread_;
};

std::string header(const top_options& options) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), "fastkafka top  %s  every %.3g s  q quits\n",
                clock_text().c_str(),
                static_cast<double>(options.interval.count()) / 1000.0);
  return buf;
}

// Draws one screen: every line cut to the width, no more lines than the
// terminal has, the rest of each line and of the screen cleared.
std::string screen(const std::vector<member_report>& members,
                   const top_options& options, int fd) {
  winsize ws{};
  size_t rows = 24;
  size_t cols = 80;
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
    rows = ws.ws_row;
    cols = ws.ws_col;
  }
  auto text = header(options) + render_summary(members) + "\n" +
              render_table(members, {.partitions = true, .width = cols});
  std::string out = "\x1b[H";
  size_t line_no = 0;
  size_t begin = 0;
  while (begin < text.size() && line_no < rows) {
    auto end = text.find('\n', begin);
    if (end == std::string::npos)
      end = text.size();
    auto line = text.substr(begin, std::min(end - begin, cols));
    out += line + "\x1b[K";
    if (++line_no < rows)
      out += "\r\n";
    begin = end + 1;
  }
  return out + "\x1b[J";
}

} // namespace

int run_top(caf::actor_system& sys, const std::vector<endpoint>& where,
            const top_options& options) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGWINCH);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int sfd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  bool tty = ::isatty(options.out_fd);
  std::optional<terminal_guard> term;
  if (tty)
    term.emplace(options.in_fd, options.out_fd);
  poller rounds{sys, where, options};
  bool keys = true;
  uint32_t shown = 0;
  std::optional<std::vector<member_report>> last;
  for (;;) {
    pollfd fds[3] = {{sfd, POLLIN, 0},
                     {rounds.ready_fd(), POLLIN, 0},
                     {keys ? options.in_fd : -1, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0 && errno != EINTR)
      break;
    bool quit = false;
    bool redraw = false;
    signalfd_siginfo info;
    while (sfd >= 0 && ::read(sfd, &info, sizeof(info)) ==
                           static_cast<ssize_t>(sizeof(info))) {
      if (info.ssi_signo == SIGWINCH)
        redraw = true;
      else
        quit = true;
    }
    if (keys && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) {
      char buf[64];
      auto n = ::read(options.in_fd, buf, sizeof(buf));
      if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR)))
        keys = false; // end of input: keys no longer come
      for (ssize_t i = 0; i < n; ++i)
        if (buf[i] == 'q' || buf[i] == 'Q')
          quit = true;
    }
    if (quit)
      break;
    if (auto round = rounds.take()) {
      last = std::move(round);
      redraw = true;
    }
    if (!redraw || !last)
      continue;
    if (tty) {
      write_all(options.out_fd, screen(*last, options, options.out_fd));
    } else {
      write_all(options.out_fd, "--- " + header(options) +
                                    render_summary(*last) +
                                    render_table(*last) + "\n");
    }
    if (options.iterations > 0 && ++shown >= options.iterations)
      break;
  }
  // The terminal first: the poller may still wait for a slow endpoint.
  if (term)
    term->restore();
  if (sfd >= 0)
    ::close(sfd);
  return 0;
}

} // namespace fastkafka::workers
