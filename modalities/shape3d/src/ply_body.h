// gen's reader of a PLY file's body (ASCII and both binary byte orders), behind the
// header check of ply_header.h: Open3D's own PLY mesh reader crashes on some malformed
// face lists (found by fuzz/ply_fuzz.cpp), so PLY files are read here, every face index
// checked, and polygons split into triangle fans.
#pragma once
#include <string_view>

#include <torch/types.h>

#include "ply_header.h"

namespace gen::shape3d::detail {

struct PlyContents {
  torch::Tensor xyz;      // V x 3 float32
  torch::Tensor rgb;      // V x 3 in [0, 1], or undefined
  torch::Tensor normals;  // V x 3, or undefined
  torch::Tensor faces;    // F x 3 int64, or undefined when the file has no faces
};

// `bytes` is the whole file. std::invalid_argument with a reason for a malformed body,
// a face naming a missing vertex, or more than `max_faces` triangles.
PlyContents read_ply_body(std::string_view bytes, const PlyHeader& header, int64_t max_faces);

}  // namespace gen::shape3d::detail
