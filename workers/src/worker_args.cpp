#include "fastkafka/workers/worker_args.hpp"

#include <charconv>
#include <cstdlib>

namespace fastkafka::workers {

namespace {

bool parse_int(const char* text, int& out) {
  if (text == nullptr || *text == '\0')
    return false;
  std::string_view s{text};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

} // namespace

worker_identity this_worker() {
  worker_identity out;
  int index = 0;
  int count = 0;
  if (parse_int(std::getenv(worker_index_env), index) &&
      parse_int(std::getenv(worker_count_env), count) && index >= 0 &&
      count > index) {
    out.is_worker = true;
    out.index = index;
    out.count = count;
  }
  if (const char* parent = std::getenv(stats_parent_env); parent && *parent)
    out.stats_parent = parent;
  return out;
}

std::vector<std::string>
strip_options(const std::vector<std::string>& args,
              std::span<const std::string_view> options) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg{args[i]};
    if (arg == "--") {
      out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    bool dropped = false;
    for (auto name : options) {
      if (arg == name) {
        ++i; // the value
        dropped = true;
        break;
      }
      if (arg.size() > name.size() && arg.substr(0, name.size()) == name &&
          arg[name.size()] == '=') {
        dropped = true;
        break;
      }
    }
    if (!dropped)
      out.push_back(args[i]);
  }
  return out;
}

} // namespace fastkafka::workers
