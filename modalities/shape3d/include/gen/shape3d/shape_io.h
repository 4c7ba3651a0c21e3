// 3D files chosen by extension, through Open3D:
//   point clouds  .ply (binary, or ASCII on request) .pcd .xyz .xyzrgb .xyzn .pts
//   meshes        .ply .obj .off .stl .glb .gltf
// Readers refuse a file that is too large, malformed or truncated with one
// gen::InputError (PLY headers are checked here first, so a hostile vertex count cannot
// make Open3D allocate gigabytes); writers write atomically.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gen/export.h>
#include <gen/shape3d/mesh.h>
#include <gen/shape3d/point_cloud.h>

namespace gen::shape3d {

struct ShapeReadLimits {
  int64_t max_bytes = int64_t{2} << 30;
  int64_t max_points = 50'000'000;  // vertices of a mesh too
  int64_t max_faces = 50'000'000;
};

struct ShapeWriteOptions {
  bool ascii = false;  // PLY and PCD: text rather than binary (STL is always binary; OFF, OBJ always text)
};

GEN_API const std::vector<std::string>& point_cloud_extensions();
GEN_API const std::vector<std::string>& mesh_extensions();
// True for extensions that hold a mesh (a cloud written there is reconstructed first).
GEN_API bool is_mesh_extension(const std::filesystem::path& path);

GEN_API PointCloud read_point_cloud(const std::filesystem::path& path, const ShapeReadLimits& limits = {});
GEN_API Mesh read_mesh(const std::filesystem::path& path, const ShapeReadLimits& limits = {});
// gen::UsageError for an extension the writer does not know; gen::InputError for an
// invalid cloud or mesh; gen::Error when the file cannot be written.
GEN_API void write_point_cloud(const std::filesystem::path& path, const PointCloud& cloud,
                               const ShapeWriteOptions& options = {});
GEN_API void write_mesh(const std::filesystem::path& path, const Mesh& mesh, const ShapeWriteOptions& options = {});

}  // namespace gen::shape3d
