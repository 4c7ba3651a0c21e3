// End-to-end: `gen motion -o walk.bvh|.json|.npy|.mp4|.webm|.gif` through the motion
// writers, with a test plugin that returns a procedural walk (tests/plugins/motion_walk.cpp).
#include <gen/motion/bvh.h>
#include <gen/motion/motion_io.h>
#include <gen/video/video_io.h>

#include "test_util.h"

namespace fs = std::filesystem;
using gen::test::run_gen;
using gen::test::TempDir;

namespace {

// The walk plugin alone in a plugin folder.
std::vector<std::string> walk_env(const TempDir& dir) {
  fs::create_directories(dir / "plugins");
  fs::copy_file(fs::path(GEN_TEST_PLUGIN_DIR) / "libtest_plugin_motion_walk.so", dir / "plugins" / "libmotion_walk.so");
  return {"GEN_PLUGIN_PATH=" + (dir / "plugins").string()};
}

}  // namespace

TEST(MotionCli, WritesEveryMotionFormatByExtension) {
  TempDir dir;
  const auto env = walk_env(dir);
  for (const char* name : {"walk.bvh", "walk.json", "walk.npy"}) {
    const auto out = dir / name;
    auto r = run_gen({"motion", "-m", "walk", "-p", "walk", "--frames", "24", "-o", out.string(), "-q"}, env);
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_EQ(r.out, out.string() + "\n");
    const auto m = gen::motion::read_motion(out);
    EXPECT_EQ(m.frame_count(), 24) << name;
    EXPECT_EQ(m.skeleton.name, "smpl22") << name;
    EXPECT_TRUE(fs::exists(out.string() + ".json")) << name;  // the sidecar
  }
  // .mp4 and .gif are video extensions too: a motion sample still gets the stick figure.
  for (const char* name : {"walk.mp4", "walk.gif", "walk.webm"}) {
    const auto out = dir / name;
    auto r = run_gen({"motion", "-m", "walk", "-p", "walk", "--frames", "12", "--fps", "12", "-o", out.string(), "-q"}, env);
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    const auto clip = gen::video::read_video(out);
    EXPECT_EQ(clip.frame_count(), 12) << name;
    EXPECT_EQ(clip.width(), 320) << name;
    EXPECT_NEAR(clip.fps.value(), 12, 0.5) << name;
  }
}

TEST(MotionCli, BadMotionFilesAndFormatsAreOneLine) {
  TempDir dir;
  const auto env = walk_env(dir);
  // A motion input the library refuses: exit 3, one line naming the file and line.
  gen::test::write_text(dir / "bad.bvh", "HIERARCHY\nROOT hips\n{\nOFFSET 0 zero 0\n");
  auto r = run_gen({"motion", "-m", "walk", "-p", "walk", "-i", (dir / "bad.bvh").string(), "-o",
                    (dir / "out.bvh").string(), "-q"},
                   env);
  gen::test::expect_one_error_line(r, 3, "bad.bvh:4: OFFSET value 'zero' is not a number");
  EXPECT_FALSE(fs::exists(dir / "out.bvh"));
  // A good one goes through: a BVH in, JSON out.
  r = run_gen({"motion", "-m", "walk", "-p", "walk", "--frames", "6", "-o", (dir / "walk.bvh").string(), "-q"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_gen({"motion", "-m", "walk", "-p", "walk", "-i", (dir / "walk.bvh").string(), "-o", (dir / "copy.json").string(),
               "-q"},
              env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gen::motion::read_motion(dir / "copy.json").frame_count(), 6);
  // A file a motion cannot be written as: exit 2, naming the motion formats.
  r = run_gen({"motion", "-m", "walk", "-p", "walk", "-o", (dir / "walk.png").string(), "-q"}, env);
  gen::test::expect_one_error_line(r, 2, ".bvh, .json, .npy, .mp4, .webm, .gif");
}
