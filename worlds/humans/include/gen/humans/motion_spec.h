// What a motion of the humans world is, in words: one or two actions in order, each
// with the parameters its caption states. These are the structured labels a dataset
// keeps beside every caption, so judges know the truth.
//
// Actions and the parameters each takes (configs/humans/actions.json; "" = not applicable):
//   walk        direction forward|backward|left|right|turning_left|turning_right|circle, speed
//   run         direction forward|left|right|turning_left|turning_right|circle, speed
//   side_step   direction left|right, speed
//   turn        direction left|right|around (in place: about 90 degrees, around about 180), speed
//   jump        direction in_place|forward|backward|left|right, repetitions
//   kick        side (the leg), repetitions once|twice|three_times
//   wave        side (the hand)
//   clap        repetitions
//   raise_arms  repetitions once|twice (both arms over the head and down again)
//   crouch      repetitions once|twice (down and back up)
//   sit_down    speed (ends seated, so only ever the last action)
//   stand       (stands still)
// Speeds are slow|normal|fast, repetitions once|twice|three_times|repeatedly. A circle
// also has a side: the way it turns, left = counter-clockwise seen from above (+y).
// Directions are the character's own: forward is where it faces when the action
// starts; "left" and "right" for walk and run turn about 90 degrees that way early on
// and go on straight; turning_left/right curve steadily (100-200 degrees in all).
#pragma once
#include <string>
#include <vector>

#include <gen/export.h>

namespace gen::humans {

struct ActionSpec {
  std::string action;
  std::string direction;
  std::string speed;
  std::string repetitions;
  std::string side;

  bool operator==(const ActionSpec& o) const {
    return action == o.action && direction == o.direction && speed == o.speed && repetitions == o.repetitions &&
           side == o.side;
  }
};

struct MotionSpec {
  std::vector<ActionSpec> actions;  // one or two, performed in this order
  bool operator==(const MotionSpec& o) const { return actions == o.actions; }
};

// The values each parameter of an action may take (empty: the action has no such parameter).
struct ActionParameters {
  std::vector<std::string> directions, speeds, repetitions, sides;
  // Directions that bring a side with them (a circle's turning sense) and its values.
  std::vector<std::string> sided_directions;
};

GEN_API const std::vector<std::string>& action_names();
GEN_API const std::vector<std::string>& direction_names();
GEN_API const std::vector<std::string>& speed_names();
GEN_API const std::vector<std::string>& repetition_names();
GEN_API const std::vector<std::string>& side_names();
// Throws gen::UsageError for an unknown action.
GEN_API const ActionParameters& action_parameters(const std::string& action);

// "" when the spec is valid, else what is wrong: an unknown name, a parameter the
// action does not take or lacks, more than two actions, one action twice in a row,
// or sit_down before another action.
GEN_API std::string motion_spec_problem(const MotionSpec& spec);
// Throws gen::UsageError with motion_spec_problem's message.
GEN_API void check_motion_spec(const MotionSpec& spec);

// "walk(forward, normal) then jump(in_place, twice)": for messages and logs.
GEN_API std::string describe(const MotionSpec& spec);

}  // namespace gen::humans
