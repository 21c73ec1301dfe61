#include "line_prefixer.hpp"

#include "write_all.hpp"

namespace fastkafka::workers {

namespace {

// A line longer than this is written in pieces, each with the prefix, so
// that a child printing without newlines cannot grow the parent's memory.
constexpr size_t max_line = 64 * 1024;

} // namespace

line_prefixer::line_prefixer(int fd, std::string prefix)
    : fd_(fd)
    , prefix_(std::move(prefix)) {}

void line_prefixer::feed(const char* data, size_t n) {
  std::string out;
  size_t begin = 0;
  for (size_t i = 0; i < n; ++i) {
    if (data[i] != '\n')
      continue;
    out += prefix_;
    out += partial_;
    out.append(data + begin, i + 1 - begin);
    partial_.clear();
    begin = i + 1;
  }
  partial_.append(data + begin, n - begin);
  if (partial_.size() >= max_line) {
    out += prefix_ + partial_ + '\n';
    partial_.clear();
  }
  if (!out.empty())
    write_all(fd_, out);
}

void line_prefixer::flush() {
  if (partial_.empty())
    return;
  write_all(fd_, prefix_ + partial_ + '\n');
  partial_.clear();
}

} // namespace fastkafka::workers
