#include <gen/humans/motion_spec.h>

#include <algorithm>
#include <map>

#include <gen/error.h>

#include "world_config.h"

namespace gen::humans {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> optional_strings(const nlohmann::json& action, const char* key) {
  if (!action.contains(key)) return {};
  std::vector<std::string> out;
  for (const auto& v : action[key]) out.push_back(v.get<std::string>());
  return out;
}

const std::map<std::string, ActionParameters>& parameter_table() {
  static const auto table = [] {
    std::map<std::string, ActionParameters> t;
    for (const auto& [name, a] : actions_config().at("actions").items()) {
      ActionParameters p;
      p.directions = optional_strings(a, "directions");
      p.speeds = optional_strings(a, "speeds");
      p.repetitions = optional_strings(a, "repetitions");
      p.sides = optional_strings(a, "sides");
      if (a.contains("direction_sides"))
        for (const auto& [direction, sides] : a["direction_sides"].items()) p.sided_directions.push_back(direction);
      t[name] = p;
    }
    return t;
  }();
  return table;
}

// The problem with one parameter's value, or "".
std::string value_problem(const std::string& action, const char* what, const std::string& value,
                          const std::vector<std::string>& allowed) {
  if (allowed.empty())
    return value.empty() ? "" : action + " takes no " + what + " (got '" + value.substr(0, 40) + "')";
  if (value.empty()) return action + " needs a " + what;
  if (!contains(allowed, value)) return action + " cannot have " + what + " '" + value.substr(0, 40) + "'";
  return "";
}

std::string action_problem(const ActionSpec& a) {
  if (!contains(action_names(), a.action)) return "unknown action '" + a.action.substr(0, 40) + "'";
  const auto& p = action_parameters(a.action);
  for (auto problem : {value_problem(a.action, "direction", a.direction, p.directions),
                       value_problem(a.action, "speed", a.speed, p.speeds),
                       value_problem(a.action, "repetitions", a.repetitions, p.repetitions)})
    if (!problem.empty()) return problem;
  const bool sided = !p.sides.empty() || contains(p.sided_directions, a.direction);
  return value_problem(a.action + (p.sides.empty() ? " " + a.direction : ""), "side", a.side,
                       sided ? side_names() : std::vector<std::string>{});
}

}  // namespace

const std::vector<std::string>& action_names() {
  static const std::vector<std::string> v{"walk", "run",      "side_step", "turn",  "jump",     "kick",
                                          "wave", "clap",     "raise_arms", "crouch", "sit_down", "stand"};
  return v;
}

const std::vector<std::string>& direction_names() {
  static const std::vector<std::string> v{"forward", "backward", "left",   "right",   "turning_left",
                                          "turning_right", "circle", "around", "in_place"};
  return v;
}

const std::vector<std::string>& speed_names() {
  static const std::vector<std::string> v{"slow", "normal", "fast"};
  return v;
}

const std::vector<std::string>& repetition_names() {
  static const std::vector<std::string> v{"once", "twice", "three_times", "repeatedly"};
  return v;
}

const std::vector<std::string>& side_names() {
  static const std::vector<std::string> v{"left", "right"};
  return v;
}

const ActionParameters& action_parameters(const std::string& action) {
  const auto& table = parameter_table();
  auto it = table.find(action);
  if (it == table.end()) throw UsageError("unknown action '" + action.substr(0, 40) + "'");
  return it->second;
}

std::string motion_spec_problem(const MotionSpec& spec) {
  if (spec.actions.empty() || spec.actions.size() > 2) return "a motion has one or two actions";
  for (const auto& a : spec.actions)
    if (auto problem = action_problem(a); !problem.empty()) return problem;
  if (spec.actions.size() == 2) {
    if (spec.actions[0].action == spec.actions[1].action) return "the two actions of a sequence must differ";
    const auto last_only = config_strings(actions_config(), "sequences/last_only");
    if (contains(last_only, spec.actions[0].action)) return spec.actions[0].action + " can only be the last action";
  }
  return "";
}

void check_motion_spec(const MotionSpec& spec) {
  if (auto problem = motion_spec_problem(spec); !problem.empty()) throw UsageError(problem);
}

std::string describe(const MotionSpec& spec) {
  std::string out;
  for (const auto& a : spec.actions) {
    if (!out.empty()) out += " then ";
    std::string params;
    for (const auto* v : {&a.direction, &a.speed, &a.repetitions, &a.side})
      if (!v->empty()) params += (params.empty() ? "" : ", ") + *v;
    out += a.action + (params.empty() ? "" : "(" + params + ")");
  }
  return out;
}

}  // namespace gen::humans
