// Real motions of the humans world with their truth, as the judges train and are
// checked on: a spec, its captions and the animated motion (positions only).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/humans/motion_dataset.h>
#include <gen/humans/motion_spec.h>
#include <gen/motion/motion.h>

namespace gen::humans {

struct LabelledMotion {
  MotionSpec spec;
  std::vector<std::string> captions;  // captions[0] is what an evaluation prompts with
  motion::Motion motion;              // smpl22 positions at the motion's frame rate (no rotations)
  uint64_t seed = 0;                  // animate(spec, seed, motion.fps) gives the motion again
};

// animate(spec, seed, fps) with `captions` captions (a pure function of spec and seed).
GEN_API LabelledMotion animate_labelled(const MotionSpec& spec, uint64_t seed, double fps, int captions = 1);

// `count` motions never written to any dataset (their seeds are salted apart from
// write_motion_dataset's): specs drawn from the split's distribution (random_motion_spec),
// a pure function of the arguments.
GEN_API std::vector<LabelledMotion> fresh_motions(bool heldout, int count, uint64_t seed, double fps = 20);

// Motions `first` .. `first + count - 1` of a loaded dataset split, cut to their lengths.
GEN_API std::vector<LabelledMotion> dataset_motions(const MotionDataset& data, int64_t first, int64_t count);

}  // namespace gen::humans
