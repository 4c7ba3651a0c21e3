// The solids world's captioned point-cloud dataset on disk (`gen data 3d`):
//
//   <dir>/clouds/<split>_<index>.ply  binary PLY: xyz, rgb, normals; `points` per cloud
//   <dir>/solids.jsonl                one object per cloud: "file" (relative to dir),
//        "caption", "split" ("train"|"heldout"), "shape", "color", "size", "aspect", "yaw"
//   <dir>/dataset.json                "points", "seed", "train_count", "heldout_count",
//                                     "shapes", "colors", "heldout_pairs"
// It is a pure function of the options: the same seed gives the same bytes. Written in a
// staged sibling folder and renamed, so a failure leaves no half-written dataset.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/progress.h>
#include <gen/solids/solid_spec.h>

namespace gen::solids {

struct SolidDatasetOptions {
  int64_t train_count = 2000;
  int64_t heldout_count = 200;
  uint64_t seed = 0;
  int64_t points = 0;  // 0: configs/solids/world.json's "points"
};

struct SolidItem {
  std::string file;     // relative to the dataset's root
  std::string caption;
  std::string split;    // "train" or "heldout"
  SolidSpec spec;
};

struct SolidDataset {
  std::filesystem::path root;
  int64_t points = 0;
  std::vector<SolidItem> items;
};

// The cloud of item `index` of a split: the spec, caption and points are functions of
// (seed, split, index) alone.
GEN_API SolidItem solid_item(uint64_t seed, Split split, int64_t index);
// The seed its points are sampled with (gen/solids/solid_geometry.h's sample_surface).
GEN_API uint64_t point_seed(uint64_t seed, Split split, int64_t index);
GEN_API int64_t default_points();

// gen::UsageError for options out of range (counts, points 16..100000) or a non-empty
// output that is not an earlier dataset; gen::Error if the folder cannot be written.
GEN_API void write_solid_dataset(const std::filesystem::path& dir, const SolidDatasetOptions& options,
                                 const ProgressCallback& progress);

// Reads dataset.json and solids.jsonl (not the clouds). A missing, truncated or
// malformed file is one gen::InputError naming the file and line.
GEN_API SolidDataset load_solid_dataset(const std::filesystem::path& dir);

// One JSONL line of an item and its parse (a gen::InputError for a malformed line).
GEN_API std::string solid_item_json(const SolidItem& item);
GEN_API SolidItem parse_solid_item(const std::string& line);

}  // namespace gen::solids
