#include "humanml_ik.h"

#include <array>
#include <vector>

#include <gen/error.h>
#include <gen/motion/quaternion.h>

#include "gaussian_smoothing.h"

namespace gen::motion::detail {
namespace {

// HumanML3D's kinematic chains (t2m_kinematic_chain): legs, spine, arms from spine3.
const std::vector<std::vector<int>> kChains = {
    {0, 2, 5, 8, 11}, {0, 1, 4, 7, 10}, {0, 3, 6, 9, 12, 15}, {9, 14, 17, 19, 21}, {9, 13, 16, 18, 20}};

// The unit rest direction of each joint's bone (t2m_raw_offsets): what the IK measures
// rotations against, independent of any body's proportions.
const std::array<std::array<double, 3>, 22> kRawOffsets = {{
    {0, 0, 0},  {1, 0, 0},  {-1, 0, 0}, {0, 1, 0},  {0, -1, 0}, {0, -1, 0}, {0, 1, 0},  {0, -1, 0},
    {0, -1, 0}, {0, 1, 0},  {0, 0, 1},  {0, 0, 1},  {0, 1, 0},  {1, 0, 0},  {-1, 0, 0}, {0, 0, 1},
    {0, -1, 0}, {0, -1, 0}, {0, -1, 0}, {0, -1, 0}, {0, -1, 0}, {0, -1, 0},
}};

constexpr double kFacingSigma = 20;  // frames; HumanML3D smooths the IK's facing this much

torch::Tensor raw_offset(int joint, const torch::TensorOptions& opts) {
  const auto& o = kRawOffsets[joint];
  return torch::tensor({o[0], o[1], o[2]}, opts);
}

// The IK's facing: HumanML3D unpacks its face joints as (l_hip, r_hip, ...) here although
// they are given as (r_hip, l_hip, ...), so the hip vector points left while the
// shoulder vector points right; the wider shoulders win. Kept: models were trained on it.
torch::Tensor ik_forward(const torch::Tensor& p) {
  auto across = (p.select(1, 1) - p.select(1, 2)) + (p.select(1, 17) - p.select(1, 16));
  across = across / across.norm(2, -1, true);
  auto forward = gaussian_smooth_nearest(forward_from_across(across), kFacingSigma);
  auto length = forward.norm(2, -1, true);
  auto degenerate = (length < 1e-8).squeeze(-1).nonzero();
  if (degenerate.size(0) > 0 || !torch::isfinite(length).all().item<bool>())
    throw InputError("HumanML3D features: a frame has no facing direction (hips and shoulders collapse)");
  return forward / length;
}

}  // namespace

torch::Tensor forward_from_across(const torch::Tensor& across) {
  auto ax = across.select(-1, 0), az = across.select(-1, 2);
  return torch::stack({az, torch::zeros_like(ax), -ax}, -1);
}

torch::Tensor humanml_ik(const torch::Tensor& p) {
  const int64_t frames = p.size(0);
  const auto opts = p.options();
  auto forward = ik_forward(p);
  auto z = torch::tensor({0.0, 0.0, 1.0}, opts).expand({frames, 3});
  auto root = quat_between(forward, z);
  root[0] = torch::tensor({1.0, 0.0, 0.0, 0.0}, opts);  // HumanML3D pins frame 0 to identity
  auto quats = torch::zeros({frames, 22, 4}, opts);
  quats.select(1, 0).copy_(root);
  for (const auto& chain : kChains) {
    auto R = root;
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      const int joint = chain[i + 1];
      auto bone = p.select(1, joint) - p.select(1, chain[i]);
      auto swing = quat_between(raw_offset(joint, opts).expand({frames, 3}), bone);
      auto local = quat_multiply(quat_conjugate(R), swing);
      quats.select(1, joint).copy_(local);
      R = quat_multiply(R, local);
    }
  }
  return quats;
}

}  // namespace gen::motion::detail
