// The prompt-travel rules of the humans world's sequence captions (gen/humans/captions.h):
// "a person runs forward then jumps" becomes "a person runs forward" over the first part
// of the motion and "a person jumps" over the last, so a model whose frames each read
// their own text is told which action is happening when. Written from the caption
// vocabulary's own sequence templates, so every phrasing the world writes is covered.
#include <algorithm>

#include <gen/error.h>
#include <gen/humans/captions.h>

#include "world_config.h"

namespace gen::humans {

namespace {

using nlohmann::json;

// A template cut at its placeholders: "{subject} {s1}, then {s2}" -> {subject}, {s1}, ", then", {s2}.
std::vector<std::string> template_parts(const std::string& text) {
  std::vector<std::string> parts;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find('{', at);
    if (open != at) {
      auto literal = text.substr(at, open == std::string::npos ? std::string::npos : open - at);
      literal.erase(0, literal.find_first_not_of(' '));
      literal.erase(literal.find_last_not_of(' ') + 1);
      if (!literal.empty()) parts.push_back(literal);
      if (open == std::string::npos) break;
    }
    const size_t close = text.find('}', open);
    if (close == std::string::npos) throw ModelError("captions.json: unclosed placeholder in '" + text + "'");
    parts.push_back(text.substr(open, close - open + 1));
    at = close + 1;
  }
  return parts;
}

struct SequenceRule {
  json rule;
  size_t literal_words = 0;  // more specific templates are tried first
};

SequenceRule sequence_rule(const std::string& text, const json& subjects, double first_until, double second_from) {
  SequenceRule out;
  json match = json::array();
  std::string subject, first, second;  // "{k}" of each placeholder's slot
  for (const auto& part : template_parts(text)) {
    const auto slot = "{" + std::to_string(match.size() + 1) + "}";
    if (part == "{subject}") {
      match.push_back(subjects);
      subject = slot;
    } else if (part == "{s1}" || part == "{ing1}") {
      match.push_back("**");
      first = part == "{s1}" ? slot : "is " + slot;
    } else if (part == "{s2}") {
      match.push_back("**");
      second = slot;
    } else if (part.front() == '{') {
      throw ModelError("captions.json: unknown placeholder " + part + " in sequence template '" + text + "'");
    } else {
      match.push_back(json::array({part}));
      out.literal_words += 1 + static_cast<size_t>(std::count(part.begin(), part.end(), ' '));
    }
  }
  if (subject.empty() || first.empty() || second.empty())
    throw ModelError("captions.json: sequence template '" + text + "' needs {subject}, {s1} or {ing1}, and {s2}");
  const auto one = subject + " " + first, two = subject + " " + second;
  json keys = json::array();
  for (const auto& [at, prompt] : {std::pair{0.0, one}, std::pair{first_until, one}, std::pair{second_from, two},
                                   std::pair{1.0, two}})
    keys.push_back(json{{"at", at}, {"prompt", prompt}});
  out.rule = json{{"match", match}, {"keyframes", keys}};
  return out;
}

}  // namespace

json sequence_travel_rules() {
  const auto& v = captions_config();
  json subjects = json::array();
  for (const auto& s : v.at("subjects")) subjects.push_back(s.at(0));
  const double first_until = config_at(v, "sequence_travel/first_until").get<double>();
  const double second_from = config_at(v, "sequence_travel/second_from").get<double>();
  if (!(first_until > 0 && first_until < second_from && second_from < 1))
    throw ModelError("captions.json: sequence_travel needs 0 < first_until < second_from < 1");
  std::vector<SequenceRule> rules;
  for (const auto& text : config_strings(v, "sequence"))
    rules.push_back(sequence_rule(text, subjects, first_until, second_from));
  std::stable_sort(rules.begin(), rules.end(),
                   [](const auto& a, const auto& b) { return a.literal_words > b.literal_words; });
  json out = json::array();
  for (auto& r : rules) out.push_back(std::move(r.rule));
  return json{{"rules", out}};
}

}  // namespace gen::humans
