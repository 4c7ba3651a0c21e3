// A triangle mesh with optional per-vertex colours and normals (what Poisson
// reconstruction makes of a generated cloud, and what OBJ/GLB files hold).
#pragma once
#include <string>

#include <torch/types.h>

#include <gen/export.h>

namespace gen::shape3d {

struct Mesh {
  torch::Tensor vertices;  // V x 3 float32
  torch::Tensor faces;     // F x 3 int64, indices into vertices
  torch::Tensor rgb;       // V x 3 in [0, 1], or undefined
  torch::Tensor normals;   // V x 3, or undefined
  int64_t vertex_count() const { return vertices.defined() ? vertices.size(0) : 0; }
  int64_t face_count() const { return faces.defined() ? faces.size(0) : 0; }
};

// Throws gen::InputError naming `what` unless shapes and dtypes are as above, values are
// finite, colours in [0, 1] and every face index names a vertex.
GEN_API void check_mesh(const Mesh& mesh, const std::string& what = "mesh");

}  // namespace gen::shape3d
