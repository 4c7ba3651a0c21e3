// One line of a humans motion dataset's motions.jsonl: a motion's captions, its labels
// (the spec, action by action, with the frames each action occupies and the
// repetitions it really did), its length and where its tensors are. Reading is
// hardened (the files may come from anywhere, and a libFuzzer target runs over it,
// fuzz/motion_jsonl_fuzz.cpp): every field must be present with the right type, labels
// must form a valid spec, numbers must be in range, or the whole text is one
// gen::InputError naming the line and the field.
//
//   {"index": 0, "file": "motions_000.safetensors", "row": 0, "seed": 1234, "length": 87,
//    "caption": "a person walks forward", "captions": ["a person walks forward", ...],
//    "actions": [{"action": "walk", "direction": "forward", "speed": "normal",
//                 "repetitions": "", "side": "", "start": 10, "end": 80, "count": 1}],
//    "heldout": [], "start_yaw": 12.5}
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/export.h>
#include <gen/humans/animator.h>
#include <gen/humans/motion_spec.h>

namespace gen::humans {

struct MotionRecord {
  int64_t index = 0;      // position in the split (line order)
  std::string file;       // the safetensors file in the split's folder holding it
  int64_t row = 0;        // its row in that file
  uint64_t seed = 0;      // animate(spec, seed, fps) gives this motion again
  int64_t length = 0;     // real frames; later rows of the tensors repeat the last frame
  std::vector<std::string> captions;  // captions[0] is "caption"
  MotionSpec spec;
  std::vector<ActionSpan> spans;      // one per action: frames and repetitions done
  std::vector<std::string> heldout;   // names of the held-out combinations it holds (heldout_split.h)
  double start_yaw = 0;   // heading at frame 0, degrees (0 faces +z, + turns left)
};

GEN_API nlohmann::json motion_record(const MotionRecord& record);

// Every non-empty line of `text` as a record; `name` (a path) starts every error message.
GEN_API std::vector<MotionRecord> parse_motion_jsonl(std::string_view text, const std::string& name);

}  // namespace gen::humans
