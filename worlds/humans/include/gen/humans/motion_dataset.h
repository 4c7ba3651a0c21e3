// The humans world's text-to-motion dataset on disk (`gen data motion`): a training and
// a held-out split (heldout_split.h), each a folder with the motions' tensors in one or
// a few safetensors files and one JSONL line of captions and labels per motion
// (motion_record.h). It is a pure function of the options: the same seed gives the same
// bytes, and motion i of a split can be regenerated alone from its record's seed.
//
//   <dir>/dataset.json      name, version, seed, fps, max_frames, the skeleton (joints,
//                           parents, offsets), the actions and their parameters, the
//                           held-out combinations, and per split: count, files, physics
//   <dir>/<split>/motions_NNN.safetensors   up to shard_size motions each:
//        "positions" F32 [n, F, 22, 3]  global joint positions (metres, y up, floor y = 0)
//        "rotations" F32 [n, F, 22, 4]  local joint rotations (w, x, y, z)
//        "root"      F32 [n, F, 3]      pelvis positions (= positions[:, :, 0])
//        "contacts"  U8  [n, F, 2]      left, right foot on the floor
//        "lengths"   I64 [n]            real frames; frames past the length repeat the last one
//   <dir>/<split>/motions.jsonl   line i describes motion i (file order, then row order)
//   <dir>/<split>/example_<i>.{mp4,bvh}   the first `examples` motions as a stick-figure
//                                 video (its caption in the metadata) and a BVH file, for a look
// F is max_frames. A motion longer than max_frames is not cropped (a crop could cut an
// action its caption names): it is replaced by the next draw for that slot.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/humans/motion_record.h>
#include <gen/progress.h>

namespace gen::humans {

struct MotionDatasetOptions {
  int64_t train_count = 2000;
  int64_t heldout_count = 200;
  uint64_t seed = 0;
  int max_frames = 196;      // HumanML3D's longest clip at 20 fps
  double fps = 20;
  int captions = 5;          // phrasings per motion
  int64_t shard_size = 2048; // motions per safetensors file
  int examples = 3;          // motions per split also written as .mp4 and .bvh
  double sequences = -1;     // chance a draw is a two-action sequence; < 0: the world's (0.4)
};

// Writes the dataset (see above); throws gen::UsageError for options out of range
// (counts, fps 10..60, max_frames from 2 s of frames to 1024, captions 1..16,
// sequences above 1 or NaN).
GEN_API void write_motion_dataset(const std::filesystem::path& dir, const MotionDatasetOptions& options,
                                  const ProgressCallback& progress);

struct MotionDataset {
  std::vector<MotionRecord> records;  // record i is row i of the tensors
  torch::Tensor positions;  // float [N, F, 22, 3]
  torch::Tensor rotations;  // float [N, F, 22, 4]
  torch::Tensor root;       // float [N, F, 3]
  torch::Tensor contacts;   // bool [N, F, 2]
  torch::Tensor lengths;    // int64 [N]
  double fps = 20;
  int max_frames = 0;
};

// One split ("train" or "heldout") of a dataset written by write_motion_dataset. A
// missing, truncated or malformed dataset.json, JSONL or safetensors file, or files
// that disagree (counts, shapes, lengths, rows), is one gen::InputError saying which.
GEN_API MotionDataset load_motion_dataset(const std::filesystem::path& dir, const std::string& split);

}  // namespace gen::humans
