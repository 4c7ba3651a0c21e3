// The captioned shapes dataset the embedded default image model learns from:
// anti-aliased shapes x colours x sizes x positions x backgrounds x counts, with
// captions in several phrasings, and a held-out split of colour+shape pairs that
// never appear in training (to measure compositional generalisation).
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/image/image.h>
#include <gen/progress.h>

namespace gen::shapes {

struct ShapeScene {
  std::string shape;       // circle, square, triangle, star, ring, cross
  std::string color;       // one of shape_colors()
  std::string size;        // small, large
  std::string position;    // centre, left, right, top, bottom
  std::string background;  // one of background_colors(), never the shape's colour
  int count = 1;           // 1..3 objects, all alike
  std::vector<std::pair<double, double>> centres;  // in [0, 1]^2, x right, y down
  double radius = 0.2;     // fraction of the image side
};

GEN_API const std::vector<std::string>& shape_names();
GEN_API const std::vector<std::string>& shape_colors();
GEN_API const std::vector<std::string>& background_colors();
GEN_API const std::vector<std::string>& shape_positions();
// How captions place an object: "centre" -> "in the centre", "left" -> "on the left", ...
GEN_API const std::string& position_phrase(const std::string& position);
// The RGB value (0..255) of a shape or background colour name; throws UsageError.
GEN_API std::array<float, 3> color_rgb(const std::string& name);
// The centre of a named position region, in [0, 1]^2 (x right, y down).
GEN_API std::pair<double, double> position_anchor(const std::string& position);
// The colour+shape pairs kept out of training.
GEN_API bool is_heldout_pair(const std::string& shape, const std::string& color);

// Draws a random scene: from the training pairs, or only from the held-out pairs.
GEN_API ShapeScene random_scene(std::mt19937_64& rng, bool heldout);
// Renders a scene at size x size pixels, anti-aliased by supersample^2 samples per pixel.
GEN_API image::Image render_scene(const ShapeScene& scene, int size = 64, int supersample = 4);
// One of several phrasings ("a red circle on a blue background", "two small green
// squares at the top, white background", ...), chosen by `phrasing`.
GEN_API std::string caption_scene(const ShapeScene& scene, int phrasing);
GEN_API int caption_phrasings();

struct ShapesDatasetOptions {
  int64_t train_count = 20000;
  int64_t heldout_count = 2000;
  uint64_t seed = 0;
  int size = 64;
};

// Writes <dir>/{train,heldout}.safetensors (images U8 [N, size, size, 3]),
// <dir>/{train,heldout}.jsonl (caption + attributes per image), dataset.json and a
// preview.png grid. Deterministic for a seed.
GEN_API void write_shapes_dataset(const std::filesystem::path& dir, const ShapesDatasetOptions& options,
                                  const ProgressCallback& progress);

// One split written by write_shapes_dataset: images uint8 [N, H, W, 3] and the scene
// of each (centres are not stored). Throws InputError naming what is missing.
struct ShapesSplit {
  torch::Tensor images;
  std::vector<ShapeScene> scenes;
};
GEN_API ShapesSplit read_shapes_split(const std::filesystem::path& dir, const std::string& split);

}  // namespace gen::shapes
