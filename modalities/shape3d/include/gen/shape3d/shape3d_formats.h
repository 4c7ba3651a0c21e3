// The 3D writers the generation host picks by extension (gen/output_formats.h), for
// samples of float [N, 3] points or [N, 6] points + RGB in [0, 1]:
//   .ply .pcd .xyz .xyzrgb .xyzn .pts   the cloud itself
//   .obj .off .stl .glb .gltf           a mesh Poisson-reconstructed from it, vertex-coloured
//   .gif .mp4 .webm                     a turntable clip (modalities/video)
//   .png                                a strip of turntable views side by side
// The turntable's view count is the sample's metadata "views" (0 or absent: 24 for a
// clip, 8 for a strip).
#pragma once
#include <torch/types.h>

#include <gen/export.h>
#include <gen/output_formats.h>
#include <gen/shape3d/point_cloud.h>

namespace gen::shape3d {

GEN_API void add_shape3d_formats(OutputFormats& formats);

// [N, 3] or [N, 6] float -> a cloud (colours clamped to [0, 1]); gen::Error for another layout.
GEN_API PointCloud cloud_from_sample(const torch::Tensor& data);

}  // namespace gen::shape3d
