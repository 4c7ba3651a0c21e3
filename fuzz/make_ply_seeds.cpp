// Writes the PLY fuzzer's seeds into folder argv[1]: clouds with and without colours and
// normals, and a mesh, in ASCII and binary, by the project's own writer.
#include <cmath>
#include <filesystem>
#include <string>

#include <torch/torch.h>

#include <gen/shape3d/shape_io.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::filesystem::path dir = argv[1];
  auto t = torch::linspace(0, 6.28, 12);
  auto xyz = torch::stack({torch::cos(t), torch::sin(t), t / 6.28}, 1);
  gen::shape3d::PointCloud bare{xyz, {}, {}};
  gen::shape3d::PointCloud full{xyz, torch::rand({12, 3}), xyz / xyz.norm(2, 1, true)};
  gen::shape3d::Mesh mesh;
  mesh.vertices = torch::tensor({0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f}).view({4, 3});
  mesh.faces = torch::tensor({0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3}, torch::kInt64).view({4, 3});
  mesh.rgb = torch::rand({4, 3});
  for (const bool ascii : {false, true}) {
    const std::string kind = ascii ? "ascii" : "binary";
    gen::shape3d::write_point_cloud(dir / ("bare-" + kind + ".ply"), bare, {ascii});
    gen::shape3d::write_point_cloud(dir / ("full-" + kind + ".ply"), full, {ascii});
    gen::shape3d::write_mesh(dir / ("mesh-" + kind + ".ply"), mesh, {ascii});
  }
  return 0;
}
