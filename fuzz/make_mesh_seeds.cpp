// Writes the mesh fuzzer's seeds into folder argv[1]: a coloured tetrahedron in every
// mesh format and a cloud in every cloud format the fuzzer picks, by the project's own
// writers, each prefixed with the byte that selects its extension.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <torch/torch.h>

#include <gen/shape3d/shape_io.h>

#include "mesh_fuzz_formats.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::filesystem::path dir = argv[1];
  gen::shape3d::Mesh mesh;
  mesh.vertices = torch::tensor({0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f}).view({4, 3});
  mesh.faces = torch::tensor({0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3}, torch::kInt64).view({4, 3});
  mesh.rgb = torch::rand({4, 3});
  gen::shape3d::PointCloud cloud{mesh.vertices, mesh.rgb, {}};
  const auto& extensions = gen::fuzz::mesh_fuzz_extensions();
  for (size_t i = 0; i < extensions.size(); ++i) {
    const auto file = dir / ("seed" + extensions[i]);
    if (gen::shape3d::is_mesh_extension(file))
      gen::shape3d::write_mesh(file, mesh);
    else
      gen::shape3d::write_point_cloud(file, cloud);
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream out(dir / ("seed-" + std::to_string(i)), std::ios::binary);
    out.put(static_cast<char>(i));
    out << bytes;
    std::filesystem::remove(file);
  }
  return 0;
}
