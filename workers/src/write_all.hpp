#pragma once

// Writing to a file descriptor until everything is out.

#include <string_view>

namespace fastkafka::workers {

/// Writes all of `text` to `fd`, again after EINTR and short writes; gives
/// up silently when the descriptor is gone (nothing better can be done
/// with one's own output).
void write_all(int fd, std::string_view text) noexcept;

} // namespace fastkafka::workers
