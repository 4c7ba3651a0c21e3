#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/shape3d/shape_io.h>

#include <open3d/io/PointCloudIO.h>
#include <open3d/io/TriangleMeshIO.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

#include "glb_container.h"
#include "off_reader.h"
#include "open3d_convert.h"
#include "pcd_reader.h"
#include "ply_body.h"
#include "ply_header.h"
#include "stl_reader.h"
#include "stderr_capture.h"

namespace gen::shape3d {
namespace fs = std::filesystem;

namespace {

std::string lower_extension(const fs::path& path) {
  auto ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

bool listed(const std::vector<std::string>& list, const std::string& ext) {
  return std::find(list.begin(), list.end(), ext) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string s;
  for (const auto& e : list) s += (s.empty() ? "" : " ") + e;
  return s;
}

// Existence and size, before a reader opens the file.
void check_file(const fs::path& path, const ShapeReadLimits& limits) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw InputError(path.string() + ": no such file");
  const auto size = static_cast<int64_t>(fs::file_size(path, ec));
  if (ec) throw InputError(path.string() + ": cannot read its size");
  if (size == 0) throw InputError(path.string() + ": the file is empty");
  if (size > limits.max_bytes)
    throw InputError(path.string() + ": " + std::to_string(size) + " bytes is over the limit of " +
                     std::to_string(limits.max_bytes));
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (!in && !in.eof()) throw InputError(path.string() + ": cannot be read");
  return bytes;
}

// PLY files are read by gen (ply_body.h): the header's counts are checked against the
// file's size before anything is allocated, and every face index against the vertices.
detail::PlyContents read_ply(const fs::path& path, const ShapeReadLimits& limits, bool mesh) {
  check_file(path, limits);
  const auto bytes = read_bytes(path);
  try {
    const auto header = detail::parse_ply_header(std::string_view(bytes).substr(0, 1 << 16),
                                                 static_cast<int64_t>(bytes.size()));
    const auto* vertex = header.find("vertex");
    if (!vertex || vertex->count == 0) throw std::invalid_argument("it has no vertices");
    for (const char* axis : {"x", "y", "z"})
      if (!listed(vertex->properties, axis)) throw std::invalid_argument(std::string("its vertices have no ") + axis);
    if (vertex->count > limits.max_points)
      throw std::invalid_argument(std::to_string(vertex->count) + " vertices is over the limit of " +
                                  std::to_string(limits.max_points));
    const auto* face = header.find("face");
    if (mesh && (!face || face->count == 0)) throw std::invalid_argument("it has no faces (a point cloud, not a mesh)");
    auto contents = detail::read_ply_body(bytes, header, limits.max_faces);
    if (mesh && !contents.faces.defined()) throw std::invalid_argument("it has no triangles");
    return contents;
  } catch (const std::invalid_argument& e) {
    throw InputError(path.string() + ": not a valid PLY file: " + e.what());
  }
}

// PCD files too (pcd_reader.h): Open3D's reader trusts counts a header may not give.
PointCloud read_pcd(const fs::path& path, const ShapeReadLimits& limits) {
  check_file(path, limits);
  const auto bytes = read_bytes(path);
  try {
    auto cloud = detail::read_pcd(bytes, limits.max_points);
    check_point_cloud(cloud, path.string());
    return cloud;
  } catch (const std::invalid_argument& e) {
    throw InputError(path.string() + ": not a valid PCD file: " + e.what());
  }
}

// OFF and STL files too (off_reader.h, stl_reader.h): Open3D's text mesh readers kill the
// process on some garbage lines. An OFF file without faces gives a mesh of no rows.
bool read_by_gen(const std::string& ext) { return ext == ".off" || ext == ".stl"; }

Mesh read_off_or_stl(const fs::path& path, const std::string& ext, const ShapeReadLimits& limits) {
  check_file(path, limits);
  const auto bytes = read_bytes(path);
  try {
    return ext == ".off" ? detail::read_off(bytes, limits.max_points, limits.max_faces)
                         : detail::read_stl(bytes, limits.max_points, limits.max_faces);
  } catch (const std::invalid_argument& e) {
    throw InputError(path.string() + ": not a valid " + (ext == ".off" ? "OFF" : "STL") + " file: " + e.what());
  }
}

// Open3D's mesh readers by extension, with glTF's external references checked first and
// GLB unpacked into text glTF (glb_container.h): Debian's Assimp reads only the latter.
bool read_open3d_mesh(const fs::path& path, const std::string& ext, open3d::geometry::TriangleMesh& mesh) {
  if (ext != ".glb" && ext != ".gltf") return open3d::io::ReadTriangleMesh(path.string(), mesh);
  const auto bytes = read_bytes(path);
  std::string text;
  try {
    if (ext == ".glb") {
      text = detail::glb_to_gltf(bytes);
    } else {
      detail::check_gltf_uris(bytes, true);
    }
  } catch (const std::invalid_argument& e) {
    throw InputError(path.string() + ": not a valid " + ext.substr(1) + " file: " + e.what());
  }
  // Open3D's tinygltf path (ReadTriangleMeshFromGLTF) cannot open files in Debian's
  // build and crashes on some; its Assimp path reads text glTF.
  if (ext == ".gltf") return open3d::io::ReadTriangleMesh(path.string(), mesh);
  AtomicFile unpacked(fs::temp_directory_path() / "gen-glb.gltf");  // removed when done
  {
    std::ofstream out(unpacked.temp_path(), std::ios::binary);
    out << text;
    if (!out) throw Error("cannot write a temporary file in " + fs::temp_directory_path().string());
  }
  return open3d::io::ReadTriangleMesh(unpacked.temp_path().string(), mesh);
}

// Runs one Open3D reader (`read` returns whether it gave anything) and turns every way it
// can fail — false, an exception, an allocation failure, lines on stderr — into one
// gen::InputError naming the file and `what` it should have been.
template <class Read>
void read_with_open3d(const fs::path& path, const std::string& what, Read read) {
  try {
    detail::StderrCapture said;
    const bool ok = read();
    const auto why = said.finish();
    if (!ok)
      throw InputError(path.string() + ": not a readable " + what + " (malformed, truncated or empty)" +
                       (why.empty() ? "" : ": " + why));
  } catch (const std::bad_alloc&) {
    throw InputError(path.string() + ": too large to read");
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(path.string() + ": " + e.what());
  }
}

}  // namespace

const std::vector<std::string>& point_cloud_extensions() {
  static const std::vector<std::string> e{".ply", ".pcd", ".xyz", ".xyzrgb", ".xyzn", ".pts"};
  return e;
}

const std::vector<std::string>& mesh_extensions() {
  static const std::vector<std::string> e{".ply", ".obj", ".off", ".stl", ".glb", ".gltf"};
  return e;
}

bool is_mesh_extension(const fs::path& path) {
  const auto ext = lower_extension(path);
  return ext != ".ply" && listed(mesh_extensions(), ext);
}

PointCloud read_point_cloud(const fs::path& path, const ShapeReadLimits& limits) {
  const auto ext = lower_extension(path);
  if (read_by_gen(ext)) {  // an OFF file may be faceless: read it without asking for faces
    const auto mesh = read_off_or_stl(path, ext, limits);
    PointCloud cloud{mesh.vertices, mesh.rgb, mesh.normals};
    check_point_cloud(cloud, path.string());
    return cloud;
  }
  if (is_mesh_extension(path)) {  // a mesh file: its vertices are the cloud
    const auto mesh = read_mesh(path, limits);
    return {mesh.vertices, mesh.rgb, mesh.normals};
  }
  if (!listed(point_cloud_extensions(), ext))
    throw InputError(path.string() + ": unknown point cloud extension \"" + ext + "\" (known: " +
                     joined(point_cloud_extensions()) + " " + joined(mesh_extensions()) + ")");
  if (ext == ".ply") {
    const auto ply = read_ply(path, limits, false);
    PointCloud cloud{ply.xyz, ply.rgb, ply.normals};
    check_point_cloud(cloud, path.string());
    return cloud;
  }
  if (ext == ".pcd") return read_pcd(path, limits);
  check_file(path, limits);
  detail::quiet_open3d();
  open3d::geometry::PointCloud o;
  open3d::io::ReadPointCloudOption option;
  option.format = ext.substr(1);
  option.remove_nan_points = option.remove_infinite_points = false;
  read_with_open3d(path, ext.substr(1) + " point cloud",
                   [&] { return open3d::io::ReadPointCloud(path.string(), o, option) && !o.points_.empty(); });
  if (static_cast<int64_t>(o.points_.size()) > limits.max_points)
    throw InputError(path.string() + ": " + std::to_string(o.points_.size()) + " points is over the limit of " +
                     std::to_string(limits.max_points));
  auto cloud = detail::from_open3d(o);
  check_point_cloud(cloud, path.string());
  return cloud;
}

Mesh read_mesh(const fs::path& path, const ShapeReadLimits& limits) {
  const auto ext = lower_extension(path);
  if (!listed(mesh_extensions(), ext))
    throw InputError(path.string() + ": unknown mesh extension \"" + ext + "\" (known: " + joined(mesh_extensions()) + ")");
  if (ext == ".ply") {
    const auto ply = read_ply(path, limits, true);
    Mesh mesh{ply.xyz, ply.faces, ply.rgb, ply.normals};
    check_mesh(mesh, path.string());
    return mesh;
  }
  if (read_by_gen(ext)) {
    auto mesh = read_off_or_stl(path, ext, limits);
    if (mesh.face_count() == 0) throw InputError(path.string() + ": it has no faces (a point cloud, not a mesh)");
    check_mesh(mesh, path.string());
    return mesh;
  }
  check_file(path, limits);
  detail::quiet_open3d();
  open3d::geometry::TriangleMesh o;
  read_with_open3d(path, ext.substr(1) + " mesh", [&] { return read_open3d_mesh(path, ext, o) && !o.vertices_.empty(); });
  if (static_cast<int64_t>(o.vertices_.size()) > limits.max_points ||
      static_cast<int64_t>(o.triangles_.size()) > limits.max_faces)
    throw InputError(path.string() + ": " + std::to_string(o.vertices_.size()) + " vertices and " +
                     std::to_string(o.triangles_.size()) + " faces are over the limits");
  auto mesh = detail::from_open3d(o);
  check_mesh(mesh, path.string());
  return mesh;
}

void write_point_cloud(const fs::path& path, const PointCloud& cloud, const ShapeWriteOptions& options) {
  const auto ext = lower_extension(path);
  if (!listed(point_cloud_extensions(), ext))
    throw UsageError(path.string() + ": a point cloud is written as one of " + joined(point_cloud_extensions()) +
                     " (a mesh format needs a mesh: see gen/shape3d/surface.h)");
  check_point_cloud(cloud);
  detail::quiet_open3d();
  AtomicFile file(path);
  const open3d::io::WritePointCloudOption option(options.ascii);
  if (!open3d::io::WritePointCloud(file.temp_path().string(), detail::to_open3d(cloud), option))
    throw Error(path.string() + ": cannot be written");
  file.commit();
}

void write_mesh(const fs::path& path, const Mesh& mesh, const ShapeWriteOptions& options) {
  const auto ext = lower_extension(path);
  if (!listed(mesh_extensions(), ext))
    throw UsageError(path.string() + ": a mesh is written as one of " + joined(mesh_extensions()));
  check_mesh(mesh);
  detail::quiet_open3d();
  AtomicFile file(path);
  auto o = detail::to_open3d(mesh);
  if (ext == ".stl") o.ComputeTriangleNormals();  // STL stores one normal per face
  // Open3D writes STL in binary only (it throws when asked for ASCII); OFF is always text.
  const bool ascii = options.ascii && ext != ".stl";
  if (!open3d::io::WriteTriangleMesh(file.temp_path().string(), o, ascii))
    throw Error(path.string() + ": cannot be written");
  file.commit();
}

}  // namespace gen::shape3d
