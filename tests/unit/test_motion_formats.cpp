// Motion files: .npy (numpy's format), .json, read_motion/write_motion by extension, and
// the writers the generation host picks for motion samples (video extensions included).
#include <cstring>

#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/motion/bvh.h>
#include <gen/motion/humanml_features.h>
#include <gen/motion/motion_formats.h>
#include <gen/motion/motion_io.h>
#include <gen/motion/motion_json.h>
#include <gen/motion/npy.h>
#include <gen/video/video_formats.h>
#include <gen/video/video_io.h>

#include "motion_fixtures.h"
#include "test_util.h"

using namespace gen::motion;
using gen::test::walking_motion;

namespace {

float max_joint_distance(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).norm(2, -1).max().item<float>(); }

// A .npy file by hand: magic, version 1.0, header length, header, data.
std::string npy_file(const std::string& header, const std::string& data) {
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  return out + header + data;
}

std::string floats(std::initializer_list<float> values, bool big_endian = false) {
  std::string out;
  for (float v : values) {
    char b[4];
    std::memcpy(b, &v, 4);
    if (big_endian) std::swap(b[0], b[3]), std::swap(b[1], b[2]);
    out.append(b, 4);
  }
  return out;
}

gen::Sample motion_sample(const Motion& m) {
  gen::Sample s;
  s.data = m.positions;
  s.metadata = {{"fps", m.fps}, {"skeleton", m.skeleton.name}};
  return s;
}

}  // namespace

TEST(Npy, WritesNumpysVersionOneLayout) {
  const auto a = torch::arange(12, torch::kFloat32).reshape({2, 2, 3});
  const auto bytes = encode_npy(a);
  ASSERT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const size_t header = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
  EXPECT_EQ((10 + header) % 64, 0u);
  EXPECT_EQ(bytes.substr(10, 62), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 3), }");
  EXPECT_EQ(bytes[10 + header - 1], '\n');
  EXPECT_EQ(bytes.size(), 10 + header + 48);
  EXPECT_TRUE(torch::equal(decode_npy(bytes), a));
  EXPECT_NE(encode_npy(torch::ones({263}, torch::kFloat64)).find("'descr': '<f8', 'fortran_order': False, 'shape': (263,), }"),
            std::string::npos);
  EXPECT_THROW(encode_npy(torch::ones({2}, torch::kInt32)), gen::Error);
}

TEST(Npy, ReadsFortranOrderAndBigEndian) {
  auto f = decode_npy(npy_file("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", floats({1, 4, 2, 5, 3, 6})));
  EXPECT_TRUE(torch::equal(f, torch::tensor({{1.0f, 2.0f, 3.0f}, {4.0f, 5.0f, 6.0f}})));
  auto b = decode_npy(npy_file("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", floats({1.5f, -2}, true)));
  EXPECT_TRUE(torch::equal(b, torch::tensor({1.5f, -2.0f})));
}

TEST(Npy, RefusesMalformedFiles) {
  const std::string ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "signature"},
      {std::string("\x93NUMPY\x09\x00\x05\x00", 10), "version 9"},
      {npy_file(ok, floats({1})), "needs 8 bytes of data, the file has 4"},
      {npy_file(ok, floats({1, 2, 3})), "needs 8 bytes"},
      {npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", floats({1, 2})), "'<i4' is not float32"},
      {npy_file("{'descr': '<f4', 'shape': (2,), }", floats({1, 2})), "lacks"},
      {npy_file("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", floats({1, 2})), "neither True nor False"},
      {npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", ""), "non-negative integer"},
      {npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", ""), "too large"},
      {npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", floats({1, 2})), "unknown header key"},
      {npy_file("[1, 2]", ""), "expected '{'"},
      {std::string("\x93NUMPY\x01\x00\xff\xff", 10) + "{", "beyond the file"},
  };
  for (const auto& [bytes, needle] : cases) {
    try {
      decode_npy(bytes, "t.npy");
      ADD_FAILURE() << "accepted a file that should fail with '" << needle << "'";
    } catch (const gen::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("t.npy: ", 0), 0u) << e.what();
    }
  }
  gen::test::TempDir dir;
  gen::test::write_text(dir / "big.npy", std::string(2000, 'x'));
  EXPECT_THROW(read_npy(dir / "big.npy", 1000), gen::InputError);
}

TEST(MotionJson, RoundTripsPositionsAndSkeleton) {
  gen::test::TempDir dir;
  const auto m = walking_motion(15, 20, 45);
  write_motion_json(dir / "walk.json", m);
  const auto doc = nlohmann::json::parse(gen::test::read_text(dir / "walk.json"));
  EXPECT_EQ(doc["format"], "gen-motion");
  EXPECT_EQ(doc["skeleton"], "smpl22");
  EXPECT_EQ(doc["joints"][1], "left_hip");
  EXPECT_EQ(doc["parents"][4], 1);
  EXPECT_EQ(doc["frames"], 15);
  EXPECT_EQ(doc["positions"].size(), 15u);
  EXPECT_EQ(doc["positions"][3].size(), 22u);
  const auto back = read_motion_json(dir / "walk.json");
  EXPECT_TRUE(same_layout(back.skeleton, smpl22()));
  EXPECT_EQ(back.skeleton.name, "smpl22");
  EXPECT_EQ(back.fps, 20);
  EXPECT_LT(max_joint_distance(back.positions, m.positions), 2e-6);
  // Another skeleton: names, parents and offsets come from the file.
  const auto custom = decode_motion_json(
      R"({"fps": 10, "joints": ["a", "b"], "parents": [-1, 0], "positions": [[[0,1,0],[0,2,0]], [[1,1,0],[1,2,0]]]})");
  EXPECT_EQ(custom.skeleton.name, "custom");
  EXPECT_EQ(custom.skeleton.joints, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(torch::allclose(custom.skeleton.offsets[1], torch::tensor({0.0f, 1.0f, 0.0f})));
  // A known skeleton by name alone.
  EXPECT_EQ(decode_motion_json(encode_motion_json(m)).frame_count(), 15);
}

TEST(MotionJson, RefusesMalformedDocuments) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "not JSON"},
      {"[1, 2]", "not a JSON object"},
      {R"({"positions": [[[0,0,0]]]})", "no \"fps\""},
      {R"({"fps": "fast", "positions": [[[0,0,0]]]})", "\"fps\" must be a number"},
      {R"({"fps": 20, "skeleton": "smpl22", "positions": [[[0,0,0]]]})", "[frames, 22, 3]"},
      {R"({"fps": 20, "skeleton": "robot", "positions": [[[0,0,0]]]})", "not a known name"},
      {R"({"fps": 20, "joints": ["a","b"], "parents": [-1,0], "positions": [[[0,0,0],[0,1,0]], [[0,0,0]]]})", "frame 1 does not have 2 joints"},
      {R"({"fps": 20, "joints": ["a","b"], "parents": [-1,0], "positions": [[[0,0,0],[0,1]]]})", "is not [x, y, z]"},
      {R"({"fps": 20, "joints": ["a","b"], "parents": [-1,5], "positions": [[[0,0,0],[0,1,0]]]})", "parent"},
      {R"({"fps": 20, "joints": ["a","a"], "parents": [-1,0], "positions": [[[0,0,0],[0,1,0]]]})", "unique"},
      {R"({"fps": 0, "joints": ["a"], "parents": [-1], "positions": [[[0,0,0]]]})", "frame rate"},
      {R"({"fps": 20, "version": 2, "positions": [[[0,0,0]]]})", "version"},
  };
  for (const auto& [text, needle] : cases) {
    try {
      decode_motion_json(text, "t.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const gen::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
  }
}

TEST(MotionIo, ReadsAndWritesByExtension) {
  gen::test::TempDir dir;
  const auto m = walking_motion(20, 20, 30);
  for (const char* name : {"m.bvh", "m.json", "m.NPY"}) {
    write_motion(dir / name, m);
    const auto back = read_motion(dir / name);
    EXPECT_TRUE(same_layout(back.skeleton, smpl22())) << name;
    EXPECT_EQ(back.fps, 20) << name;
    EXPECT_LT(max_joint_distance(back.positions, m.positions), 1e-4) << name;
  }
  // HumanML3D's feature files read as their decoded positions.
  write_npy(dir / "vecs.npy", humanml_encode(m));
  const auto decoded = read_motion(dir / "vecs.npy");
  EXPECT_EQ(decoded.frame_count(), 19);
  EXPECT_LT(max_joint_distance(decoded.positions, humanml_canonicalize(m.positions).slice(0, 0, 19)), 1e-4);
  write_npy(dir / "other.npy", torch::zeros({4, 5, 3}));
  EXPECT_THROW(read_motion(dir / "other.npy"), gen::InputError);
  EXPECT_THROW(read_motion(dir / "m.txt"), gen::InputError);
  EXPECT_THROW(write_motion(dir / "m.txt", m), gen::UsageError);
  EXPECT_THROW(read_motion(dir / "missing.bvh"), gen::InputError);
}

TEST(MotionFormats, HostPicksMotionWritersForMotionSamples) {
  gen::OutputFormats formats;
  gen::video::add_video_formats(formats);
  add_motion_formats(formats);
  for (const char* ext : {".bvh", ".json", ".npy", ".mp4", ".webm", ".gif"})
    EXPECT_NE(formats.find(std::string("x") + ext, gen::Modality::motion), nullptr) << ext;
  // The same extension, another writer for video samples.
  EXPECT_NE(formats.find("x.mp4", gen::Modality::motion), formats.find("x.mp4", gen::Modality::video));
  EXPECT_EQ(formats.find("x.bvh", gen::Modality::video), nullptr);
  EXPECT_EQ(formats.find("x.png", gen::Modality::motion), nullptr);

  gen::test::TempDir dir;
  const auto m = walking_motion(16, 20, 40);
  const auto sample = motion_sample(m);
  (*formats.find("w.bvh", gen::Modality::motion))(dir / "w.bvh", sample.data, sample);
  EXPECT_LT(max_joint_distance(read_bvh(dir / "w.bvh").positions, m.positions), 1e-4);
  (*formats.find("w.gif", gen::Modality::motion))(dir / "w.gif", sample.data, sample);
  const auto gif = gen::video::read_video(dir / "w.gif");
  EXPECT_EQ(gif.frame_count(), 16);
  EXPECT_EQ(gif.width(), 320);
  EXPECT_NEAR(gif.fps.value(), 20, 0.5);
  (*formats.find("w.mp4", gen::Modality::motion))(dir / "w.mp4", sample.data, sample);
  EXPECT_EQ(gen::video::read_video(dir / "w.mp4").frame_count(), 16);
  // A preview sample has no metadata: 22 joints are smpl22 at 20 fps.
  gen::Sample bare;
  bare.data = m.positions;
  (*formats.find("p.npy", gen::Modality::motion))(dir / "p.npy", bare.data, bare);
  EXPECT_EQ(read_motion(dir / "p.npy").frame_count(), 16);
}

TEST(MotionFormats, MalformedSamplesAreErrors) {
  const auto m = walking_motion(4);
  auto sample = motion_sample(m);
  EXPECT_NO_THROW(motion_from_sample(sample.data, sample));
  EXPECT_THROW(motion_from_sample(sample.data.to(torch::kUInt8), sample), gen::Error);
  EXPECT_THROW(motion_from_sample(sample.data.reshape({4, 66}), sample), gen::Error);
  sample.metadata["skeleton"] = "robot";
  EXPECT_THROW(motion_from_sample(sample.data, sample), gen::Error);
  sample.metadata.erase("skeleton");
  EXPECT_THROW(motion_from_sample(torch::zeros({4, 5, 3}), sample), gen::Error);
  sample.metadata["fps"] = "fast";
  EXPECT_THROW(motion_from_sample(sample.data, sample), gen::Error);
  sample = motion_sample(m);
  sample.data = sample.data.clone();
  sample.data[1][2][0] = NAN;
  EXPECT_THROW(motion_from_sample(sample.data, sample), gen::Error);
}
