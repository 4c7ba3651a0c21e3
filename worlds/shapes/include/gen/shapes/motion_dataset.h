// The shapes-in-motion dataset on disk (`gen data video`): a training split and a
// held-out split of shape+motion pairs (motion_clips.h), each a folder with every
// clip's frames in one safetensors file and its fields and captions in a JSONL file.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/progress.h>
#include <gen/shapes/motion_clips.h>

namespace gen::shapes {

struct MotionDatasetOptions {
  int64_t train_count = 2000;
  int64_t heldout_count = 200;
  int frames = 16;
  int size = 64;
  uint64_t seed = 0;
  int examples = 3;  // clips per split also written as .mp4 and .gif, for a look
};

// Writes, deterministically for a seed:
//   <dir>/dataset.json                  options, vocabulary, held-out pairs, fps
//   <dir>/{train,heldout}/clips.safetensors   "frames": uint8 [N, frames, size, size, 3]
//   <dir>/{train,heldout}/clips.jsonl         line i: clip_record of clip i (clip_record.h)
//   <dir>/{train,heldout}/example_<i>.{mp4,gif}
// A held-out split of 0 clips is written empty (frames [0, F, H, W, 3]).
GEN_API void write_motion_dataset(const std::filesystem::path& dir, const MotionDatasetOptions& options,
                                  const ProgressCallback& progress);

struct MotionSplit {
  std::vector<ShapeClip> clips;
  torch::Tensor frames;  // uint8 [N, F, H, W, 3]; clip i is frames[i]
};

// One split written by write_motion_dataset. A missing, truncated or malformed file,
// or a clip count that differs between the two, is one gen::InputError saying which.
GEN_API MotionSplit read_motion_split(const std::filesystem::path& dir, const std::string& split);

}  // namespace gen::shapes
