#pragma once

// Splits the bytes of a child's output into lines and writes each with a
// prefix, so that lines of several workers interleave whole, never mixed.

#include <string>

namespace fastkafka::workers {

/// Prefixes the lines of one output stream of one process.
class line_prefixer {
public:
  /// Writes to file descriptor `fd`, each line starting with `prefix`.
  line_prefixer(int fd, std::string prefix);

  /// Takes `n` more bytes; writes every line they complete.
  void feed(const char* data, size_t n);

  /// Writes what is left of an unterminated last line, with a newline.
  void flush();

private:
  int fd_;
  std::string prefix_;
  std::string partial_;
};

} // namespace fastkafka::workers
