// gen's OFF and STL readers (modalities/shape3d/src/off_reader.cpp, stl_reader.cpp):
// the variants other tools write — COFF with 0–255 or 0–1 colours, NOFF, comments,
// ModelNet's "OFF1234 ..." header, polygons, faceless OFF clouds; binary STL (also one
// whose header starts with "solid"), ASCII STL with several solids — and the files
// Open3D's readers died on, each refused with one gen::InputError that says why.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include <gen/error.h>
#include <gen/shape3d/shape_io.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::shape3d::read_mesh;
using gen::shape3d::read_point_cloud;

fs::path write(const gen::test::TempDir& dir, const std::string& name, const std::string& bytes) {
  std::ofstream(dir / name, std::ios::binary) << bytes;
  return dir / name;
}

torch::Tensor rows(std::vector<float> v) { return torch::tensor(v).view({-1, 3}); }

TEST(Shape3dOff, ReadsColoursNormalsCommentsAndPolygons) {
  gen::test::TempDir dir;
  // A unit square as one quad (a fan of 2 triangles) plus a triangle, colours 0–255 with alpha.
  const auto quad = read_mesh(write(dir, "q.off",
                                    "# made by hand\nCOFF\n5 2 0\n0 0 0 255 0 0 255\n1 0 0 0 255 0 255  # corner\n"
                                    "1 1 0 0 0 255 255\n0 1 0 255 255 255 255\n\n0 0 1 0 0 0 255\n"
                                    "4 0 1 2 3 0.5 0.5 0.5\n3 0 1 4\n"));
  ASSERT_EQ(quad.vertex_count(), 5);
  EXPECT_TRUE(quad.faces.equal(torch::tensor({0, 1, 2, 0, 2, 3, 0, 1, 4}, torch::kInt64).view({3, 3})));
  ASSERT_TRUE(quad.rgb.defined());
  EXPECT_TRUE(torch::allclose(quad.rgb[1], torch::tensor({0.f, 1.f, 0.f})));
  EXPECT_TRUE(torch::allclose(quad.rgb[3], torch::ones({3})));
  EXPECT_FALSE(quad.normals.defined());

  // 0–1 colours stay as they are; NOFF normals come before the colour.
  const auto lit = read_mesh(write(dir, "n.off", "CNOFF 3 1 0\n0 0 0 0 0 1 0.5 0.25 0\n1 0 0 0 0 1 1 1 1\n0 1 0 0 0 1 0 0 0\n3 2 1 0\n"));
  EXPECT_TRUE(torch::allclose(lit.rgb[0], torch::tensor({0.5f, 0.25f, 0.f})));
  ASSERT_TRUE(lit.normals.defined());
  EXPECT_TRUE(torch::allclose(lit.normals, rows({0, 0, 1, 0, 0, 1, 0, 0, 1})));
  EXPECT_TRUE(torch::allclose(lit.vertices, rows({0, 0, 0, 1, 0, 0, 0, 1, 0})));

  // ModelNet's files glue the vertex count to the keyword; the keyword is optional.
  for (const char* text : {"OFF3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n", "3 1\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n"}) {
    const auto m = read_mesh(write(dir, "m.off", text));
    EXPECT_EQ(m.vertex_count(), 3) << text;
    EXPECT_EQ(m.face_count(), 1) << text;
  }
}

TEST(Shape3dOff, AFacelessFileIsACloudNotAMesh) {
  gen::test::TempDir dir;
  const auto p = write(dir, "cloud.off", "OFF\n4 0 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n");
  EXPECT_EQ(read_point_cloud(p).size(), 4);
  try {
    (void)read_mesh(p);
    ADD_FAILURE() << "a faceless OFF was read as a mesh";
  } catch (const gen::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no faces"), std::string::npos) << e.what();
  }
}

std::string binary_stl(const std::string& header80, const std::vector<std::array<float, 9>>& triangles) {
  std::string s = header80;
  s.resize(80, ' ');
  const auto n = static_cast<uint32_t>(triangles.size());
  s.append(reinterpret_cast<const char*>(&n), 4);
  for (const auto& t : triangles) {
    const float normal[3] = {0, 0, 1};
    s.append(reinterpret_cast<const char*>(normal), 12);
    s.append(reinterpret_cast<const char*>(t.data()), 36);
    s.append(2, '\0');
  }
  return s;
}

TEST(Shape3dStl, ReadsBinaryAndAsciiAndMergesEqualCorners) {
  gen::test::TempDir dir;
  // Two triangles of a square share an edge: 4 vertices, not 6. The header starts with
  // "solid", as some exporters write it; the size says binary.
  const std::vector<std::array<float, 9>> square = {{{0, 0, 0, 1, 0, 0, 1, 1, 0}}, {{0, 0, 0, 1, 1, 0, -0.0f, 1, 0}}};
  const auto bin = read_mesh(write(dir, "b.stl", binary_stl("solid exported by a CAD tool", square)));
  EXPECT_EQ(bin.vertex_count(), 4);
  ASSERT_EQ(bin.face_count(), 2);
  EXPECT_TRUE(torch::allclose(bin.vertices.index_select(0, bin.faces[1]), rows({0, 0, 0, 1, 1, 0, 0, 1, 0})));

  const std::string facet = "  facet normal 0 0 1\n    outer loop\n      vertex 0 0 0\n      vertex 1 0 0\n"
                            "      vertex 1 1 0\n      vertex 0 1 0\n    endloop\n  endfacet\n";
  const auto text = read_mesh(write(dir, "a.stl", "solid one\n" + facet + "endsolid one\nsolid two\r\n  facet normal 0 0 1\r\n"
                                                  "  outer loop\r\n vertex 0 0 1e0\r\n vertex 1 0 1\r\n vertex 0 1 1\r\n"
                                                  " endloop\r\n endfacet\r\nendsolid\r\n"));
  EXPECT_EQ(text.vertex_count(), 7);  // a quad facet (a fan of 2) and a triangle apart from it
  EXPECT_EQ(text.face_count(), 3);
  EXPECT_EQ(read_point_cloud(dir / "a.stl").size(), 7);
}

TEST(Shape3dOffStl, RoundTripsWhatOpen3DWrites) {
  gen::test::TempDir dir;
  gen::shape3d::Mesh cube;
  cube.vertices = rows({0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1});
  cube.faces = torch::tensor({0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 2, 3, 7, 2, 7, 6, 1, 2, 6, 1, 6, 5, 0, 4, 7, 0, 7, 3},
                             torch::kInt64).view({12, 3});
  cube.rgb = cube.vertices.clone();
  for (const char* ext : {".off", ".stl"}) {
    for (const bool ascii : {false, true}) {
      const auto p = dir / (std::string(ascii ? "ascii" : "binary") + ext);
      gen::shape3d::write_mesh(p, cube, {ascii});
      const auto back = read_mesh(p);
      EXPECT_EQ(back.vertex_count(), 8) << p;  // STL's 36 corners merged back into 8
      EXPECT_EQ(back.face_count(), 12) << p;
      const auto [gap, nearest] = torch::cdist(back.vertices, cube.vertices).min(1);
      EXPECT_LE(gap.max().item<float>(), 1e-6) << p;
      // Every triangle is one of the cube's, up to its corners' order.
      const auto mapped = nearest.index({back.faces.flatten()}).view({-1, 3});
      const auto key = [](const torch::Tensor& f) { return std::get<0>(f.sort(1)); };
      const auto have = key(mapped), want = key(cube.faces);
      for (int64_t i = 0; i < have.size(0); ++i)
        EXPECT_TRUE((want == have[i]).all(1).any().item<bool>()) << p << " triangle " << i;
      if (back.rgb.defined()) EXPECT_TRUE(torch::allclose(back.rgb, cube.rgb.index_select(0, nearest), 0, 0.5 / 255 + 1e-6)) << p;
    }
  }
}

TEST(Shape3dOffStl, RefusesHostileAndTruncatedFiles) {
  gen::test::TempDir dir;
  struct Case {
    std::string name, bytes, needle;
  };
  const std::string tri = "0 0 0\n1 0 0\n0 1 0\n";
  const std::vector<Case> cases = {
      {"nocounts.off", "OFF\n", "no vertex and face counts"},
      {"keyword.off", "PLY\n3 1 0\n" + tri, "does not start with OFF"},
      {"fourd.off", "4OFF\n3 1 0\n", "only 3D"},
      {"binary.off", "OFF BINARY\n", "binary OFF"},
      {"huge.off", "OFF\n4000000000 1 0\n" + tri, "vertex count"},
      {"negative.off", "OFF\n-3 1 0\n" + tri, "vertex count"},
      {"short.off", "OFF\n300 1 0\n" + tri + "3 0 1 2\n", "truncated"},
      {"fewfaces.off", "OFF\n3 2 0\n" + tri + "3 0 1 2\n", "1 of 2 faces"},
      {"badindex.off", "OFF\n3 1 0\n" + tri + "3 0 1 7\n", "vertex index"},
      {"badsize.off", "OFF\n3 1 0\n" + tri + "9 0 1 2\n", "a face of 9 vertices lists 3"},
      {"garbage.off", "OFF\n3 1 0\n" + tri + "\xd3\xdf\xcf\xdf" "2 1\n", "face size"},
      {"text.off", "OFF\n3 1 0\n0 0 0\n1 zero 0\n0 1 0\n3 0 1 2\n", "not a number"},
      {"nan.off", "OFF\n3 1 0\n0 0 nan\n1 0 0\n0 1 0\n3 0 1 2\n", "NaN"},
      {"colormap.off", "COFF\n3 1 0\n0 0 0 7\n1 0 0 7\n0 1 0 7\n3 0 1 2\n", "colour-map"},
      {"bright.off", "COFF\n3 1 0\n0 0 0 300 0 0\n1 0 0 0 0 0\n0 1 0 0 0 0\n3 0 1 2\n", "outside [0, 255]"},
      {"mixed.off", "OFF\n3 1 0\n0 0 0 1 0 0\n1 0 0\n0 1 0\n3 0 1 2\n", "some vertices have colours"},
      {"empty.stl", "", "empty"},
      {"short.stl", binary_stl("x", {{{0, 0, 0, 1, 0, 0, 0, 1, 0}}}).substr(0, 120), "truncated"},
      {"notsolid.stl", "hello\n", "no \"solid\""},
      {"nofacet.stl", "solid x\n  vertex 0 0 0\nendsolid\n", "\"facet\""},
      {"twocorners.stl", "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nendloop\nendfacet\nendsolid\n",
       "fewer than 3 corners"},
      {"noendloop.stl", "solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\n", "endloop"},
      {"faceless.stl", "solid x\nendsolid x\n", "no triangles"},
      {"inf.stl", binary_stl("x", {{{0, 0, 0, 1, 0, 0, 0, INFINITY, 0}}}), "NaN or infinite"},
  };
  for (const auto& c : cases) {
    const auto p = write(dir, c.name, c.bytes);
    try {
      (void)read_mesh(p);
      ADD_FAILURE() << c.name << " was accepted";
    } catch (const gen::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(c.needle), std::string::npos) << c.name << ": " << e.what();
    }
  }
  // The mesh fuzzer's findings that killed the process inside Open3D's readers, as
  // both extensions (the first byte chose the extension).
  for (const char* name : {"mesh-off-crash-1cedef8b", "mesh-stl-crash-2936d8ad"}) {
    const auto finding = gen::test::read_text(fs::path(GEN_SOURCE_DIR) / "fuzz" / "findings" / name);
    ASSERT_GT(finding.size(), 1u) << name;
    for (const char* ext : {".off", ".stl"}) {
      const auto p = write(dir, std::string("finding") + ext, finding.substr(1));
      EXPECT_THROW(read_mesh(p), gen::InputError) << name << ext;
      EXPECT_THROW(read_point_cloud(p), gen::InputError) << name << ext;
    }
  }
}

}  // namespace
