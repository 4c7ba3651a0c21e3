#include <gen/humans/judge_features.h>

#include <algorithm>
#include <cmath>

#include <gen/error.h>

namespace gen::humans {

namespace {

// smpl22 joints the heading is read from (HumanML3D order).
constexpr int64_t kLeftHip = 1, kRightHip = 2, kLeftShoulder = 16, kRightShoulder = 17;

void check_judged(const motion::Motion& m) {
  const auto& p = m.positions;
  if (m.skeleton.joints != motion::smpl22().joints)
    throw InputError("the motion judges read smpl22 motions only, not '" + m.skeleton.name + "'");
  if (!p.defined() || p.dim() != 3 || p.size(1) != 22 || p.size(2) != 3 || p.size(0) < 2)
    throw InputError("the motion judges need joint positions [frames >= 2, 22, 3]");
  if (!(m.fps > 0 && m.fps <= 1000)) throw InputError("the motion judges need a frame rate in (0, 1000] fps");
  if (!torch::isfinite(p).all().item<bool>()) throw InputError("the motion judges need finite joint positions");
}

// The heading of every frame, radians (0 faces +z, + turns left), from the hips' and
// shoulders' left-right axis: facing is perpendicular to it.
torch::Tensor headings(const torch::Tensor& p) {
  const auto across = (p.select(1, kLeftHip) - p.select(1, kRightHip)) +
                      (p.select(1, kLeftShoulder) - p.select(1, kRightShoulder));  // [T, 3]
  // forward = across x up = (-across_z, 0, across_x)
  return torch::atan2(-across.select(1, 2), across.select(1, 0));
}

// Rotates horizontal components of v [T, ..., 3] by -heading[t] about y, into each frame's heading frame.
torch::Tensor into_heading_frame(const torch::Tensor& v, const torch::Tensor& heading) {
  auto shape = std::vector<int64_t>(v.dim(), 1);
  shape[0] = heading.size(0);
  const auto c = heading.cos().view(shape), s = heading.sin().view(shape);
  const auto x = v.select(-1, 0).unsqueeze(-1), y = v.select(-1, 1).unsqueeze(-1), z = v.select(-1, 2).unsqueeze(-1);
  return torch::cat({x * c - z * s, y, x * s + z * c}, -1);
}

// Forward difference per second; the last frame repeats the one before it.
torch::Tensor rate(const torch::Tensor& x) {
  auto d = (x.narrow(0, 1, x.size(0) - 1) - x.narrow(0, 0, x.size(0) - 1)) * kJudgeFps;
  return torch::cat({d, d.narrow(0, d.size(0) - 1, 1)}, 0);
}

torch::Tensor wrap_angle(const torch::Tensor& a) { return torch::atan2(a.sin(), a.cos()); }

}  // namespace

torch::Tensor judge_positions(const torch::Tensor& positions, double fps) {
  auto p = positions.to(torch::kFloat64);
  const int64_t frames = p.size(0);
  if (std::abs(fps - kJudgeFps) > 1e-9) {
    const int64_t out = static_cast<int64_t>(std::floor((frames - 1) * kJudgeFps / fps + 1e-9)) + 1;
    const auto at = torch::arange(out, torch::kFloat64) * (fps / kJudgeFps);
    const auto lo = at.floor().clamp_max(frames - 1).to(torch::kInt64);
    const auto hi = (lo + 1).clamp_max(frames - 1);
    const auto w = (at - lo.to(torch::kFloat64)).view({out, 1, 1});
    p = p.index_select(0, lo) * (1 - w) + p.index_select(0, hi) * w;
  }
  return p.narrow(0, 0, std::min<int64_t>(p.size(0), kJudgeMaxFrames));
}

torch::Tensor judge_features(const motion::Motion& motion) {
  check_judged(motion);
  const auto p = judge_positions(motion.positions, motion.fps);
  if (p.size(0) < 2) throw InputError("the motion judges need at least 0.1 s of motion");
  const auto heading = headings(p);
  const auto root = p.select(1, 0);  // [T, 3]
  const auto local = into_heading_frame(p.narrow(1, 1, 21) - root.unsqueeze(1), heading).flatten(1);  // [T, 63]
  const auto velocity = into_heading_frame(rate(root), heading);                                     // [T, 3]
  const auto turned = wrap_angle(heading - heading[0]);
  auto turn_rate = rate(turned);
  turn_rate = wrap_angle(turn_rate / kJudgeFps) * kJudgeFps;  // a step across +-pi is a small turn
  const auto f = torch::cat({local, root.select(1, 1).unsqueeze(1), velocity.select(1, 0).unsqueeze(1),
                             velocity.select(1, 2).unsqueeze(1), velocity.select(1, 1).unsqueeze(1),
                             turn_rate.unsqueeze(1), turned.sin().unsqueeze(1), turned.cos().unsqueeze(1)},
                            1);
  return f.to(torch::kFloat32).contiguous();
}

JudgeBatch judge_batch(const std::vector<torch::Tensor>& features) {
  if (features.empty()) throw UsageError("judge_batch needs at least one motion");
  int64_t longest = 0;
  for (const auto& f : features) longest = std::max(longest, f.size(0));
  JudgeBatch b{torch::zeros({static_cast<int64_t>(features.size()), kJudgeFeatures, longest}),
               torch::empty({static_cast<int64_t>(features.size())}, torch::kInt64)};
  for (size_t i = 0; i < features.size(); ++i) {
    const auto n = features[i].size(0);
    b.features[static_cast<int64_t>(i)].narrow(1, 0, n).copy_(features[i].t());
    b.lengths[static_cast<int64_t>(i)] = n;
  }
  return b;
}

}  // namespace gen::humans
