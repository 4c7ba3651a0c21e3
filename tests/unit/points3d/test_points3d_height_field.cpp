// The height-field codec of points3d (plugins/points3d/height_field.h): a solid read
// into a field and sampled back must be the same surface — as near to the solid as a
// second sample of it is — for every shape of the solids world, with the walls of flat
// tops, the slopes of cones and the hole of a torus; and decoding is a pure function
// of the field and the generator.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <gen/error.h>
#include <gen/shape3d/point_metrics.h>
#include <gen/solids/solid_geometry.h>
#include <gen/solids/solid_spec.h>

#include "height_field.h"

namespace {

using points3d::decode_height_field;
using points3d::encode_height_field;
using points3d::HeightFieldConfig;

torch::Tensor solid_cloud(const gen::solids::SolidSpec& spec, int64_t points, uint64_t seed) {
  const auto cloud = gen::solids::sample_surface(gen::solids::solid_mesh(spec), points, seed);
  return torch::cat({cloud.xyz, cloud.rgb, cloud.normals}, 1);
}

torch::Tensor round_trip(const torch::Tensor& cloud, int64_t points, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  return decode_height_field(encode_height_field(cloud, HeightFieldConfig{}), HeightFieldConfig{}, points, generator);
}

struct Case {
  const char* shape;
  const char* size;
  const char* aspect;
};

TEST(Points3dHeightField, EveryShapeComesBackAsItsOwnSurface) {
  for (const Case c : {Case{"cube", "", ""}, Case{"cube", "large", "flat"}, Case{"sphere", "small", ""},
                       Case{"cylinder", "", "tall"}, Case{"cone", "large", "tall"}, Case{"pyramid", "", ""},
                       Case{"torus", "large", ""}, Case{"torus", "small", ""}, Case{"capsule", "", "tall"}}) {
    SCOPED_TRACE(std::string(c.shape) + " " + c.size + " " + c.aspect);
    const gen::solids::SolidSpec spec{c.shape, "orange", c.size, c.aspect, 0.7};
    const auto decoded = round_trip(solid_cloud(spec, 4096, 1), 1024, 5);
    ASSERT_EQ(decoded.sizes(), (std::vector<int64_t>{1024, 6}));
    const auto reference = solid_cloud(spec, 1024, 2).narrow(1, 0, 3);
    const double between_samples = gen::shape3d::chamfer_distance(solid_cloud(spec, 1024, 3).narrow(1, 0, 3), reference);
    const double after_codec = gen::shape3d::chamfer_distance(decoded.narrow(1, 0, 3), reference);
    EXPECT_LT(after_codec, 1.5 * between_samples) << "two samples of the solid differ by " << between_samples;
    // The colour survives: orange everywhere.
    const auto rgb = decoded.narrow(1, 3, 3);
    const auto rgb_values = gen::solids::solid_rgb("orange");
    const auto orange = torch::tensor(std::vector<float>(rgb_values.begin(), rgb_values.end()));
    EXPECT_LT((rgb - orange).abs().max().item<float>(), 0.02);
  }
}

TEST(Points3dHeightField, SparseCloudsStillGiveAClosedSurface) {
  // A 1024-point large cube leaves cells with no point near their centre; the gaps must
  // not become holes with walls.
  const gen::solids::SolidSpec spec{"cube", "red", "large", "", 0.3};
  const auto decoded = round_trip(solid_cloud(spec, 1024, 1), 1024, 5);
  const auto reference = solid_cloud(spec, 1024, 2).narrow(1, 0, 3);
  const double between_samples = gen::shape3d::chamfer_distance(solid_cloud(spec, 1024, 3).narrow(1, 0, 3), reference);
  EXPECT_LT(gen::shape3d::chamfer_distance(decoded.narrow(1, 0, 3), reference), 2 * between_samples);
}

TEST(Points3dHeightField, DecodingIsAPureFunctionOfFieldAndGenerator) {
  const auto field = encode_height_field(solid_cloud({"cone", "blue", "", "", 0.1}, 2048, 1), HeightFieldConfig{});
  auto g1 = at::detail::createCPUGenerator(9), g2 = at::detail::createCPUGenerator(9), g3 = at::detail::createCPUGenerator(10);
  const auto a = decode_height_field(field, HeightFieldConfig{}, 512, g1);
  EXPECT_TRUE(a.equal(decode_height_field(field, HeightFieldConfig{}, 512, g2)));
  EXPECT_FALSE(a.equal(decode_height_field(field, HeightFieldConfig{}, 512, g3)));
}

TEST(Points3dHeightField, AFieldWithNoInsideStillGivesItsLikeliestShape) {
  // A generated field may end with every distance above zero; its lowest cells are then
  // the shape (here a 3 x 3 patch at one corner), not an error.
  auto field = torch::zeros({6, 32, 32});
  field[0].fill_(1.0);
  field[0].narrow(0, 4, 3).narrow(1, 5, 3).fill_(0.3);
  field[1].fill_(0.2);
  field[2].fill_(-0.2);
  auto g = at::detail::createCPUGenerator(1);
  const auto points = decode_height_field(field, HeightFieldConfig{}, 200, g);
  const double cell = 1.6 / 32;
  const auto x = points.select(1, 0), z = points.select(1, 2);
  EXPECT_GE(x.min().item<double>(), -0.8 + 4 * cell);
  EXPECT_LE(x.max().item<double>(), -0.8 + 9 * cell);
  EXPECT_GE(z.min().item<double>(), -0.8 + 3 * cell);
  EXPECT_LE(z.max().item<double>(), -0.8 + 8 * cell);
}

TEST(Points3dHeightField, BadInputIsRefused) {
  HeightFieldConfig c;
  auto g = at::detail::createCPUGenerator(1);
  EXPECT_THROW(encode_height_field(torch::zeros({10, 6}), c), gen::InputError);         // no normals
  EXPECT_THROW(encode_height_field(torch::zeros({0, 9}), c), gen::InputError);          // empty
  auto far = torch::zeros({4, 9});
  far[0][0] = 2.0;
  EXPECT_THROW(encode_height_field(far, c), gen::InputError);                            // leaves the square
  auto nan = torch::zeros({4, 9});
  nan[1][1] = NAN;
  EXPECT_THROW(encode_height_field(nan, c), gen::InputError);
  EXPECT_THROW(decode_height_field(torch::zeros({6, 16, 16}), c, 100, g), gen::ModelError);  // wrong grid
  // NaN: nothing to sample, said in one line rather than a crash.
  EXPECT_THROW(decode_height_field(torch::full({6, 32, 32}, NAN), c, 100, g), gen::NumericError);
  EXPECT_THROW(HeightFieldConfig::from_json({{"grid", 2}}), gen::ModelError);
}

}  // namespace
