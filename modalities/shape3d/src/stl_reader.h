// gen's reader of STL meshes, binary and ASCII. Open3D's reader dies on some text
// files (fuzz/findings/mesh-stl-crash-2936d8ad: OFF text read as .stl), so the kind is
// decided from the bytes — binary when the size is exactly 84 + 50 x its triangle count,
// ASCII when it starts with "solid" — and every count is checked before anything is
// allocated. STL repeats each corner in every triangle; equal corners are merged into
// one vertex so the mesh is connected, as a PLY or OBJ of the same shape would be.
#pragma once
#include <cstdint>
#include <string_view>

#include <gen/shape3d/mesh.h>

namespace gen::shape3d::detail {

// `bytes` is the whole file. Face normals and binary STL's attribute bytes are dropped.
// Throws std::invalid_argument with a reason a user can act on.
Mesh read_stl(std::string_view bytes, int64_t max_vertices, int64_t max_faces);

}  // namespace gen::shape3d::detail
