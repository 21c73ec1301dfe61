#pragma once

/// The parser behind json_decode: a Boost.JSON DOM with correctly rounded
/// numbers, in a per-thread arena.

#include "fastkafka/codecs/codec.hpp"

#include <boost/json/memory_resource.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>

namespace fastkafka {
namespace detail {

// Parsing keeps doubles, not their texts. A few decodes need a text after
// all: a float field whose double lies halfway between two floats (the text
// may be on either side; see is_float_midpoint) and an error message about
// a number that overflows a double (it shows the text). Such a decode throws
// number_text_needed, and parse_json parses the document once more, this
// time attaching the text to each of those doubles as a number_note.

/// Thrown by a decoder that needs the text of a number (see note_for).
struct number_text_needed {};

/// The JSON text of a double, attached to its DOM value as the value's
/// storage: the DOM has no other place per value, and the decoders look for
/// a note only on the rare doubles above. A scalar never allocates; should
/// anything ask, the note hands out heap memory.
class number_note final : public boost::json::memory_resource {
public:
  explicit number_note(std::string_view text)
      : text_(text) {}

  std::string_view text() const noexcept { return text_; }

private:
  void* do_allocate(std::size_t n, std::size_t align) override {
    return ::operator new (n, std::align_val_t{align});
  }

  void do_deallocate(void* p, std::size_t, std::size_t align) override {
    ::operator delete (p, std::align_val_t{align});
  }

  bool do_is_equal(const memory_resource& other) const noexcept override {
    return this == &other;
  }

  std::string text_;
};

/// The note of the number `v`, an infinite double or one halfway between two
/// floats; throws number_text_needed if the document has no notes.
[[gnu::cold]] inline const number_note& note_for(const boost::json::value& v) {
  if (auto* note = dynamic_cast<const number_note*>(v.storage().get()))
    return *note;
  throw number_text_needed{};
}

/// One JSON document, parsed into the thread's arena (json_parser.cpp,
/// where Boost.JSON's parser is compiled once with the library's flags, not
/// inlined or not at the whim of each translation unit that decodes JSON).
class parsed_json {
public:
  /// Parses `in`, attaching notes to the doubles that need them if
  /// `with_notes`. Invalid JSON leaves `document()` null and fills `err` (at
  /// `$`, with the offset).
  parsed_json(std::string_view in, bool with_notes, decode_error& err);

  /// Gives the arena back for the next document.
  ~parsed_json();

  parsed_json(const parsed_json&) = delete;
  parsed_json& operator=(const parsed_json&) = delete;

  /// The document, or null if `in` was not JSON.
  const boost::json::value* document() const noexcept {
    return doc_ ? &*doc_ : nullptr;
  }

private:
  struct state;
  static state& thread_state();
  void parse(std::string_view in, bool with_notes, decode_error& err);
  void release() noexcept;

  std::unique_ptr<state> own_; // for a decode within a decode on one thread
  state* st_;
  std::optional<boost::json::value> doc_;
};

/// Parses `in` and calls `fn(const boost::json::value&)` with the document,
/// which lives until `fn` returns; returns what `fn` returns, or false for
/// invalid JSON (see parsed_json). `fn` may be called a second time, on the
/// document with notes, if the first call throws number_text_needed.
template <class Fn>
bool parse_json(std::string_view in, decode_error& err, Fn&& fn) {
  {
    parsed_json doc{in, false, err};
    if (!doc.document()) [[unlikely]]
      return false;
    try {
      return fn(*doc.document());
    } catch (const number_text_needed&) {
      // Rare: start over below, on the document with notes.
    }
  }
  parsed_json doc{in, true, err};
  return doc.document() && fn(*doc.document());
}

} // namespace detail
} // namespace fastkafka
