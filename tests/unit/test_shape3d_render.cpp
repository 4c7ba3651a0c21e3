// Turntable previews and the host's 3D writers: what the camera sees of a known cloud
// (a red ball in front of a white background, its silhouette centred and round from
// every side), the view count, bad options, and every output extension of a 3D sample.
#include <gtest/gtest.h>

#include <gen/error.h>
#include <gen/image/image_io.h>
#include <gen/shape3d/shape3d_formats.h>
#include <gen/shape3d/shape_io.h>
#include <gen/shape3d/turntable.h>
#include <gen/video/video_io.h>

#include "test_util.h"

namespace {

gen::shape3d::PointCloud red_ball(int64_t n, double radius, torch::Tensor offset = torch::zeros({3})) {
  torch::manual_seed(5);
  auto xyz = torch::randn({n, 3});
  xyz = xyz / xyz.norm(2, 1, true) * radius + offset;
  return {xyz, torch::tensor({0.9f, 0.1f, 0.1f}).repeat({n, 1}), {}};
}

TEST(Turntable, ABallIsARedDiscInTheMiddleOfEveryView) {
  gen::shape3d::TurntableOptions o;
  o.views = 4;
  o.width = o.height = 64;
  const auto frames = gen::shape3d::render_turntable(red_ball(2000, 0.5, torch::tensor({3.f, 1.f, -2.f})), o);
  ASSERT_EQ(frames.sizes(), torch::IntArrayRef({4, 64, 64, 3}));
  ASSERT_EQ(frames.scalar_type(), torch::kUInt8);
  for (int v = 0; v < 4; ++v) {
    auto f = frames[v].to(torch::kInt32);
    auto centre = f[32][32];
    EXPECT_GT(centre[0].item<int>(), 150) << "view " << v;  // red, and lit
    EXPECT_LT(centre[1].item<int>(), 60) << "view " << v;
    for (auto corner : {f[0][0], f[0][63], f[63][0], f[63][63]}) EXPECT_EQ(corner.sum().item<int>(), 3 * 255);
    // The silhouette is as wide as it is high (a sphere), and fills most of the frame.
    auto red = (f.select(2, 0) - f.select(2, 1)) > 80;
    const auto cols = red.any(0).sum().item<int64_t>(), rows = red.any(1).sum().item<int64_t>();
    EXPECT_NEAR(cols, rows, 4) << "view " << v;
    EXPECT_GT(cols, 32) << "view " << v;
    EXPECT_LT(cols, 62) << "view " << v;
  }
}

TEST(Turntable, ViewsGoRoundTheUpAxis) {
  // A tall thin stick along x: wide from the front (view 0 looks along -z), thin from the side.
  auto xyz = torch::stack({torch::linspace(-1, 1, 400), torch::zeros({400}), torch::zeros({400})}, 1);
  gen::shape3d::TurntableOptions o;
  o.views = 4;
  o.width = o.height = 64;
  o.elevation_deg = 0;
  const auto frames = gen::shape3d::render_turntable({xyz, {}, {}}, o).to(torch::kInt32);
  auto width_of = [&](int v) { return (frames[v].sum(2) < 3 * 250).any(0).sum().item<int64_t>(); };
  EXPECT_GT(width_of(0), 40);
  EXPECT_LT(width_of(1), 12);
  EXPECT_GT(width_of(2), 40);
  EXPECT_LT(width_of(3), 12);
}

TEST(Turntable, BadOptionsAndCloudsAreRefused) {
  gen::shape3d::TurntableOptions o;
  o.views = 0;
  EXPECT_THROW(gen::shape3d::render_turntable(red_ball(10, 1), o), gen::UsageError);
  o = {};
  o.width = 4;
  EXPECT_THROW(gen::shape3d::render_turntable(red_ball(10, 1), o), gen::UsageError);
  auto bad = red_ball(10, 1);
  bad.xyz[3][1] = NAN;
  EXPECT_THROW(gen::shape3d::render_turntable(bad, {}), gen::InputError);
}

TEST(Shape3dFormats, EveryExtensionWritesWhatItSays) {
  gen::test::TempDir dir;
  gen::OutputFormats formats;
  gen::shape3d::add_shape3d_formats(formats);
  const auto ball = red_ball(3000, 0.5);
  gen::Sample sample;
  sample.data = torch::cat({ball.xyz, ball.rgb}, 1);
  sample.metadata["views"] = 5;
  auto write = [&](const std::string& name) {
    const auto path = dir / name;
    const auto* writer = formats.find(path, gen::Modality::shape3d);
    if (!writer) throw std::runtime_error("no writer for " + name);
    (*writer)(path, sample.data, sample);
    return path;
  };
  const auto cloud = gen::shape3d::read_point_cloud(write("c.ply"));
  EXPECT_EQ(cloud.size(), 3000);
  EXPECT_TRUE(cloud.has_colors());
  EXPECT_EQ(gen::shape3d::read_point_cloud(write("c.xyz")).size(), 3000);
  const auto mesh = gen::shape3d::read_mesh(write("m.obj"));
  EXPECT_GT(mesh.face_count(), 100);
  // Poisson's surface of a ball of radius 0.5 stays near it.
  EXPECT_NEAR(mesh.vertices.norm(2, 1).mean().item<double>(), 0.5, 0.05);
  EXPECT_GT(gen::shape3d::read_mesh(write("m.glb")).face_count(), 100);
  const auto clip = gen::video::read_video(write("t.gif"));
  EXPECT_EQ(clip.frame_count(), 5);
  const auto strip = gen::image::read_image(write("s.png"));
  EXPECT_EQ(strip.width(), 5 * strip.height());
  EXPECT_EQ(formats.find(dir / "x.wav", gen::Modality::shape3d), nullptr);
  EXPECT_THROW(gen::shape3d::cloud_from_sample(torch::zeros({10, 4})), gen::Error);
}

}  // namespace
