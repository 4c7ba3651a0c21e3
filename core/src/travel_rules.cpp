// Word-level matching for prompt-travel rules (gen/travel_rules.h). Not std::regex: a
// rules file is data a model ships, and a backtracking regex turns a hostile pattern into
// a hang; this matcher memoises (slot, word) so any file matches in polynomial time.
#include <gen/travel_rules.h>

#include <cctype>
#include <utility>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/json_file.h>

namespace gen {

namespace {

constexpr size_t kMaxSlots = 64, kMaxKeyframes = 256;

struct Token {
  std::string lower;   // the word, lower-cased (ASCII)
  size_t begin, end;   // its bytes in the text
  bool word;           // a word (not punctuation)
};

bool word_byte(unsigned char c) { return std::isalnum(c) || c == '\'' || c == '#' || c == '-' || c >= 0x80; }

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    if (word_byte(c))
      while (j < text.size() && word_byte(static_cast<unsigned char>(text[j]))) ++j;
    Token t{std::string(text.substr(i, j - i)), i, j, word_byte(c)};
    for (auto& ch : t.lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.push_back(std::move(t));
    i = j;
  }
  return out;
}

// Collapses runs of spaces (an empty capture leaves two) and trims the ends.
std::string tidy(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

struct TravelRules::Rule {
  struct Slot {
    bool any = false;                              // "*": one word
    bool span = false;                             // "**": one or more tokens, as many as fit
    std::vector<std::vector<std::string>> phrases;  // lower-cased words; empty = optional
  };
  std::vector<Slot> slots;
  std::vector<TravelKeyframe> keyframes;  // prompts are templates with {k}

  // Where slots [i, end) can match starting at word p: the end word of slot i's choice,
  // or -1. Memoised in `memo` ((slots + 1) x (n + 1), -2 = unknown).
  int64_t step(const std::vector<Token>& words, size_t i, size_t p, std::vector<int64_t>& memo) const {
    const size_t n = words.size();
    auto& cell = memo[i * (n + 1) + p];
    if (cell != -2) return cell;
    cell = -1;
    if (i == slots.size()) return cell = static_cast<int64_t>(p);
    const auto& slot = slots[i];
    auto tries = [&](size_t end) { return end <= n && step(words, i + 1, end, memo) != -1; };
    if (slot.any) {
      if (p < n && words[p].word && tries(p + 1)) cell = static_cast<int64_t>(p + 1);
      return cell;
    }
    if (slot.span) {
      for (size_t end = n; end > p; --end)
        if (tries(end)) return cell = static_cast<int64_t>(end);
      return cell;
    }
    for (const auto& phrase : slot.phrases) {
      if (p + phrase.size() > n) continue;
      bool same = true;
      for (size_t k = 0; k < phrase.size() && same; ++k) same = words[p + k].lower == phrase[k];
      if (same && tries(p + phrase.size())) return cell = static_cast<int64_t>(p + phrase.size());
    }
    return cell;
  }
};

namespace {

using Rule = TravelRules::Rule;

Rule::Slot read_slot(const nlohmann::json& j, const std::string& where) {
  Rule::Slot slot;
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    if (s != "*" && s != "**") throw InputError(where + ": a slot is \"*\", \"**\" or a list of phrases");
    (s == "*" ? slot.any : slot.span) = true;
    return slot;
  }
  if (!j.is_array() || j.empty())
    throw InputError(where + ": a slot is \"*\", \"**\" or a non-empty list of phrases");
  for (const auto& p : j) {
    std::vector<std::string> words;
    for (const auto& t : tokenize(p.get<std::string>())) words.push_back(t.lower);
    slot.phrases.push_back(std::move(words));
  }
  return slot;
}

// The slot number of a "{k}" at text[i] (1 to 3 digits) and the index of its '}'; 0 when
// text[i] starts no such reference.
std::pair<size_t, size_t> slot_reference(const std::string& text, size_t i) {
  if (text[i] != '{') return {0, 0};
  const size_t close = text.find('}', i);
  if (close == std::string::npos || close == i + 1 || close - i - 1 > 3) return {0, 0};
  const auto inside = text.substr(i + 1, close - i - 1);
  if (inside.find_first_not_of("0123456789") != std::string::npos) return {0, 0};
  return {std::stoul(inside), close};
}

// Checks that every {k} in a keyframe prompt names a slot.
void check_template(const std::string& text, size_t slots, const std::string& where) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto [k, close] = slot_reference(text, i);
    if (close != 0 && (k < 1 || k > slots))
      throw InputError(where + ": {" + std::to_string(k) + "} names no slot (the match has " + std::to_string(slots) + ")");
  }
}

Rule read_rule(const nlohmann::json& j, const std::string& where) {
  Rule rule;
  const auto& match = j.at("match");
  if (!match.is_array() || match.empty() || match.size() > kMaxSlots)
    throw InputError(where + ": match must list 1 to " + std::to_string(kMaxSlots) + " slots");
  for (const auto& s : match) rule.slots.push_back(read_slot(s, where));
  const auto& keyframes = j.at("keyframes");
  if (!keyframes.is_array() || keyframes.size() < 2 || keyframes.size() > kMaxKeyframes)
    throw InputError(where + ": a rule needs 2 to " + std::to_string(kMaxKeyframes) + " keyframes");
  for (const auto& k : keyframes) {
    TravelKeyframe key{k.at("at").get<double>(), k.at("prompt").get<std::string>()};
    if (!(key.at >= 0 && key.at <= 1) || (!rule.keyframes.empty() && !(key.at > rule.keyframes.back().at)))
      throw InputError(where + ": keyframe times must rise within [0, 1]");
    check_template(key.prompt, rule.slots.size(), where);
    rule.keyframes.push_back(std::move(key));
  }
  return rule;
}

// The template with {k} replaced by slot k's words.
std::string fill(const std::string& text, const std::vector<std::string>& captures) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto [k, close] = slot_reference(text, i);
    if (close != 0 && k >= 1 && k <= captures.size()) {
      out += captures[k - 1];
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

TravelRules TravelRules::parse(std::string_view json, const std::string& where) {
  TravelRules out;
  try {
    const auto j = nlohmann::json::parse(json);
    const auto& rules = j.at("rules");
    if (!rules.is_array()) throw InputError(where + ": \"rules\" must be a list");
    for (const auto& r : rules)
      out.rules_.push_back(std::make_shared<const Rule>(read_rule(r, where + ": rule " + std::to_string(out.size() + 1))));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where + ": " + e.what() +
                     " (expected {\"rules\": [{\"match\": [slots], \"keyframes\": [{\"at\", \"prompt\"}]}]})");
  }
  return out;
}

TravelRules TravelRules::load(const std::filesystem::path& file) {
  return parse(read_json_file(file, "prompt travel rules").dump(), file.string());
}

std::vector<TravelKeyframe> TravelRules::keyframes_for(const std::string& prompt) const {
  const auto words = tokenize(prompt);
  for (const auto& rule : rules_) {
    std::vector<int64_t> memo((rule->slots.size() + 1) * (words.size() + 1), -2);
    for (size_t start = 0; start <= words.size(); ++start) {
      if (rule->step(words, 0, start, memo) == -1) continue;
      std::vector<std::string> captures;
      size_t p = start;
      for (size_t i = 0; i < rule->slots.size(); ++i) {
        const auto end = static_cast<size_t>(rule->step(words, i, p, memo));
        size_t first = p, last = end;
        if (rule->slots[i].span) {  // its marks at the edges ("runs," before "then") are not its words
          while (first < last && !words[first].word) ++first;
          while (last > first && !words[last - 1].word) --last;
        }
        captures.push_back(last > first ? prompt.substr(words[first].begin, words[last - 1].end - words[first].begin) : "");
        p = end;
      }
      if (p == start) continue;  // an all-optional match of no words changes nothing
      const size_t begin = words[start].begin, finish = words[p - 1].end;
      std::vector<TravelKeyframe> out;
      for (const auto& k : rule->keyframes)
        out.push_back({k.at, tidy(prompt.substr(0, begin) + fill(k.prompt, captures) + prompt.substr(finish))});
      return out;
    }
  }
  return {};
}

torch::Tensor keyframe_weights(const std::vector<TravelKeyframe>& keyframes, int64_t frames) {
  if (keyframes.empty() || frames < 1) throw Error("keyframe_weights needs keyframes and at least one frame");
  const auto n = static_cast<int64_t>(keyframes.size());
  auto w = torch::zeros({frames, n});
  auto a = w.accessor<float, 2>();
  for (int64_t f = 0; f < frames; ++f) {
    const double t = frames > 1 ? static_cast<double>(f) / static_cast<double>(frames - 1) : 0.0;
    int64_t k = 0;
    while (k + 1 < n && keyframes[static_cast<size_t>(k + 1)].at <= t) ++k;
    const double from = keyframes[static_cast<size_t>(k)].at;
    if (k + 1 == n || t <= from) {  // before the first keyframe, on one, or after the last
      a[f][k] = 1;
      continue;
    }
    const double s = (t - from) / (keyframes[static_cast<size_t>(k + 1)].at - from);
    a[f][k] = static_cast<float>(1 - s);
    a[f][k + 1] = static_cast<float>(s);
  }
  return w;
}

}  // namespace gen
