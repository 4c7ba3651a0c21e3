// gen's PCD reader (modalities/shape3d/src/pcd_reader.cpp): the three encodings PCL
// writes — ASCII, binary records, LZF binary_compressed stored field after field — with
// packed colours, 8-byte floats, multi-value fields and NaN holes; and the headers
// Open3D's reader trusted, each refused with one gen::InputError that says why.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include <gen/error.h>
#include <gen/shape3d/shape_io.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using gen::shape3d::read_point_cloud;

template <class T>
void append(std::string& s, T v) {
  s.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// An LZF stream of literal runs only (control byte n < 32: n + 1 bytes follow), which
// every LZF decoder must accept.
std::string lzf_literals(const std::string& raw) {
  std::string out;
  for (size_t at = 0; at < raw.size(); at += 32) {
    const auto run = raw.substr(at, 32);
    out.push_back(static_cast<char>(run.size() - 1));
    out += run;
  }
  return out;
}

fs::path write_pcd_file(const gen::test::TempDir& dir, const std::string& name, const std::string& bytes) {
  std::ofstream(dir / name, std::ios::binary) << bytes;
  return dir / name;
}

const std::string kXyzRgbHeader =
    "# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\nFIELDS x y z rgb\nSIZE 4 4 4 4\nTYPE F F F U\n"
    "COUNT 1 1 1 1\nWIDTH 3\nHEIGHT 1\nVIEWPOINT 0 0 0 1 0 0 0\nPOINTS 3\n";

TEST(Shape3dPcd, ReadsAsciiWithPackedColoursAndDropsNanHoles) {
  gen::test::TempDir dir;
  const auto cloud = read_point_cloud(
      write_pcd_file(dir, "a.pcd", kXyzRgbHeader + "DATA ascii\n0.5 -1 2 16711680\nnan nan nan 0\n1 2 3 255\n"));
  ASSERT_EQ(cloud.size(), 2);
  EXPECT_TRUE(torch::allclose(cloud.xyz, torch::tensor({0.5f, -1.f, 2.f, 1.f, 2.f, 3.f}).view({2, 3})));
  ASSERT_TRUE(cloud.has_colors());
  EXPECT_TRUE(torch::allclose(cloud.rgb, torch::tensor({1.f, 0.f, 0.f, 0.f, 0.f, 1.f}).view({2, 3})));
  EXPECT_FALSE(cloud.has_normals());
}

TEST(Shape3dPcd, ReadsBinaryRecordsWithDoublesAndMultiValueFields) {
  gen::test::TempDir dir;
  std::string bytes =
      "VERSION 0.7\nFIELDS pad x y z normal_x normal_y normal_z\nSIZE 1 8 8 8 4 4 4\nTYPE U F F F F F F\n"
      "COUNT 3 1 1 1 1 1 1\nWIDTH 2\nHEIGHT 1\nPOINTS 2\nDATA binary\n";
  for (int p = 0; p < 2; ++p) {
    bytes += "abc";  // the 3-byte field before x shifts every offset
    for (double v : {1.0 + p, 2.0 + p, 3.0 + p}) append(bytes, v);
    for (float v : {0.f, 1.f, 0.f}) append(bytes, v);
  }
  const auto cloud = read_point_cloud(write_pcd_file(dir, "b.pcd", bytes));
  ASSERT_EQ(cloud.size(), 2);
  EXPECT_TRUE(torch::allclose(cloud.xyz, torch::tensor({1.f, 2.f, 3.f, 2.f, 3.f, 4.f}).view({2, 3})));
  ASSERT_TRUE(cloud.has_normals());
  EXPECT_TRUE(torch::allclose(cloud.normals, torch::tensor({0.f, 1.f, 0.f, 0.f, 1.f, 0.f}).view({2, 3})));
  EXPECT_FALSE(cloud.has_colors());
}

TEST(Shape3dPcd, ReadsBinaryCompressedFieldAfterField) {
  gen::test::TempDir dir;
  std::string raw;  // all x, then all y, all z, all rgb (PCL's compressed layout)
  for (float v : {1.f, 4.f}) append(raw, v);
  for (float v : {2.f, 5.f}) append(raw, v);
  for (float v : {3.f, 6.f}) append(raw, v);
  for (uint32_t v : {0x00ff0000u, 0x0000ff00u}) append(raw, v);
  const auto packed = lzf_literals(raw);
  std::string bytes = kXyzRgbHeader;
  bytes.replace(bytes.find("WIDTH 3"), 7, "WIDTH 2").replace(bytes.find("POINTS 3"), 8, "POINTS 2");
  bytes += "DATA binary_compressed\n";
  append(bytes, static_cast<uint32_t>(packed.size()));
  append(bytes, static_cast<uint32_t>(raw.size()));
  const auto cloud = read_point_cloud(write_pcd_file(dir, "c.pcd", bytes + packed));
  ASSERT_EQ(cloud.size(), 2);
  EXPECT_TRUE(torch::allclose(cloud.xyz, torch::tensor({1.f, 2.f, 3.f, 4.f, 5.f, 6.f}).view({2, 3})));
  EXPECT_TRUE(torch::allclose(cloud.rgb, torch::tensor({1.f, 0.f, 0.f, 0.f, 1.f, 0.f}).view({2, 3})));

  // The same file with its sizes lying, and with its stream corrupted.
  std::string lying = bytes;
  std::memset(&lying[lying.size() - 4], 0x7f, 2);
  EXPECT_THROW(read_point_cloud(write_pcd_file(dir, "lying.pcd", lying + packed)), gen::InputError);
  std::string corrupt = packed;
  corrupt[0] = static_cast<char>(0xe0);  // a back-reference before the start
  EXPECT_THROW(read_point_cloud(write_pcd_file(dir, "corrupt.pcd", bytes + corrupt)), gen::InputError);
}

TEST(Shape3dPcd, RefusesHeadersOpen3dTrusted) {
  gen::test::TempDir dir;
  struct Case {
    std::string name, bytes, needle;
  };
  const std::string fields = "FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\n";
  const std::vector<Case> cases = {
      {"nodata.pcd", fields + "WIDTH 1\nHEIGHT 1\n", "no DATA line"},
      {"nowidth.pcd", fields + "POINTS 1\nDATA ascii\n1 2 3\n", "WIDTH"},
      {"mismatch.pcd", fields + "WIDTH 2\nHEIGHT 1\nPOINTS 5\nDATA ascii\n1 2 3\n", "WIDTH x HEIGHT"},
      {"nosize.pcd", "FIELDS x y z\nTYPE F F F\nWIDTH 1\nHEIGHT 1\nDATA ascii\n1 2 3\n", "SIZE"},
      {"shortsize.pcd", "FIELDS x y z\nSIZE 4 4\n", "2 entries for 3 fields"},
      {"badsize.pcd", "FIELDS x y z\nSIZE 4 4 3\n", "not 1, 2, 4 or 8"},
      {"badtype.pcd", "FIELDS x y z\nSIZE 4 4 4\nTYPE F F Q\n", "TYPE"},
      {"noz.pcd", "FIELDS x y w\nSIZE 4 4 4\nTYPE F F F\nWIDTH 1\nHEIGHT 1\nDATA ascii\n1 2 3\n", "no z field"},
      {"negative.pcd", fields + "WIDTH -4\n", "WIDTH"},
      {"huge.pcd", fields + "WIDTH 2000000000\nHEIGHT 1\nDATA binary\n" + std::string(64, '\0'), "over the limit"},
      {"truncated.pcd", fields + "WIDTH 4\nHEIGHT 1\nDATA binary\n" + std::string(40, '\0'), "truncated"},
      {"shortascii.pcd", fields + "WIDTH 3\nHEIGHT 1\nDATA ascii\n1 2 3\n4 5 6\n", "truncated"},
      {"wrongcount.pcd", fields + "WIDTH 2\nHEIGHT 1\nDATA ascii\n1 2 3\n4 5\n0 0 0 0\n", "has 2 values"},
      {"text.pcd", fields + "WIDTH 1\nHEIGHT 1\nDATA ascii\n1 two 3\n", "not a number"},
      {"allnan.pcd", fields + "WIDTH 1\nHEIGHT 1\nDATA ascii\nnan nan nan\n", "no point has finite"},
      {"unknown.pcd", "FIELDS x y z\nBOGUS 1\n", "unknown header line"},
  };
  for (const auto& c : cases) {
    try {
      (void)read_point_cloud(write_pcd_file(dir, c.name, c.bytes));
      ADD_FAILURE() << c.name << " was accepted";
    } catch (const gen::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(c.needle), std::string::npos) << c.name << ": " << e.what();
    }
  }
  // The fuzzer's input that crashed Open3D's reader now and then: no COUNT, WIDTH, POINTS
  // or DATA (its first byte chose the extension).
  const auto finding = gen::test::read_text(fs::path(GEN_SOURCE_DIR) / "fuzz" / "findings" / "mesh-pcd-crash-e4d46469");
  ASSERT_GT(finding.size(), 1u);
  EXPECT_THROW(read_point_cloud(write_pcd_file(dir, "finding.pcd", finding.substr(1))), gen::InputError);
}

}  // namespace
