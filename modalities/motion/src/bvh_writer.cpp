#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/motion/bvh.h>
#include <gen/motion/inverse_kinematics.h>
#include <gen/motion/quaternion.h>

namespace gen::motion {
namespace {

constexpr double kEndSiteLength = 0.1;  // metres: a visible tail for viewers, no channels

void append(std::string& out, const char* format, double a, double b, double c) {
  char buffer[128];
  const int n = std::snprintf(buffer, sizeof buffer, format, a, b, c);
  out.append(buffer, static_cast<size_t>(n));
}

// Joints in depth-first order, children in index order: the order BVH lists them in.
void depth_first(const Skeleton& s, int joint, std::vector<int>& order) {
  order.push_back(joint);
  for (int c : s.children(joint)) depth_first(s, c, order);
}

// A leaf's End Site: along its own bone (straight up for a lone root).
std::array<double, 3> end_site(const torch::Tensor& offset) {
  const double x = offset[0].item<double>(), y = offset[1].item<double>(), z = offset[2].item<double>();
  const double length = std::sqrt(x * x + y * y + z * z);
  if (length < 1e-9) return {0, kEndSiteLength, 0};
  return {x / length * kEndSiteLength, y / length * kEndSiteLength, z / length * kEndSiteLength};
}

void write_joint(std::string& out, const Skeleton& s, const torch::Tensor& offsets, int joint, int depth) {
  const std::string indent(depth, '\t'), inner(depth + 1, '\t');
  out += indent + (joint == 0 ? "ROOT " : "JOINT ") + s.joints[joint] + "\n" + indent + "{\n";
  const auto o = joint == 0 ? torch::zeros({3}, torch::kFloat64) : offsets[joint];
  append(out, (inner + "OFFSET %.6f %.6f %.6f\n").c_str(), o[0].item<double>(), o[1].item<double>(), o[2].item<double>());
  out += inner + (joint == 0 ? "CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\n"
                             : "CHANNELS 3 Zrotation Xrotation Yrotation\n");
  const auto children = s.children(joint);
  for (int c : children) write_joint(out, s, offsets, c, depth + 1);
  if (children.empty()) {
    const auto e = end_site(offsets[joint]);
    out += inner + "End Site\n" + inner + "{\n";
    append(out, (inner + "\tOFFSET %.6f %.6f %.6f\n").c_str(), e[0], e[1], e[2]);
    out += inner + "}\n";
  }
  out += indent + "}\n";
}

// Euler angles [F, J, 3] (degrees, ZXY) with each channel moved by whole turns so that
// it never jumps by more than 180 degrees from one frame to the next.
torch::Tensor unwrapped_angles(const torch::Tensor& rotations) {
  // Normalized in double first: a float quaternion's rounding alone moves angles near
  // gimbal lock (X = +-90) by ~0.03 degrees.
  auto angles = quat_to_euler(quat_normalize(rotations.to(torch::kFloat64)), "ZXY");
  if (angles.size(0) < 2) return angles;
  auto step = angles.slice(0, 1) - angles.slice(0, 0, -1);
  step = step - 360.0 * torch::round(step / 360.0);
  return torch::cat({angles.slice(0, 0, 1), angles.slice(0, 0, 1) + step.cumsum(0)}, 0);
}

}  // namespace

std::string encode_bvh(const Motion& input) {
  check_motion(input);
  const Motion motion = with_rotations(input);
  const auto& s = motion.skeleton;
  const auto offsets = s.offsets.to(torch::kFloat64);
  std::string out = "HIERARCHY\n";
  write_joint(out, s, offsets, 0, 0);
  std::vector<int> order;
  depth_first(s, 0, order);
  const int64_t frames = motion.frame_count();
  out += "MOTION\nFrames: " + std::to_string(frames) + "\n";
  char line[64];
  std::snprintf(line, sizeof line, "Frame Time: %.8f\n", 1.0 / motion.fps);
  out += line;
  const auto angles = unwrapped_angles(motion.rotations).contiguous();
  const auto root = motion.positions.select(1, 0).to(torch::kFloat64).contiguous();
  auto a = angles.accessor<double, 3>();
  auto r = root.accessor<double, 2>();
  for (int64_t f = 0; f < frames; ++f) {
    append(out, "%.6f %.6f %.6f", r[f][0], r[f][1], r[f][2]);
    for (int j : order) append(out, " %.6f %.6f %.6f", a[f][j][0], a[f][j][1], a[f][j][2]);
    out += "\n";
  }
  return out;
}

void write_bvh(const std::filesystem::path& path, const Motion& motion) { write_file_atomic(path, encode_bvh(motion)); }

}  // namespace gen::motion
