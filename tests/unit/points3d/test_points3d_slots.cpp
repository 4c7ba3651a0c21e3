// The slot order of a slotted point transformer (plugins/points3d/slot_order.h): fixed
// directions spread evenly over the sphere, each slot filled by the point seen nearest
// that direction from the centroid, so a slot stands for the same part of every shape;
// and the network's slot embedding, which makes it take exactly its slot count.
#include <gtest/gtest.h>

#include <cmath>

#include <torch/torch.h>

#include <gen/error.h>

#include "point_transformer.h"
#include "slot_order.h"

namespace {

using points3d::order_into_slots;
using points3d::slot_directions;

// n points spread over a sphere of `radius` around `centre`, in a shuffled order.
torch::Tensor sphere(int64_t n, double radius, const std::vector<float>& centre, uint64_t seed) {
  torch::manual_seed(seed);
  auto p = torch::randn({n, 3});
  p = p / p.norm(2, 1, true) * radius + torch::tensor(centre).unsqueeze(0);
  return p;
}

TEST(Points3dSlots, DirectionsAreUnitAndEvenlySpread) {
  const auto d = slot_directions(512);
  ASSERT_EQ(d.sizes(), (std::vector<int64_t>{512, 3}));
  EXPECT_TRUE(torch::allclose(d.norm(2, 1), torch::ones({512}), 0, 1e-5));
  EXPECT_TRUE(d.equal(slot_directions(512)));
  // Nearest neighbours all at about the same angle: no clumps, no holes (an even
  // spread of 512 puts them ~0.16 apart; random directions would range from ~0 to ~0.3).
  auto gaps = torch::cdist(d, d) + torch::eye(512) * 10;
  const auto nearest = std::get<0>(gaps.min(1));
  EXPECT_GT(nearest.min().item<float>(), 0.12);
  EXPECT_LT(nearest.max().item<float>(), 0.2);
  EXPECT_NEAR(d.mean(0).norm().item<float>(), 0, 1e-3);
}

TEST(Points3dSlots, ASlotIsTheSamePartOfEveryShape) {
  const int64_t slots = 128;
  const auto d = slot_directions(slots);
  // Two samplings of spheres of other sizes and places: slot j lies along direction j.
  for (const auto& [radius, seed] : {std::pair<double, uint64_t>{0.3, 1}, {0.5, 2}}) {
    const auto cloud = sphere(4000, radius, {0.1f, -0.2f, 0.05f}, seed);
    const auto order = order_into_slots(cloud, slots);
    ASSERT_EQ(order.sizes(), (std::vector<int64_t>{slots}));
    const auto picked = cloud.index_select(0, order);
    const auto seen = (picked - cloud.mean(0, true)) / radius;
    // Random sampling leaves holes: the worst slot is some 15 degrees off, the typical one 3.
    const auto alignment = (seen * d).sum(1);
    EXPECT_GT(alignment.min().item<float>(), 0.95) << "radius " << radius;
    EXPECT_GT(alignment.mean().item<float>(), 0.995) << "radius " << radius;
  }
  // A tall box: the first slot (straight up) lands on the top face, the middle ones on the sides.
  const auto box = (torch::rand({6000, 3}) - 0.5) * torch::tensor({0.4f, 1.2f, 0.4f});
  auto surface = box.clone();
  const auto face = torch::randint(0, 3, {6000});
  for (int64_t axis = 0; axis < 3; ++axis) {
    const double half = axis == 1 ? 0.6 : 0.2;
    auto on = face == axis;
    surface.select(1, axis).masked_scatter_(on, (box.select(1, axis).sign() * half).masked_select(on));
  }
  const auto ordered = surface.index_select(0, order_into_slots(surface, slots));
  EXPECT_GT(ordered[0][1].item<float>(), 0.55);
  EXPECT_LT(ordered[slots - 1][1].item<float>(), -0.55);
}

TEST(Points3dSlots, ASlottedNetworkTakesExactlyItsSlots) {
  points3d::PointTransformerConfig c;
  c.width = 16;
  c.layers = 1;
  c.heads = 2;
  c.text_dim = 8;
  c.slots = 32;
  points3d::PointTransformer net(c);
  ASSERT_TRUE(net->slot_embed.defined());
  EXPECT_EQ(net->slot_embed.sizes(), (std::vector<int64_t>{32, 16}));
  const auto text = torch::randn({1, 4, 8});
  EXPECT_EQ(net->forward(torch::randn({2, 6, 32}), torch::tensor({5}), text).sizes(), (std::vector<int64_t>{2, 6, 32}));
  EXPECT_THROW(net->forward(torch::randn({2, 6, 40}), torch::tensor({5}), text), gen::ModelError);
  // Unslotted networks stay permutation-equivariant and take any count.
  c.slots = 0;
  points3d::PointTransformer plain(c);
  EXPECT_FALSE(plain->slot_embed.defined());
  EXPECT_NO_THROW(plain->forward(torch::randn({1, 6, 40}), torch::tensor({5}), text));
  c.slots = 8;
  EXPECT_THROW(c.validate(), gen::ModelError);
  EXPECT_EQ(points3d::PointTransformerConfig::from_json(points3d::PointTransformerConfig{}.to_json()).slots, 0);
}

}  // namespace
