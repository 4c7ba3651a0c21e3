#include <gen/humans/heldout_split.h>

#include <algorithm>

#include <gen/error.h>
#include <gen/seeded_rng.h>

#include "world_config.h"

namespace gen::humans {

namespace {

const std::string& parameter(const ActionSpec& a, const std::string& kind) {
  if (kind == "direction") return a.direction;
  if (kind == "speed") return a.speed;
  if (kind == "side") return a.side;
  if (kind == "repetitions") return a.repetitions;
  throw Error("configs/humans/splits.json: unknown held-out kind '" + kind + "'");
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Within a sequence: repetitions only from sequences/repetitions, directions none of
// sequences/directions_excluded, so that two actions fit a short clip.
std::vector<std::string> sequence_values(std::vector<std::string> values, const char* kind) {
  const auto& c = actions_config();
  const auto keep = config_strings(c, "sequences/repetitions"), drop = config_strings(c, "sequences/directions_excluded");
  const bool repetitions = std::string(kind) == "repetitions";
  values.erase(std::remove_if(values.begin(), values.end(),
                              [&](const std::string& v) { return repetitions ? !contains(keep, v) : contains(drop, v); }),
               values.end());
  return values;
}

std::string draw_value(const std::vector<std::string>& values, Rng& rng) {
  return values.empty() ? std::string() : rng.pick(values);
}

// Draws one action's parameters uniformly from what the action takes.
ActionSpec random_action(const std::string& action, bool in_sequence, Rng& rng) {
  const auto& p = action_parameters(action);
  ActionSpec a;
  a.action = action;
  a.direction = draw_value(in_sequence ? sequence_values(p.directions, "directions") : p.directions, rng);
  a.speed = draw_value(p.speeds, rng);
  a.repetitions = draw_value(in_sequence ? sequence_values(p.repetitions, "repetitions") : p.repetitions, rng);
  a.side = !p.sides.empty() ? rng.pick(p.sides) : contains(p.sided_directions, a.direction) ? rng.pick(side_names()) : "";
  return a;
}

MotionSpec random_spec(Rng& rng, double sequence_probability) {
  MotionSpec spec;
  const bool sequence = rng.chance(sequence_probability);
  if (!sequence) {
    spec.actions.push_back(random_action(rng.pick(action_names()), false, rng));
    return spec;
  }
  const auto last_only = config_strings(actions_config(), "sequences/last_only");
  std::vector<std::string> firsts;
  for (const auto& a : action_names())
    if (!contains(last_only, a)) firsts.push_back(a);
  const std::string first = rng.pick(firsts);
  std::vector<std::string> seconds;
  for (const auto& a : action_names())
    if (a != first) seconds.push_back(a);
  spec.actions.push_back(random_action(first, true, rng));
  spec.actions.push_back(random_action(rng.pick(seconds), true, rng));
  return spec;
}

}  // namespace

std::string HeldoutCombination::name() const { return first + (kind == "sequence" ? ">" : "+") + second; }

const std::vector<HeldoutCombination>& heldout_combinations() {
  static const auto list = [] {
    std::vector<HeldoutCombination> out;
    for (const auto& [kind, pairs] : splits_config().at("heldout").items())
      for (const auto& pair : pairs) out.push_back({kind, pair.at(0).get<std::string>(), pair.at(1).get<std::string>()});
    return out;
  }();
  return list;
}

std::vector<HeldoutCombination> heldout_matches(const MotionSpec& spec) {
  std::vector<HeldoutCombination> out;
  for (const auto& c : heldout_combinations()) {
    bool hit = false;
    if (c.kind == "sequence") {
      hit = spec.actions.size() == 2 && spec.actions[0].action == c.first && spec.actions[1].action == c.second;
    } else {
      for (const auto& a : spec.actions) hit = hit || (a.action == c.first && parameter(a, c.kind) == c.second);
    }
    if (hit) out.push_back(c);
  }
  return out;
}

bool is_heldout(const MotionSpec& spec) { return !heldout_matches(spec).empty(); }

double default_sequence_probability() { return config_number(actions_config(), "sequences/probability"); }

MotionSpec random_motion_spec(uint64_t seed, bool heldout, double sequence_probability) {
  if (sequence_probability < 0) sequence_probability = default_sequence_probability();
  if (!(sequence_probability <= 1)) throw UsageError("the share of two-action sequences must be in 0..1");
  Rng rng(seed);
  // Rejection: about one draw in five holds a held-out combination, so either side
  // is found within a few tries.
  for (int attempt = 0; attempt < 10000; ++attempt) {
    MotionSpec spec = random_spec(rng, sequence_probability);
    if (is_heldout(spec) == heldout) return spec;
  }
  throw Error("no motion spec found for the " + std::string(heldout ? "held-out" : "training") + " split");
}

}  // namespace gen::humans
