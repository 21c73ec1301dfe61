#pragma once

// The nested model both fuzz targets decode into: every kind of field the
// codecs support, a recursive record, and rules from a json_model.

#include <boost/describe.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fuzz {

enum class color { red, green, blue };
BOOST_DESCRIBE_ENUM(color, red, green, blue)

struct item {
  std::string sku;
  double price = 0;
  uint32_t qty = 0;
  int8_t small = 0;
  uint16_t medium = 0;
};
BOOST_DESCRIBE_STRUCT(item, (), (sku, price, qty, small, medium))

struct tree {
  std::string name;
  std::vector<tree> children;
};
BOOST_DESCRIBE_STRUCT(tree, (), (name, children))

struct order {
  int64_t id = 0;
  std::vector<item> items;
  std::optional<std::string> note;
  color tint = color::red;
  std::chrono::system_clock::time_point at;
  std::map<std::string, int> tags;
  bool paid = false;
  std::optional<item> gift;
  float weight = 0;
  uint64_t big = 0;
  std::vector<std::optional<int64_t>> scores;
  std::vector<bool> flags;
  tree root;
};
BOOST_DESCRIBE_STRUCT(order, (),
                      (id, items, note, tint, at, tags, paid, gift, weight, big,
                       scores, flags, root))

struct reading {
  int64_t id = 0;
  double value = 0;
  std::string name;
};
BOOST_DESCRIBE_STRUCT(reading, (), (id, value, name))

} // namespace fuzz
