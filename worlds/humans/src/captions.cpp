#include <gen/humans/captions.h>

#include <algorithm>

#include <gen/seeded_rng.h>

#include "world_config.h"

namespace gen::humans {

namespace {

struct Subject {
  std::string noun, possessive;
};

struct Clause {
  std::string present, progressive;  // "walks slowly forward", "walking slowly forward"
};

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

const nlohmann::json& vocabulary() { return captions_config(); }

// A phrase list for a parameter: the action's own wording if it has one, else the shared one.
std::vector<std::string> phrases(const char* shared, const char* per_action, const std::string& action,
                                 const std::string& value) {
  const auto& v = vocabulary();
  if (v.contains(per_action) && v[per_action].contains(action) && v[per_action][action].contains(value))
    return config_strings(v, std::string(per_action) + "/" + action + "/" + value);
  return config_strings(v, std::string(shared) + "/" + value);
}

std::pair<std::string, std::string> pick_verb(const nlohmann::json& list, Rng& rng) {
  const auto& verb = list[static_cast<size_t>(rng.uniform() * static_cast<double>(list.size()))];
  return {verb[0].get<std::string>(), verb[1].get<std::string>()};
}

Clause clause(const ActionSpec& a, const Subject& subject, Rng& rng) {
  const auto& words = vocabulary().at("actions").at(a.action);
  bool speed_said = false;
  std::pair<std::string, std::string> verb;
  if (!a.speed.empty() && words.contains("speed_verbs") && words["speed_verbs"].contains(a.speed) && rng.chance(0.4)) {
    verb = pick_verb(words["speed_verbs"][a.speed], rng);
    speed_said = true;
  } else {
    verb = pick_verb(words.at("verbs"), rng);
  }
  std::vector<std::string> modifiers;
  if (!a.direction.empty()) modifiers.push_back(rng.pick(phrases("directions", "action_directions", a.action, a.direction)));
  if (!a.speed.empty() && !speed_said) modifiers.push_back(rng.pick(phrases("speeds", "action_speeds", a.action, a.speed)));
  if (!a.repetitions.empty()) modifiers.push_back(rng.pick(config_strings(vocabulary(), "repetitions/" + a.repetitions)));
  const bool sided_verb = verb.first.find("{side}") != std::string::npos;
  if (!a.side.empty() && !sided_verb && vocabulary().at("sides").contains(a.action))
    modifiers.push_back(rng.pick(config_strings(vocabulary(), "sides/" + a.action)));
  modifiers.erase(std::remove(modifiers.begin(), modifiers.end(), ""), modifiers.end());
  // Modifiers in a random order: "walks slowly forward", "walks forward slowly".
  for (size_t i = modifiers.size(); i > 1; --i) std::swap(modifiers[i - 1], modifiers[static_cast<size_t>(rng.uniform() * i)]);
  std::string tail;
  for (const auto& m : modifiers) tail += " " + m;
  auto fill = [&](std::string text) {
    text = replace_all(text, "{pos}", subject.possessive);
    text = replace_all(text, "{side}", a.side);
    if (!a.side.empty()) text = replace_all(text, "{sense}", config_at(vocabulary(), "senses/" + a.side).get<std::string>());
    return text;
  };
  return {fill(verb.first + tail), fill(verb.second + tail)};
}

std::string one_caption(const MotionSpec& spec, Rng& rng) {
  const auto& v = vocabulary();
  const auto& subjects = v.at("subjects");
  const auto& s = subjects[static_cast<size_t>(rng.uniform() * static_cast<double>(subjects.size()))];
  const Subject subject{s[0].get<std::string>(), s[1].get<std::string>()};
  std::vector<Clause> clauses;
  for (const auto& a : spec.actions) clauses.push_back(clause(a, subject, rng));
  std::string text;
  if (clauses.size() == 1) {
    text = rng.pick(config_strings(v, "single"));
    text = replace_all(text, "{s}", clauses[0].present);
    text = replace_all(text, "{ing}", clauses[0].progressive);
  } else {
    text = rng.pick(config_strings(v, "sequence"));
    text = replace_all(text, "{s1}", clauses[0].present);
    text = replace_all(text, "{ing1}", clauses[0].progressive);
    text = replace_all(text, "{s2}", clauses[1].present);
  }
  return replace_all(text, "{subject}", subject.noun);
}

}  // namespace

std::vector<std::string> caption_motion(const MotionSpec& spec, uint64_t seed, int count) {
  check_motion_spec(spec);
  Rng rng(seed);
  std::vector<std::string> out;
  for (int attempt = 0; attempt < 20 * count && static_cast<int>(out.size()) < count; ++attempt) {
    auto caption = one_caption(spec, rng);
    if (std::find(out.begin(), out.end(), caption) == out.end()) out.push_back(caption);
  }
  return out;
}

}  // namespace gen::humans
