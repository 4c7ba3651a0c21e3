// The 3D library's files (through Open3D) and surfaces: round trips for every format,
// hostile and truncated files refused with one gen::InputError, atomic writes, normals
// that point out of the solid, and Poisson meshes that lie on the sampled surface.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include <gen/error.h>
#include <gen/shape3d/shape_io.h>
#include <gen/shape3d/surface.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace gen::shape3d;

// Points on the unit sphere (Fibonacci lattice), coloured by height, normals outward.
PointCloud sphere(int64_t n) {
  auto i = torch::arange(n, torch::kFloat64) + 0.5;
  auto y = 1 - 2 * i / n;
  auto r = torch::sqrt(1 - y * y);
  auto phi = i * M_PI * (3 - std::sqrt(5.0));
  auto xyz = torch::stack({r * torch::cos(phi), y, r * torch::sin(phi)}, 1).to(torch::kFloat32);
  auto rgb = torch::stack({(y + 1) / 2, torch::full_like(y, 0.25), 1 - (y + 1) / 2}, 1).to(torch::kFloat32);
  return {xyz, rgb, xyz.clone()};
}

// A torus around y: ring radius 1, tube radius 0.35 (concave inside, where the
// centroid lies outside the solid).
PointCloud torus(int64_t rings, int64_t around) {
  auto u = torch::arange(rings, torch::kFloat64).repeat_interleave(around) * (2 * M_PI / rings);
  auto v = torch::arange(around, torch::kFloat64).repeat(rings) * (2 * M_PI / around);
  const double R = 1, r = 0.35;
  auto xyz = torch::stack({(R + r * torch::cos(v)) * torch::cos(u), r * torch::sin(v), (R + r * torch::cos(v)) * torch::sin(u)}, 1);
  return {xyz.to(torch::kFloat32), torch::Tensor(), torch::Tensor()};
}

Mesh tetrahedron() {
  Mesh m;
  m.vertices = torch::tensor({0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f}).view({4, 3});
  m.faces = torch::tensor({0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3}, torch::kInt64).view({4, 3});
  m.rgb = torch::tensor({1.f, 0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f, 1.f, 1.f, 1.f}).view({4, 3});
  return m;
}

void expect_close(const torch::Tensor& a, const torch::Tensor& b, double tol, const std::string& what) {
  ASSERT_TRUE(a.defined()) << what;
  ASSERT_TRUE(b.defined()) << what;
  ASSERT_EQ(a.sizes(), b.sizes()) << what;
  EXPECT_LE((a - b).abs().max().item<double>(), tol) << what;
}

// A GLB container holding just a JSON chunk.
std::string glb_with_json(std::string json) {
  while (json.size() % 4) json += ' ';
  auto le32 = [](uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 255);
    return s;
  };
  return "glTF" + le32(2) + le32(static_cast<uint32_t>(20 + json.size())) + le32(static_cast<uint32_t>(json.size())) +
         "JSON" + json;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f << bytes;
}

TEST(Shape3dIo, PointCloudsRoundTripInEveryFormat) {
  gen::test::TempDir dir;
  const auto cloud = sphere(500);
  for (const bool ascii : {false, true}) {
    const auto p = dir / (ascii ? "ascii.ply" : "binary.ply");
    write_point_cloud(p, cloud, {ascii});
    const auto back = read_point_cloud(p);
    expect_close(back.xyz, cloud.xyz, 1e-6, p.string());
    expect_close(back.rgb, cloud.rgb, 0.5 / 255 + 1e-6, p.string() + " colours (8-bit in PLY)");
    expect_close(back.normals, cloud.normals, 1e-6, p.string() + " normals");
  }
  write_point_cloud(dir / "c.pcd", cloud);
  expect_close(read_point_cloud(dir / "c.pcd").xyz, cloud.xyz, 1e-6, "pcd");
  for (const char* ext : {".xyz", ".xyzrgb", ".xyzn", ".pts"}) {
    const auto p = dir / (std::string("c") + ext);
    write_point_cloud(p, cloud);
    expect_close(read_point_cloud(p).xyz, cloud.xyz, 1e-5, p.string());
  }
}

TEST(Shape3dIo, MeshesRoundTripInEveryFormat) {
  gen::test::TempDir dir;
  const auto mesh = tetrahedron();
  for (const char* ext : {".ply", ".obj", ".off", ".glb", ".gltf", ".stl"}) {
    const auto p = dir / (std::string("t") + ext);
    write_mesh(p, mesh);
    const auto back = read_mesh(p);
    EXPECT_EQ(back.face_count(), 4) << ext;
    // Some formats split vertices per face (STL); every vertex read must be one written.
    const auto d = torch::cdist(back.vertices, mesh.vertices).min(1);
    EXPECT_LE(std::get<0>(d).max().item<float>(), 1e-6) << ext;
    if (std::string(ext) == ".ply") {  // PLY keeps the order; OBJ and glTF readers may not
      expect_close(back.vertices, mesh.vertices, 1e-6, ext);
      EXPECT_TRUE(back.faces.equal(mesh.faces)) << ext;
    }
    if (back.rgb.defined()) {  // colours follow their vertices
      const auto nearest = std::get<1>(torch::cdist(back.vertices, mesh.vertices).min(1));
      expect_close(back.rgb, mesh.rgb.index_select(0, nearest), 0.5 / 255 + 1e-6, std::string(ext) + " colours");
    } else {
      EXPECT_TRUE(std::string(ext) == ".stl" || std::string(ext) == ".off") << ext << " lost the colours";
    }
  }
  // A mesh file read as a cloud gives its vertices.
  EXPECT_EQ(read_point_cloud(dir / "t.obj").size(), 4);
}

TEST(Shape3dIo, RefusesHostileAndTruncatedFiles) {
  gen::test::TempDir dir;
  write_point_cloud(dir / "good.ply", sphere(200));
  const auto good = gen::test::read_text(dir / "good.ply");
  const auto header_end = good.find("end_header\n") + 11;
  struct Case {
    std::string name, bytes, needle;
  };
  const std::vector<Case> cases = {
      {"empty.ply", "", "empty"},
      {"notply.ply", "hello\nworld\n", "not a PLY"},
      {"truncated.ply", good.substr(0, header_end + 100), "too short"},
      {"header_only.ply", good.substr(0, header_end - 20), "end_header"},
      {"huge_count.ply", "ply\nformat binary_little_endian 1.0\nelement vertex 4000000000\nproperty float x\n"
                         "property float y\nproperty float z\nend_header\n" + std::string(64, '\0'), "too short"},
      {"negative.ply", "ply\nformat ascii 1.0\nelement vertex -5\nproperty float x\nend_header\n", "non-negative"},
      {"badtype.ply", "ply\nformat ascii 1.0\nelement vertex 1\nproperty quaternion x\nend_header\n1\n", "unknown property type"},
      {"noxyz.ply", "ply\nformat ascii 1.0\nelement vertex 1\nproperty float a\nend_header\n1\n", "no x"},
      {"text.ply", "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\n"
                   "end_header\n1 2 3\nfoo bar baz\n", "not a number"},
      // Open3D's own PLY mesh reader crashes on face lists like these (fuzz/ply_fuzz.cpp).
      {"badface.ply", "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
                      "element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n4 0 1 2 9\n",
       "does not exist"},
      {"longlist.ply", "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
                       "element face 1\nproperty list int int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n99999 0 1 2\n",
       "bad length"},
      {"nan.ply", "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\n"
                  "end_header\nnan 0 0\n", "NaN"},
      {"garbage.obj", std::string(300, '\x7f'), "not a readable"},
      {"faceless.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\n", "obj mesh"},
      {"notglb.glb", std::string("glTF\x02\0\0\0\xff\xff\0\0", 12) + std::string(20, '\0'), "truncated"},
      {"external.glb", glb_with_json(R"({"asset":{"version":"2.0"},"buffers":[{"uri":"/etc/passwd","byteLength":8}]})"),
       "outside its folder"},
      {"external.gltf", R"({"asset":{"version":"2.0"},"buffers":[{"uri":"../../secret.bin","byteLength":8}]})",
       "outside its folder"},
      {"badindex.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 9\n", ""},
      {"garbage.xyz", "one two three\n", "not a readable"},
      {"cloud.unknown", "1 2 3\n", "unknown point cloud extension"},
  };
  for (const auto& c : cases) {
    write_bytes(dir / c.name, c.bytes);
    try {
      if (gen::shape3d::is_mesh_extension(dir / c.name) || c.name.rfind("bad", 0) == 0 || c.name.rfind("long", 0) == 0)
        (void)read_mesh(dir / c.name);
      else (void)read_point_cloud(dir / c.name);
      ADD_FAILURE() << c.name << " was accepted";
    } catch (const gen::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(c.needle), std::string::npos) << c.name << ": " << e.what();
    }
  }
  EXPECT_THROW(read_mesh(dir / "good.ply"), gen::InputError);  // a cloud is not a mesh
  EXPECT_THROW(read_point_cloud(dir / "missing.ply"), gen::InputError);
}

TEST(Shape3dIo, WritesAtomicallyAndRefusesBadValues) {
  gen::test::TempDir dir;
  auto cloud = sphere(50);
  EXPECT_THROW(write_point_cloud(dir / "c.obj", cloud), gen::UsageError);  // a mesh format
  EXPECT_THROW(write_point_cloud(dir / "c.png", cloud), gen::UsageError);
  cloud.xyz[3][1] = NAN;
  EXPECT_THROW(write_point_cloud(dir / "c.ply", cloud), gen::InputError);
  auto dark = sphere(50);
  dark.rgb = dark.rgb * 2;
  EXPECT_THROW(write_point_cloud(dir / "c.ply", dark), gen::InputError);
  auto broken = tetrahedron();
  broken.faces[0][0] = 7;
  EXPECT_THROW(write_mesh(dir / "t.ply", broken), gen::InputError);
  EXPECT_THROW(write_point_cloud(dir / "no" / "such" / "dir.ply", sphere(50)), gen::Error);
  EXPECT_TRUE(fs::is_empty(dir.path()));  // nothing half-written
}

TEST(Shape3dSurface, EstimatedNormalsPointOutOfTheSolid) {
  auto s = sphere(800);
  s.normals = torch::Tensor();
  const auto n = estimate_normals(s).normals;
  const auto outward = (n * s.xyz).sum(1);
  EXPECT_GE((outward > 0.95).to(torch::kFloat32).mean().item<float>(), 0.99);

  const auto t = torus(64, 24);
  const auto tn = estimate_normals(t).normals;
  // Outward for a torus: away from the tube's centre line, also on the inner side where
  // "away from the centroid" would be wrong.
  auto ring = t.xyz.clone();
  ring.select(1, 1).zero_();
  ring = ring / ring.norm(2, 1, true);
  const auto away = (t.xyz - ring) / (t.xyz - ring).norm(2, 1, true);
  EXPECT_GE(((tn * away).sum(1) > 0.9).to(torch::kFloat32).mean().item<float>(), 0.98);
}

TEST(Shape3dSurface, PoissonMeshLiesOnTheSampledSphereWithItsColours) {
  auto s = sphere(3000);
  s.normals = torch::Tensor();  // estimated inside
  const auto mesh = poisson_reconstruct(s, {7, 0.02, {}});
  ASSERT_GT(mesh.face_count(), 500);
  const auto radius = mesh.vertices.norm(2, 1);
  EXPECT_LE((radius - 1).abs().mean().item<float>(), 0.02);
  ASSERT_TRUE(mesh.rgb.defined());
  // Colour follows height as in the cloud.
  const auto expected_red = (mesh.vertices.select(1, 1) + 1) / 2;
  EXPECT_LE((mesh.rgb.select(1, 0) - expected_red).abs().mean().item<float>(), 0.05);
  // Same input, same bytes.
  EXPECT_TRUE(poisson_reconstruct(s, {7, 0.02, {}}).vertices.equal(mesh.vertices));
  EXPECT_THROW(poisson_reconstruct(sphere(8)), gen::InputError);
}

}  // namespace
