// The humans world's held-out split (configs/humans/splits.json): combinations that
// never appear in the training split, so that a model is measured on composing what
// it learned apart. Every action and every parameter value still appears in training.
//
//   action + direction     walk turning_right, run circle, jump backward
//   action + speed         run slow, side_step fast
//   action + side          kick left
//   action + repetitions   jump three_times, clap twice
//   sequences (in order)   jump then wave, walk then sit_down, turn then run, kick then clap
//
// A motion is held out when any of its actions has a held-out pair or its two actions
// form a held-out sequence (whatever their parameters).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/humans/motion_spec.h>

namespace gen::humans {

struct GEN_API HeldoutCombination {
  std::string kind;    // "direction", "speed", "side", "repetitions" or "sequence"
  std::string first;   // the action (a sequence: the first action)
  std::string second;  // the parameter's value (a sequence: the second action)
  std::string name() const;  // "run+circle", "jump>wave"
};

GEN_API const std::vector<HeldoutCombination>& heldout_combinations();
// The held-out combinations a spec contains (empty: it may appear in training).
GEN_API std::vector<HeldoutCombination> heldout_matches(const MotionSpec& spec);
GEN_API bool is_heldout(const MotionSpec& spec);

// A random valid spec, a pure function of the seed: from the training distribution
// (no held-out combination) or, with heldout = true, one containing at least one.
// Single actions and two-action sequences with uniformly drawn actions and parameters;
// sequences take repetitions once or twice and no circles, to stay short. A draw is a
// sequence with probability sequence_probability (the world's own,
// default_sequence_probability(), when negative), before the split's rejection.
GEN_API MotionSpec random_motion_spec(uint64_t seed, bool heldout, double sequence_probability = -1);
// configs/humans/actions.json's "sequences/probability" (0.4).
GEN_API double default_sequence_probability();

}  // namespace gen::humans
