#include "write_all.hpp"

#include <cerrno>
#include <unistd.h>

namespace fastkafka::workers {

void write_all(int fd, std::string_view text) noexcept {
  size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    done += static_cast<size_t>(n);
  }
}

} // namespace fastkafka::workers
