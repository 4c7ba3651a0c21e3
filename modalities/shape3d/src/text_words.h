// The small text-parsing pieces gen's own readers of text 3D formats share (PCD, OFF,
// STL): lines without their comments, whitespace-separated words, and numbers parsed
// with std::from_chars — locale-independent, and every word must be all number.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gen::shape3d::detail {

// The words of one line, split at spaces, tabs and carriage returns.
std::vector<std::string_view> words(std::string_view line);

// Throws std::invalid_argument naming `what` unless `word` is a whole number in [lo, hi].
int64_t whole_number(std::string_view word, const std::string& what, int64_t lo, int64_t hi);

// Throws std::invalid_argument unless `word` is a number ("nan" and "inf" are numbers:
// the caller decides what to do with them).
double real_number(std::string_view word);

// Walks a text body line by line, giving the words of each line that has any once
// everything from `comment` on is cut (0: no comments). `line()` is 1-based, for errors.
class TextLines {
 public:
  explicit TextLines(std::string_view text, char comment = 0) : text_(text), comment_(comment) {}
  // False at the end of the text.
  bool next(std::vector<std::string_view>& out);
  int64_t line() const { return line_; }
  size_t offset() const { return at_; }  // the byte after the last line given

 private:
  std::string_view text_;
  char comment_;
  size_t at_ = 0;
  int64_t line_ = 0;
};

}  // namespace gen::shape3d::detail
