// The JSON parser behind json_decode (see json_parser.hpp): Boost.JSON's
// basic_parser with a DOM builder whose doubles are correctly rounded.

#include "fastkafka/codecs/detail/json_parser.hpp"

#include "arena.hpp"
#include "fastkafka/codecs/detail/json_number.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace fastkafka {
namespace detail {

namespace {

/// Whether the parse with notes attaches one to the double `d`.
bool gets_note(double d) noexcept {
  return std::isinf(d) || is_float_midpoint(d);
}

/// Boost.JSON's DOM builder (a value_stack, as in boost::json::parser) with
/// doubles read from their text (see json_number.hpp).
///
/// To attach notes, the handler runs in "ordinal" mode: it pushes each
/// double as its index into `numbers`, and `restore_numbers` then swaps the
/// indices for the values and attaches the notes. Indices survive what
/// Boost.JSON does to the document (a duplicate key moves the last value to
/// the first one's place), so every value gets its own note.
class dom_handler {
public:
  static constexpr std::size_t max_object_size =
      boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size =
      boost::json::string::max_size();

  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;

  /// A double of the ordinal parse and its note, if it gets one.
  struct number {
    double value;
    number_note* note;
  };

  boost::json::value_stack stack;

  /// Prepares for the next document, its values allocated from `sp`.
  void reset(boost::json::storage_ptr sp, bool ordinal) {
    stack.reset(std::move(sp));
    ordinal_ = ordinal;
    if (!numbers_.empty()) [[unlikely]] {
      numbers_.clear();
      notes_.clear();
    }
  }

  /// The doubles of the last ordinal parse, by index.
  const std::vector<number>& numbers() const noexcept { return numbers_; }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

  bool on_object_end(std::size_t n, error_code&) {
    stack.push_object(n);
    return true;
  }

  bool on_array_end(std::size_t n, error_code&) {
    stack.push_array(n);
    return true;
  }

  bool on_key_part(string_view s, std::size_t, error_code&) {
    stack.push_chars(s);
    return true;
  }

  bool on_key(string_view s, std::size_t, error_code&) {
    stack.push_key(s);
    return true;
  }

  bool on_string_part(string_view s, std::size_t, error_code&) {
    stack.push_chars(s);
    return true;
  }

  bool on_string(string_view s, std::size_t, error_code&) {
    stack.push_string(s);
    return true;
  }

  bool on_number_part(string_view, error_code& ec) {
    // Only called before waiting for more input, and parsed_json gives all
    // of it at once (more = false): every number arrives whole below.
    ec = boost::json::error::incomplete;
    return false;
  }

  bool on_int64(std::int64_t i, string_view s, error_code&) {
    // `-0` reads as the integer 0, but its value is the double -0.
    if (i == 0 && s.front() == '-') [[unlikely]]
      push_double(-0.0, {s.data(), s.size()});
    else
      stack.push_int64(i);
    return true;
  }

  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    stack.push_uint64(u);
    return true;
  }

  bool on_double(double approx, string_view s, error_code&) {
    std::string_view text{s.data(), s.size()};
    push_double(to_double(text, approx), text);
    return true;
  }

  bool on_bool(bool b, error_code&) {
    stack.push_bool(b);
    return true;
  }

  bool on_null(error_code&) {
    stack.push_null();
    return true;
  }

private:
  void push_double(double d, std::string_view text) {
    if (ordinal_) [[unlikely]]
      push_ordinal(d, text);
    else
      stack.push_double(d);
  }

  // Out of line: the common path above stays small inside the parser.
  [[gnu::noinline, gnu::cold]] void push_ordinal(double d,
                                                 std::string_view text) {
    number_note* note = gets_note(d) ? &notes_.emplace_back(text) : nullptr;
    stack.push_double(static_cast<double>(numbers_.size()));
    numbers_.push_back({d, note});
  }

  bool ordinal_ = false;
  std::vector<number> numbers_;
  std::deque<number_note> notes_; // stable addresses for storage_ptrs
};

/// Replaces the indices an ordinal parse left in `v` by their numbers.
void restore_numbers(boost::json::value& v,
                     const std::vector<dom_handler::number>& numbers) {
  switch (v.kind()) {
  case boost::json::kind::double_: {
    const auto& n = numbers[static_cast<std::size_t>(v.get_double())];
    if (n.note) {
      // A scalar owns nothing: rebuilding it in place with the note as its
      // storage leaks nothing and leaves its container as it was.
      v.~value();
      ::new (static_cast<void*>(&v))
          boost::json::value(n.value, boost::json::storage_ptr(n.note));
    } else {
      v.get_double() = n.value;
    }
    break;
  }
  case boost::json::kind::array:
    for (auto& x : v.get_array())
      restore_numbers(x, numbers);
    break;
  case boost::json::kind::object:
    for (auto& kv : v.get_object())
      restore_numbers(kv.value(), numbers);
    break;
  default:
    break;
  }
}

} // namespace

/// Parser and arena reused by every decode on one thread, so that decoding
/// message after message stops allocating once the largest has been seen.
struct parsed_json::state {
  arena_resource arena;
  boost::json::basic_parser<dom_handler> parser{boost::json::parse_options{}};
  bool busy = false;
};

parsed_json::state& parsed_json::thread_state() {
  thread_local state st;
  return st;
}

parsed_json::parsed_json(std::string_view in, bool with_notes,
                         decode_error& err)
    : st_(&thread_state()) {
  if (st_->busy) [[unlikely]] {
    // A decode within a decode (say, a describe_json that decodes its
    // examples): the thread's state holds the outer document.
    own_ = std::make_unique<state>();
    st_ = own_.get();
  }
  st_->busy = true;
  try {
    parse(in, with_notes, err);
  } catch (...) {
    release();
    throw;
  }
}

parsed_json::~parsed_json() {
  release();
}

void parsed_json::parse(std::string_view in, bool with_notes,
                        decode_error& err) {
  auto& parser = st_->parser;
  auto& handler = parser.handler();
  parser.reset();
  // Typed pointer: storage_ptr picks up is_deallocate_trivial from it.
  handler.reset(boost::json::storage_ptr(&st_->arena), with_notes);
  boost::json::error_code ec;
  auto n = parser.write_some(false, in.data(), in.size(), ec);
  if (!ec && n < in.size())
    ec = boost::json::error::extra_data;
  if (ec) [[unlikely]] {
    err.path = "$";
    err.message =
        "invalid JSON at offset " + std::to_string(n) + ": " + ec.message();
    return;
  }
  doc_.emplace(handler.stack.release());
  if (with_notes)
    restore_numbers(*doc_, handler.numbers());
}

void parsed_json::release() noexcept {
  // The document first: it lives in the arena rewound below.
  doc_.reset();
  st_->parser.reset();
  st_->parser.handler().reset({}, false);
  st_->arena.rewind();
  st_->busy = false;
}

} // namespace detail
} // namespace fastkafka
