// libFuzzer target for the PLY reader (gen/shape3d/shape_io.h): gen's header check in
// front of Open3D's rply-based reader. Any bytes must either become a valid cloud (and
// mesh, when faces are declared) within the limits or be refused with one
// gen::InputError. A crash, a sanitizer report, a hang, an allocation over the limit,
// any other exception or a result over the limits is a bug.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gen/error.h>
#include <gen/shape3d/shape_io.h>

namespace {

gen::shape3d::ShapeReadLimits fuzz_limits() {
  gen::shape3d::ShapeReadLimits l;
  l.max_bytes = 1 << 20;
  l.max_points = 1 << 16;
  l.max_faces = 1 << 16;
  return l;
}

// Open3D reads files by name; a per-process file in memory-backed /dev/shm.
const std::string& scratch() {
  static const std::string path = "/dev/shm/gen_ply_fuzz_" + std::to_string(getpid()) + ".ply";
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto limits = fuzz_limits();
  {
    std::ofstream f(scratch(), std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const auto cloud = gen::shape3d::read_point_cloud(scratch(), limits);
    if (cloud.size() < 1 || cloud.size() > limits.max_points) std::abort();
    gen::shape3d::check_point_cloud(cloud);
  } catch (const gen::InputError&) {
  }
  try {
    const auto mesh = gen::shape3d::read_mesh(scratch(), limits);
    if (mesh.vertex_count() > limits.max_points || mesh.face_count() > limits.max_faces) std::abort();
    gen::shape3d::check_mesh(mesh);
  } catch (const gen::InputError&) {
  }
  return 0;
}
