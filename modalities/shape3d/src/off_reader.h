// gen's reader of Geomview's OFF meshes (text; [ST][C][N]OFF headers, polygons split
// into triangle fans). Open3D's reader dies on garbage face lines — the process exits
// with its message lost (fuzz/findings/mesh-off-crash-1cedef8b, mesh-stl-crash-2936d8ad)
// — so every count is checked against the limits and the bytes, and every index against
// the vertices, before anything is allocated or used.
#pragma once
#include <cstdint>
#include <string_view>

#include <gen/shape3d/mesh.h>

namespace gen::shape3d::detail {

// `bytes` is the whole file. Colours (per vertex, 0–1 floats or 0–255 integers, alpha
// dropped) and normals are kept when the header names them. A file with no faces gives
// a mesh whose `faces` has no rows (a point cloud). Throws std::invalid_argument with a
// reason a user can act on.
Mesh read_off(std::string_view bytes, int64_t max_vertices, int64_t max_faces);

}  // namespace gen::shape3d::detail
