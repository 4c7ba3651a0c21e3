// Whitespace-separated tokens of a BVH file with their line numbers, and numbers parsed
// strictly (whole token, finite, within range), so every error can name its line.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace gen::motion::detail {

class BvhLexer {
 public:
  BvhLexer(std::string_view text, std::string name) : text_(text), name_(std::move(name)) {}

  bool at_end();                      // only whitespace left
  std::string_view token(const char* what);  // the next token; at the end: "<what> expected"
  std::string_view rest_of_line();    // the rest of the current line, trimmed (may be empty)
  double number(const char* what);    // a finite decimal number of magnitude <= 1e9
  int64_t count(const char* what, int64_t max);  // a non-negative integer <= max
  void expect(std::string_view keyword);         // the next token, compared ignoring case
  size_t remaining() const { return text_.size() - pos_; }
  int line() const { return line_; }
  [[noreturn]] void fail(const std::string& message) const;  // gen::InputError "name:line: message"

 private:
  void skip_space();
  std::string_view text_;
  std::string name_;
  size_t pos_ = 0;
  int line_ = 1;
};

bool same_word(std::string_view a, std::string_view b);  // ASCII case-insensitive

}  // namespace gen::motion::detail
