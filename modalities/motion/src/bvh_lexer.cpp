#include "bvh_lexer.h"

#include <charconv>
#include <cmath>

#include <gen/error.h>

namespace gen::motion::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string shown(std::string_view token) {
  std::string s(token.substr(0, 40));
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
  return token.size() > 40 ? s + "..." : s;
}

}  // namespace

bool same_word(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

void BvhLexer::fail(const std::string& message) const {
  throw InputError(name_ + ":" + std::to_string(line_) + ": " + message);
}

void BvhLexer::skip_space() {
  while (pos_ < text_.size() && is_space(text_[pos_])) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
}

bool BvhLexer::at_end() {
  skip_space();
  return pos_ == text_.size();
}

std::string_view BvhLexer::token(const char* what) {
  if (at_end()) fail(std::string("the file ends where ") + what + " should be");
  const size_t start = pos_;
  while (pos_ < text_.size() && !is_space(text_[pos_])) ++pos_;
  return text_.substr(start, pos_ - start);
}

std::string_view BvhLexer::rest_of_line() {
  while (pos_ < text_.size() && text_[pos_] != '\n' && is_space(text_[pos_])) ++pos_;
  const size_t start = pos_;
  while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  size_t end = pos_;
  while (end > start && is_space(text_[end - 1])) --end;
  return text_.substr(start, end - start);
}

double BvhLexer::number(const char* what) {
  auto t = token(what);
  auto text = t;
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    fail(std::string(what) + " '" + shown(t) + "' is not a number");
  if (!std::isfinite(value) || std::abs(value) > 1e9) fail(std::string(what) + " '" + shown(t) + "' is out of range");
  return value;
}

int64_t BvhLexer::count(const char* what, int64_t max) {
  auto t = token(what);
  int64_t value = 0;
  const auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (error == std::errc::result_out_of_range || (error == std::errc() && end == t.data() + t.size() && value > max))
    fail(std::string(what) + " " + shown(t) + " is over the limit of " + std::to_string(max));
  if (error != std::errc() || end != t.data() + t.size() || value < 0)
    fail(std::string(what) + " '" + shown(t) + "' is not a non-negative integer");
  return value;
}

void BvhLexer::expect(std::string_view keyword) {
  auto t = token(std::string(keyword).c_str());
  if (!same_word(t, keyword)) fail("expected " + std::string(keyword) + ", found '" + shown(t) + "'");
}

}  // namespace gen::motion::detail
