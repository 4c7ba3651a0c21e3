#include "text_words.h"

#include <charconv>
#include <stdexcept>

namespace gen::shape3d::detail {

namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
}  // namespace

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && is_space(line[at])) ++at;
    const size_t begin = at;
    while (at < line.size() && !is_space(line[at])) ++at;
    if (at > begin) out.push_back(line.substr(begin, at - begin));
  }
  return out;
}

int64_t whole_number(std::string_view word, const std::string& what, int64_t lo, int64_t hi) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || end != word.data() + word.size() || v < lo || v > hi)
    throw std::invalid_argument(what + " \"" + std::string(word.substr(0, 32)) + "\" is not a whole number in [" +
                                std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

double real_number(std::string_view word) {
  // from_chars does not take the leading '+' some writers put before exponents' mantissas.
  if (!word.empty() && word[0] == '+') word.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || end != word.data() + word.size() || word.empty())
    throw std::invalid_argument("a value \"" + std::string(word.substr(0, 32)) + "\" is not a number");
  return v;
}

bool TextLines::next(std::vector<std::string_view>& out) {
  while (at_ < text_.size()) {
    size_t end = text_.find('\n', at_);
    if (end == std::string_view::npos) end = text_.size();
    auto line = text_.substr(at_, end - at_);
    at_ = end + 1;
    ++line_;
    if (comment_ != 0) line = line.substr(0, line.find(comment_));
    out = words(line);
    if (!out.empty()) return true;
  }
  at_ = text_.size();
  return false;
}

}  // namespace gen::shape3d::detail
