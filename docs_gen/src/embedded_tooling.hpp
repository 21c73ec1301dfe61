#pragma once

// The Node project of docs_gen/node, compiled into the library by CMake
// (see embedded_tooling.cpp.in) so that `docs install_deps` needs no source
// tree.

#include <span>
#include <string_view>

namespace fastkafka::docs::embedded {

/// One file of the Node project.
struct file {
  const char* name;
  std::string_view content;
};

/// package.json, package-lock.json and the scripts.
std::span<const file> tooling_files() noexcept;

} // namespace fastkafka::docs::embedded
