// An upright shape as a height field seen from above, the diffusion space of points3d's
// height-field models. A G x G grid covers x, z in [-extent, extent]; each cell holds
// six channels: the signed distance from the cell's centre to the silhouette's edge
// (negative inside, in cells, clamped to +-2 and halved), the top and the bottom height
// (y / extent) and the colour (2 rgb - 1). Every solid a vertical line crosses at most
// once — solids of revolution about y, boxes, a lying torus — is such a field, and the
// field is an image: the image models' UNet denoises it with the inductive bias that
// learned the shapes world's shapes within the hour (docs/model-zoo.md, the 3D model).
#pragma once
#include <cstdint>

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

namespace points3d {

struct HeightFieldConfig {
  int64_t grid = 32;
  double extent = 0.8;         // half-width of the square the grid covers (a large cube turned 45 degrees reaches 0.78)
  double height_radius = 1.0;  // in cells: how far a point's surface reaches when a cloud is read

  static constexpr int64_t kChannels = 6;
  nlohmann::json to_json() const;
  static HeightFieldConfig from_json(const nlohmann::json& j);  // gen::ModelError on a bad config
  void validate() const;                                         // gen::ModelError
};

// A cloud [N, 9] (xyz, rgb in [0, 1], outward unit normals) -> the field [6, G, G].
// Heights come from the up-facing (top) and down-facing (bottom) points' tangent planes,
// so slopes are not biased; cells no point reaches take their nearest neighbours' values,
// so the field is smooth outside the silhouette. gen::InputError for a cloud of the wrong
// shape or one that leaves the grid's square.
torch::Tensor encode_height_field(const torch::Tensor& points, const HeightFieldConfig& config);

// A field [6, G, G] -> `points` points [points, 6] spread uniformly over its surface (the
// top, the bottom and the walls between them along the silhouette's edge), drawn with
// `generator`; the same field and generator state give the same points.
torch::Tensor decode_height_field(const torch::Tensor& field, const HeightFieldConfig& config, int64_t points,
                                  at::Generator& generator);

}  // namespace points3d
