#pragma once

// Reading the text tables of `status` and `top` in tests.

#include <sstream>
#include <string>
#include <vector>

/// The first line of `text` that contains `part`; empty when none does.
inline std::string line_with(const std::string& text, const std::string& part) {
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (line.find(part) != std::string::npos)
      return line;
  return {};
}

/// The last `n` cells of a table row: a row's STATE may hold spaces, so
/// the fixed columns are counted from the end.
inline std::vector<std::string> tail_cells(const std::string& line, size_t n) {
  std::istringstream in{line};
  std::vector<std::string> cells;
  for (std::string c; in >> c;)
    cells.push_back(c);
  if (cells.size() < n)
    return {};
  return std::vector<std::string>(cells.end() - static_cast<long>(n),
                                  cells.end());
}
