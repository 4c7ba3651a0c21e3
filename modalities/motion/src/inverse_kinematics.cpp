#include <gen/motion/inverse_kinematics.h>

#include <vector>

#include <gen/error.h>
#include <gen/motion/quaternion.h>

namespace gen::motion {
namespace {

constexpr double kTiny = 1e-9;

// Number of joints in each joint's subtree, itself included.
std::vector<int> subtree_sizes(const Skeleton& s) {
  std::vector<int> size(s.joint_count(), 1);
  for (int j = s.joint_count() - 1; j > 0; --j) size[s.parents[j]] += size[j];
  return size;
}

// How a joint is solved: the children whose rest bones give it a direction, and whether
// they fix a whole frame (two or more directions not on one line) or only a swing.
struct JointPlan {
  std::vector<int> children;
  bool frame = false;
};

JointPlan plan_joint(const Skeleton& s, int joint, const std::vector<int>& sizes, const torch::Tensor& offsets) {
  JointPlan plan;
  for (int c : s.children(joint))
    if (offsets[c].norm().item<double>() > kTiny) plan.children.push_back(c);
  for (size_t a = 0; a < plan.children.size() && !plan.frame; ++a)
    for (size_t b = a + 1; b < plan.children.size(); ++b) {
      auto ua = offsets[plan.children[a]] / offsets[plan.children[a]].norm();
      auto ub = offsets[plan.children[b]] / offsets[plan.children[b]].norm();
      if (torch::cross(ua, ub, 0).norm().item<double>() > 1e-6) plan.frame = true;
    }
  if (!plan.frame && plan.children.size() > 1) {
    // All on one line: the bone carrying the most joints decides.
    int best = plan.children[0];
    for (int c : plan.children)
      if (sizes[c] > sizes[best]) best = c;
    plan.children = {best};
  }
  return plan;
}

// The rotation [F, 4] best turning unit rest directions onto unit posed ones [F, 3],
// weighted (Horn 1987: the top eigenvector of a 4x4 matrix built from their correlation).
torch::Tensor best_rotation(const std::vector<torch::Tensor>& rest, const std::vector<torch::Tensor>& posed,
                            const std::vector<double>& weights) {
  auto S = torch::zeros({posed[0].size(0), 3, 3}, posed[0].options());
  for (size_t i = 0; i < rest.size(); ++i) S += weights[i] * rest[i].view({1, 3, 1}) * posed[i].unsqueeze(1);
  auto at = [&](int a, int b) { return S.select(1, a).select(1, b); };
  auto xx = at(0, 0), xy = at(0, 1), xz = at(0, 2), yx = at(1, 0), yy = at(1, 1), yz = at(1, 2);
  auto zx = at(2, 0), zy = at(2, 1), zz = at(2, 2);
  auto N = torch::stack({xx + yy + zz, yz - zy, zx - xz, xy - yx,  //
                         yz - zy, xx - yy - zz, xy + yx, zx + xz,  //
                         zx - xz, xy + yx, -xx + yy - zz, yz + zy,  //
                         xy - yx, zx + xz, yz + zy, -xx - yy + zz},
                        -1)
               .view({-1, 4, 4});
  auto eig = torch::linalg_eigh(N, "L");
  return quat_normalize(std::get<1>(eig).select(-1, 3));  // eigenvalues ascend: the last is the largest
}

torch::Tensor unit(const torch::Tensor& v) { return v / v.norm(2, -1, true).clamp_min(kTiny); }

}  // namespace

torch::Tensor rotations_from_positions(const Skeleton& skeleton, const torch::Tensor& positions) {
  check_skeleton(skeleton);
  const int joints = skeleton.joint_count();
  if (positions.dim() != 3 || positions.size(1) != joints || positions.size(2) != 3)
    throw InputError("inverse kinematics needs positions [frames, " + std::to_string(joints) + ", 3]");
  const auto p = positions.to(torch::kFloat64);
  const auto offsets = skeleton.offsets.to(torch::kFloat64);
  const int64_t frames = p.size(0);
  const auto sizes = subtree_sizes(skeleton);
  auto identity = torch::zeros({frames, 4}, p.options());
  identity.select(1, 0).fill_(1.0);
  std::vector<torch::Tensor> global(joints), local(joints);
  for (int j = 0; j < joints; ++j) {
    const auto& base = j == 0 ? identity : global[skeleton.parents[j]];
    const auto plan = plan_joint(skeleton, j, sizes, offsets);
    auto bone = [&](int c) { return p.select(1, c) - p.select(1, j); };
    if (plan.children.empty()) {
      global[j] = base;
    } else if (!plan.frame) {
      const int c = plan.children[0];
      auto rest_now = quat_rotate(base, offsets[c].expand({frames, 3}));
      global[j] = quat_multiply(quat_between(rest_now, bone(c)), base);
    } else {
      std::vector<torch::Tensor> rest, posed;
      std::vector<double> weights;
      for (int c : plan.children) {
        rest.push_back(unit(offsets[c]));
        posed.push_back(unit(bone(c)));
        weights.push_back(sizes[c]);
      }
      global[j] = best_rotation(rest, posed, weights);
    }
    local[j] = quat_multiply(quat_conjugate(base), global[j]);
  }
  return torch::stack(local, 1).to(positions.scalar_type());
}

Motion with_rotations(const Motion& motion) {
  Motion out = motion;
  if (!out.rotations.defined()) out.rotations = rotations_from_positions(motion.skeleton, motion.positions);
  return out;
}

}  // namespace gen::motion
