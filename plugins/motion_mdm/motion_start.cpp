// The motion -i names, prepared for editing: read (.bvh, .json, .npy), brought to the
// model's frame rate, canonicalized as HumanML3D does and encoded; plus the rigid
// transform that puts generated motion back where the input stood.
#include <cmath>

#include <gen/error.h>
#include <gen/motion/humanml_features.h>
#include <gen/motion/motion_io.h>

#include "motion_mdm.h"

namespace motion_mdm {

torch::Tensor resample_positions(const torch::Tensor& positions, double from_fps, double to_fps) {
  if (std::abs(from_fps - to_fps) < 1e-9 || positions.size(0) < 2) return positions;
  const int64_t frames = positions.size(0);
  const double duration = (frames - 1) / from_fps;
  const int64_t out_frames = std::max<int64_t>(2, std::llround(duration * to_fps) + 1);
  auto t = torch::arange(out_frames, torch::kFloat64) * (from_fps / to_fps);
  t = t.clamp_max(static_cast<double>(frames - 1));
  auto lo = t.floor().to(torch::kLong).clamp_max(frames - 2);
  auto w = (t - lo.to(torch::kFloat64)).to(positions.scalar_type()).reshape({-1, 1, 1});
  return positions.index_select(0, lo) * (1 - w) + positions.index_select(0, lo + 1) * w;
}

namespace {

// The yaw and translation with input ≈ R_y(yaw) canonical + translation (least squares
// over every joint of every frame; exact for HumanML3D's rigid canonicalization).
void fit_transform(MotionStart& s, const torch::Tensor& input) {
  auto p = input.reshape({-1, 3}).to(torch::kFloat64), c = s.positions.reshape({-1, 3}).to(torch::kFloat64);
  auto pm = p.mean(0), cm = c.mean(0);
  auto pc = p - pm, cc = c - cm;
  auto px = pc.select(1, 0), pz = pc.select(1, 2), cx = cc.select(1, 0), cz = cc.select(1, 2);
  s.yaw = std::atan2((px * cz - pz * cx).sum().item<double>(), (px * cx + pz * cz).sum().item<double>());
  auto rotated_mean = torch::tensor({std::cos(s.yaw) * cm[0].item<double>() + std::sin(s.yaw) * cm[2].item<double>(),
                                     cm[1].item<double>(),
                                     -std::sin(s.yaw) * cm[0].item<double>() + std::cos(s.yaw) * cm[2].item<double>()},
                                    torch::kFloat64);
  s.translation = (pm - rotated_mean).to(torch::kFloat32);
}

}  // namespace

torch::Tensor to_input_frame(const MotionStart& s, const torch::Tensor& positions) {
  const double c = std::cos(s.yaw), n = std::sin(s.yaw);
  auto x = positions.select(-1, 0), y = positions.select(-1, 1), z = positions.select(-1, 2);
  return torch::stack({c * x + n * z, y, -n * x + c * z}, -1) + s.translation.to(positions.scalar_type());
}

MotionStart load_motion_start(const std::string& path, double fps, const gen::motion::FeatureNormalizer& normalizer) {
  auto motion = gen::motion::read_motion(path);
  if (!gen::motion::same_layout(motion.skeleton, gen::motion::smpl22()))
    throw gen::InputError(path + ": the motion's skeleton is not smpl22 (22 SMPL joints in HumanML3D's order); "
                          "this model edits smpl22 motions");
  gen::motion::Motion at_rate = motion;
  at_rate.positions = resample_positions(motion.positions.to(torch::kFloat32), motion.fps, fps);
  at_rate.rotations = torch::Tensor();
  at_rate.fps = fps;
  if (at_rate.frame_count() < 3) throw gen::InputError(path + ": the motion is too short to edit (under 3 frames)");
  MotionStart s;
  s.positions = gen::motion::humanml_canonicalize(at_rate.positions);
  s.features = normalizer.normalize(gen::motion::humanml_encode(at_rate)).transpose(0, 1).contiguous();
  fit_transform(s, at_rate.positions);
  return s;
}

}  // namespace motion_mdm
