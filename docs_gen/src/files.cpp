#include "fastkafka/docs/docs.hpp"

#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

namespace fastkafka::docs {

namespace fs = std::filesystem;

fs::path layout::spec_file() const {
  return root / "asyncapi" / "spec" / "asyncapi.yml";
}

fs::path layout::site_dir() const {
  return root / "asyncapi" / "docs";
}

fs::path layout::default_tooling_dir() const {
  return root / "asyncapi" / ".tooling";
}

write_result write_if_changed(const fs::path& path, const std::string& content,
                              std::error_code& ec) {
  ec.clear();
  write_result res{path, false};
  {
    std::ifstream in{path, std::ios::binary};
    if (in) {
      std::string old{std::istreambuf_iterator<char>{in},
                      std::istreambuf_iterator<char>{}};
      if (old == content)
        return res;
    }
  }
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec)
      return res;
  }
  // Write beside and rename, so that a reader (or `docs serve`) never sees
  // half a file.
  auto tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out{tmp, std::ios::binary | std::ios::trunc};
    out << content;
    out.flush();
    if (!out) {
      ec = std::make_error_code(std::errc::io_error);
      fs::remove(tmp, ec);
      ec = std::make_error_code(std::errc::io_error);
      return res;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return res;
  }
  res.changed = true;
  return res;
}

write_result write_spec(const app_description& app, const layout& where,
                        asyncapi_version v, std::error_code& ec) {
  return write_if_changed(where.spec_file(), to_yaml(to_asyncapi(app, v)), ec);
}

write_result write_spec(const app_description& app, const layout& where,
                        asyncapi_version v) {
  std::error_code ec;
  auto res = write_spec(app, where, v, ec);
  if (ec)
    throw std::system_error(ec, "cannot write " + res.path.string());
  return res;
}

} // namespace fastkafka::docs
