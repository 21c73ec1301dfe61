#pragma once

/// Debian's python3 as the independent reader and writer of the codec tests.

// The suites that include this define FASTKAFKA_SYSTEM_PYTHON: the system
// interpreter, not a pyenv shim, so that the Debian python3-* modules load.

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fastkafka::test {

/// Writes `text` to a fresh file under /tmp; returns its path, "" on failure.
inline std::string write_temp(const std::string& text) {
  char path[] = "/tmp/fastkafka_codecs_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    return "";
  close(fd);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

/// Runs `command` through the shell and returns what it wrote to standard
/// output, prefixed with "command failed: " if it exited non-zero.
inline std::string run_command(const std::string& command) {
  std::string result;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
      result.append(buf, n);
    if (pclose(p) != 0)
      result = "command failed: " + result;
  }
  return result;
}

/// Runs the python source `script` with the single argument `arg`.
inline std::string run_python(const std::string& script,
                              const std::string& arg) {
  auto path = write_temp(script);
  if (path.empty())
    return "cannot write the script";
  auto out = run_command(std::string{FASTKAFKA_SYSTEM_PYTHON} + " " + path +
                         " '" + arg + "'");
  std::remove(path.c_str());
  return out;
}

} // namespace fastkafka::test
