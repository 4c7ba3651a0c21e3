// libFuzzer target for the 3D readers other than PLY (gen/shape3d/shape_io.h): OBJ,
// glTF/GLB (gen's container check first) and XYZ through Open3D; OFF, STL and PCD, which
// gen reads itself. The first byte picks the extension, the rest is the file. Any
// bytes must either become a valid cloud or mesh within the limits or be refused with
// one gen::InputError; a crash, a sanitizer report, a hang, an allocation over the
// limit or any other exception is a bug.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gen/error.h>
#include <gen/shape3d/shape_io.h>

#include "mesh_fuzz_formats.h"

namespace {

gen::shape3d::ShapeReadLimits fuzz_limits() {
  gen::shape3d::ShapeReadLimits l;
  l.max_bytes = 1 << 20;
  l.max_points = 1 << 16;
  l.max_faces = 1 << 16;
  return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto limits = fuzz_limits();
  if (size < 1) return 0;
  const auto& extensions = gen::fuzz::mesh_fuzz_extensions();
  const std::string path = "/dev/shm/gen_mesh_fuzz_" + std::to_string(getpid()) + extensions[data[0] % extensions.size()];
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  try {
    const auto cloud = gen::shape3d::read_point_cloud(path, limits);
    if (cloud.size() < 1 || cloud.size() > limits.max_points) std::abort();
    gen::shape3d::check_point_cloud(cloud);
  } catch (const gen::InputError&) {
  }
  if (gen::shape3d::is_mesh_extension(path)) {
    try {
      const auto mesh = gen::shape3d::read_mesh(path, limits);
      if (mesh.vertex_count() > limits.max_points || mesh.face_count() > limits.max_faces) std::abort();
      gen::shape3d::check_mesh(mesh);
    } catch (const gen::InputError&) {
    }
  }
  std::remove(path.c_str());
  return 0;
}
