// The solids world: every shape and aspect makes an upright, centred, closed solid of the
// size its words say; points are uniform over the area with outward normals and the
// colour named; the held-out split keeps its pairs out of training; the dataset is a
// pure function of the seed and its files read back.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <torch/torch.h>

#include <gen/error.h>
#include <gen/shape3d/shape_io.h>
#include <gen/solids/solid_dataset.h>
#include <gen/solids/solid_geometry.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace gen::solids;

std::vector<SolidSpec> every_form() {
  std::vector<SolidSpec> specs;
  for (const auto& shape : solid_shapes())
    for (const auto& aspect : solid_aspects(shape))
      for (const std::string size : {"small", "", "large"}) specs.push_back({shape, "red", size, aspect, 0.0});
  return specs;
}

std::string name(const SolidSpec& s) { return s.size + "/" + s.aspect + "/" + s.shape; }

TEST(SolidsWorld, EveryFormIsUprightCentredAndAsLargeAsItsSizeSays) {
  const std::map<std::string, double> extent{{"small", 0.5}, {"", 0.8}, {"large", 1.1}};
  for (const auto& spec : every_form()) {
    const auto mesh = solid_mesh(spec);
    gen::shape3d::check_mesh(mesh, name(spec));
    const auto lo = std::get<0>(mesh.vertices.min(0)), hi = std::get<0>(mesh.vertices.max(0));
    const auto side = hi - lo;
    EXPECT_NEAR(side.max().item<float>(), extent.at(spec.size), 0.02 * extent.at(spec.size)) << name(spec);
    EXPECT_LE(((hi + lo) / 2).abs().max().item<float>(), 0.02) << name(spec) << " is not centred";
    const float height = side[1].item<float>(), width = std::max(side[0].item<float>(), side[2].item<float>());
    if (spec.aspect == "tall") EXPECT_GT(height, 1.5 * width) << name(spec);
    if (spec.aspect == "flat") EXPECT_LT(height, 0.6 * width) << name(spec);
    if (spec.shape == "torus") EXPECT_LT(height, 0.5 * width) << "a torus lies flat, its hole along y";
  }
}

TEST(SolidsWorld, PointsAreUniformOverTheSurfaceWithOutwardNormalsAndTheColour) {
  for (const auto& spec : every_form()) {
    const auto mesh = solid_mesh(spec);
    const auto cloud = sample_surface(mesh, 2000, 5);
    gen::shape3d::check_point_cloud(cloud, name(spec));
    ASSERT_EQ(cloud.size(), 2000);
    const auto rgb = solid_rgb("red");
    EXPECT_LE((cloud.rgb - torch::tensor({rgb[0], rgb[1], rgb[2]})).abs().max().item<float>(), 1e-5) << name(spec);
    torch::Tensor outward;
    if (spec.shape == "torus") {  // away from the tube's centre line
      auto ring = cloud.xyz.clone();
      ring.select(1, 1).zero_();
      const auto ring_radius = (std::get<0>(ring.norm(2, 1).max(0)) + std::get<0>(ring.norm(2, 1).min(0))) / 2;
      ring = ring / ring.norm(2, 1, true) * ring_radius;
      outward = cloud.xyz - ring;
    } else {
      outward = cloud.xyz;  // star-shaped about the centre
    }
    const auto agree = ((cloud.normals * outward).sum(1) > 0).to(torch::kFloat32).mean().item<float>();
    EXPECT_GE(agree, 0.99) << name(spec);
  }
  // Uniform by area: a cube's six faces get a sixth each.
  const auto cube = sample_surface(solid_mesh({"cube", "blue", "", "", 0}), 6000, 1);
  const auto axis = std::get<1>(cube.normals.abs().max(1));  // 0, 1, 2
  for (int a = 0; a < 3; ++a) {
    const auto share = (axis == a).to(torch::kFloat32).mean().item<float>();
    EXPECT_NEAR(share, 1.0 / 3, 0.03) << "axis " << a;
  }
  // Deterministic for the seed, different for another.
  const auto mesh = solid_mesh({"cone", "green", "", "tall", 1.0});
  EXPECT_TRUE(sample_surface(mesh, 100, 3).xyz.equal(sample_surface(mesh, 100, 3).xyz));
  EXPECT_FALSE(sample_surface(mesh, 100, 3).xyz.equal(sample_surface(mesh, 100, 4).xyz));
}

TEST(SolidsWorld, HeldOutPairsNeverTrainAndTheirPartsStillDo) {
  std::set<std::string> train_shapes, train_colors;
  gen::Rng rng(11);
  for (int i = 0; i < 3000; ++i) {
    const auto s = sample_solid_spec(rng, Split::train);
    check_solid_spec(s);
    EXPECT_FALSE(is_heldout(s)) << s.shape << " " << s.color;
    train_shapes.insert(s.shape);
    train_colors.insert(s.color);
  }
  for (const auto& [shape, color] : heldout_pairs()) {
    EXPECT_TRUE(train_shapes.count(shape)) << shape;
    EXPECT_TRUE(train_colors.count(color)) << color;
  }
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(is_heldout(sample_solid_spec(rng, Split::heldout)));
}

TEST(SolidsWorld, CaptionsNameTheColourTheShapeAndTheWords) {
  gen::Rng rng(3);
  for (int i = 0; i < 500; ++i) {
    const auto s = sample_solid_spec(rng, Split::train);
    const auto c = solid_caption(s, rng);
    EXPECT_NE(c.find(s.color), std::string::npos) << c;
    EXPECT_NE(c.find(s.shape), std::string::npos) << c;
    if (!s.size.empty()) EXPECT_NE(c.find(s.size), std::string::npos) << c;
    if (!s.aspect.empty()) EXPECT_NE(c.find(s.aspect), std::string::npos) << c;
    EXPECT_EQ(c.find('{'), std::string::npos) << c;
  }
}

TEST(SolidsWorld, RefusesSpecsOutsideTheWorld) {
  EXPECT_THROW(check_solid_spec({"dodecahedron", "red", "", "", 0}), gen::InputError);
  EXPECT_THROW(check_solid_spec({"cube", "mauve", "", "", 0}), gen::InputError);
  EXPECT_THROW(check_solid_spec({"cube", "red", "huge", "", 0}), gen::InputError);
  EXPECT_THROW(check_solid_spec({"sphere", "red", "", "tall", 0}), gen::InputError);
  EXPECT_THROW(check_solid_spec({"cube", "red", "", "", NAN}), gen::InputError);
}

TEST(SolidsDataset, IsAPureFunctionOfTheSeedAndReadsBack) {
  gen::test::TempDir dir;
  SolidDatasetOptions o;
  o.train_count = 12;
  o.heldout_count = 4;
  o.seed = 9;
  o.points = 64;
  int64_t last = 0;
  write_solid_dataset(dir / "a", o, [&](const gen::Progress& p) {
    last = p.step;
    return gen::ProgressAction::proceed;
  });
  EXPECT_EQ(last, 16);
  write_solid_dataset(dir / "b", o, nullptr);
  const auto d = load_solid_dataset(dir / "a");
  ASSERT_EQ(d.items.size(), 16u);
  EXPECT_EQ(d.points, 64);
  for (const auto& item : d.items) {
    EXPECT_EQ(gen::test::read_text(dir / "a" / item.file), gen::test::read_text(dir / "b" / item.file)) << item.file;
    const auto cloud = gen::shape3d::read_point_cloud(dir / "a" / item.file);
    EXPECT_EQ(cloud.size(), 64);
    EXPECT_TRUE(cloud.has_colors() && cloud.has_normals());
    EXPECT_EQ(is_heldout(item.spec), item.split == "heldout") << item.caption;
  }
  EXPECT_EQ(gen::test::read_text(dir / "a" / "solids.jsonl"), gen::test::read_text(dir / "b" / "solids.jsonl"));
  // Rewriting an earlier dataset is fine; another folder with files in it is not.
  write_solid_dataset(dir / "a", o, nullptr);
  gen::test::write_text(dir / "notes.txt", "mine");
  EXPECT_THROW(write_solid_dataset(dir.path(), o, nullptr), gen::UsageError);
  o.points = 8;
  EXPECT_THROW(write_solid_dataset(dir / "c", o, nullptr), gen::UsageError);
  EXPECT_FALSE(fs::exists(dir / "c"));
}

TEST(SolidsDataset, RefusesMalformedRecords) {
  const auto good = solid_item_json(solid_item(1, Split::train, 0));
  EXPECT_NO_THROW(parse_solid_item(good));
  for (const std::string bad :
       {"", "[]", "{", R"({"file":"/etc/passwd","caption":"x","split":"train","shape":"cube","color":"red","size":"","aspect":"","yaw":0})",
        R"({"file":"../x.ply","caption":"x","split":"train","shape":"cube","color":"red","size":"","aspect":"","yaw":0})",
        R"({"file":"a.ply","caption":"x","split":"test","shape":"cube","color":"red","size":"","aspect":"","yaw":0})",
        R"({"file":"a.ply","caption":"x","split":"train","shape":"blob","color":"red","size":"","aspect":"","yaw":0})",
        R"({"file":"a.ply","caption":"x","split":"train","shape":"cube","color":"red","size":"","aspect":"","yaw":"0"})"})
    EXPECT_THROW(parse_solid_item(bad), gen::InputError) << bad;
  gen::test::TempDir dir;
  EXPECT_THROW(load_solid_dataset(dir.path()), gen::InputError);
}

}  // namespace
