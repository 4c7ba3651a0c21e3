// What one solid of the solids world is: the ground truth its captions are written from
// and the 3D judges are scored against.
#pragma once
#include <array>
#include <string>
#include <utility>
#include <vector>

#include <gen/export.h>
#include <gen/seeded_rng.h>

namespace gen::solids {

struct SolidSpec {
  std::string shape;   // one of solid_shapes()
  std::string color;   // one of solid_colors()
  std::string size;    // "small", "" or "large"
  std::string aspect;  // "", or a word the shape allows ("tall", "flat")
  double yaw = 0;      // radians about the y axis
};

GEN_API const std::vector<std::string>& solid_shapes();
GEN_API const std::vector<std::string>& solid_colors();
// The aspect words a shape allows, "" first.
GEN_API std::vector<std::string> solid_aspects(const std::string& shape);
// RGB in [0, 1] of a colour name (the shapes world's palette).
GEN_API std::array<float, 3> solid_rgb(const std::string& color);
// gen::InputError naming what is wrong: an unknown shape, colour, size or aspect.
GEN_API void check_solid_spec(const SolidSpec& spec);

enum class Split { train, heldout };
GEN_API std::string split_name(Split split);
// The held-out [shape, colour] pairs (configs/solids/splits.json).
GEN_API const std::vector<std::pair<std::string, std::string>>& heldout_pairs();
GEN_API bool is_heldout(const SolidSpec& spec);
// A random spec of the split: training specs are never held-out pairs; held-out specs
// always are.
GEN_API SolidSpec sample_solid_spec(Rng& rng, Split split);

// One phrasing drawn with rng (configs/solids/captions.json): "a tall blue cylinder",
// "a 3d model of a small red torus", ...
GEN_API std::string solid_caption(const SolidSpec& spec, Rng& rng);

}  // namespace gen::solids
