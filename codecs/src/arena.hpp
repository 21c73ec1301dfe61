#pragma once

/// A bump allocator that the JSON decoder's documents live in.

#include <boost/json/memory_resource.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

namespace fastkafka {
namespace detail {

/// Bump allocator whose blocks survive `rewind()`, so a thread that decodes
/// message after message stops allocating once it has seen its largest one.
///
/// Boost.JSON 1.81's monotonic_resource is not usable for this: its
/// `release()` frees the blocks and keeps doubling the next block size, so a
/// long-running decoder asks for ever larger blocks until allocation fails.
class arena_resource final : public boost::json::memory_resource {
public:
  arena_resource() = default;
  arena_resource(const arena_resource&) = delete;
  arena_resource& operator=(const arena_resource&) = delete;

  /// Makes all memory reusable; keeps at most `keep_bytes` of blocks so one
  /// giant message does not pin its memory forever.
  void rewind(std::size_t keep_bytes = 4 * 1024 * 1024) noexcept {
    std::size_t kept = 0;
    std::size_t n = 0;
    for (; n < blocks_.size(); ++n) {
      if (kept + blocks_[n].size > keep_bytes && n > 0)
        break;
      kept += blocks_[n].size;
    }
    blocks_.resize(n);
    current_ = 0;
    used_ = 0;
  }

private:
  struct block {
    std::unique_ptr<unsigned char[]> data;
    std::size_t size;
  };

  void* do_allocate(std::size_t n, std::size_t align) override {
    for (;;) {
      if (current_ < blocks_.size()) {
        auto& b = blocks_[current_];
        auto base = reinterpret_cast<std::uintptr_t>(b.data.get());
        auto start = (base + used_ + align - 1) & ~(align - 1);
        if (start + n <= base + b.size) {
          used_ = start + n - base;
          return reinterpret_cast<void*>(start);
        }
        if (current_ + 1 < blocks_.size()) {
          ++current_;
          used_ = 0;
          continue;
        }
      }
      auto size = std::max<std::size_t>(
          blocks_.empty() ? 16 * 1024 : blocks_.back().size * 2, n + align);
      blocks_.push_back(block{
          std::unique_ptr<unsigned char[]>(new unsigned char[size]), size});
      current_ = blocks_.size() - 1;
      used_ = 0;
    }
  }

  void do_deallocate(void*, std::size_t, std::size_t) override {
    // Freed all at once by rewind().
  }

  bool do_is_equal(const memory_resource& other) const noexcept override {
    return this == &other;
  }

  std::vector<block> blocks_;
  std::size_t current_ = 0;
  std::size_t used_ = 0;
};

} // namespace detail
} // namespace fastkafka

/// Deallocation is a no-op: lets Boost.JSON skip walking the DOM to destroy
/// it, which otherwise costs as much as a third of a decode.
template <>
struct boost::json::is_deallocate_trivial<fastkafka::detail::arena_resource>
    : std::true_type {};
