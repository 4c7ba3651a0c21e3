#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gen/error.h>
#include <gen/motion/bvh.h>
#include <gen/motion/quaternion.h>

#include "bvh_parser.h"

#include "file_bytes.h"

namespace gen::motion {
namespace {

using detail::BvhDocument;

constexpr double kCentimetreThreshold = 10;  // a rest skeleton taller than this is not in metres

// The joints of the file (end sites left out), with names made unique.
struct Rig {
  std::vector<int> source;  // rig joint -> index in the document
  Skeleton skeleton;        // offsets in file units, the root's included
  std::vector<int64_t> first_channel;
};

Rig make_rig(const BvhDocument& doc) {
  Rig rig;
  std::vector<int> rig_index(doc.joints.size(), -1);
  std::set<std::string> names;
  int64_t channel = 0;
  for (size_t i = 0; i < doc.joints.size(); ++i) {
    const auto& j = doc.joints[i];
    if (!j.end_site) {
      std::string name = j.name;
      for (int k = 2; !names.insert(name).second; ++k) name = j.name + "_" + std::to_string(k);
      rig_index[i] = static_cast<int>(rig.source.size());
      rig.source.push_back(static_cast<int>(i));
      rig.skeleton.joints.push_back(name);
      rig.skeleton.parents.push_back(j.parent < 0 ? -1 : rig_index[j.parent]);
      rig.first_channel.push_back(channel);
    }
    channel += static_cast<int64_t>(j.channels.size());
  }
  auto offsets = torch::zeros({static_cast<int64_t>(rig.source.size()), 3}, torch::kFloat64);
  for (size_t r = 0; r < rig.source.size(); ++r)
    for (int a = 0; a < 3; ++a) offsets[r][a] = doc.joints[rig.source[r]].offset[a];
  rig.skeleton.offsets = offsets;
  return rig;
}

double pick_scale(const Skeleton& s, double requested) {
  if (requested > 0) return requested;
  const auto y = rest_positions(Skeleton{s.name, s.joints, s.parents, s.offsets.to(torch::kFloat32)}).select(1, 1);
  return (y.max() - y.min()).item<double>() > kCentimetreThreshold ? 0.01 : 1.0;
}

struct Pose {
  torch::Tensor positions, local, global;  // [F, J, 3], [F, J, 4], [F, J, 4], double
};

// Forward kinematics with the channels: rotations composed in channel order (the first
// outermost), position channels replacing the offset's components.
Pose pose(const BvhDocument& doc, const Rig& rig, double scale) {
  const auto values = doc.values.to(torch::kFloat64);
  const int64_t frames = values.size(0);
  const int joints = rig.skeleton.joint_count();
  std::vector<torch::Tensor> position(joints), local(joints), global(joints);
  for (int r = 0; r < joints; ++r) {
    const auto& joint = doc.joints[rig.source[r]];
    auto translation = rig.skeleton.offsets[r].unsqueeze(0).repeat({frames, 1});
    auto q = torch::zeros({frames, 4}, torch::kFloat64);
    q.select(1, 0).fill_(1.0);
    for (size_t k = 0; k < joint.channels.size(); ++k) {
      const auto& c = joint.channels[k];
      auto value = values.select(1, rig.first_channel[r] + static_cast<int64_t>(k));
      if (!c.rotation) {
        translation.select(1, c.axis).copy_(value);
        continue;
      }
      auto axis = torch::zeros({3}, torch::kFloat64);
      axis[c.axis] = 1.0;
      q = quat_multiply(q, quat_from_axis_angle(axis.expand({frames, 3}), value * (M_PI / 180.0)));
    }
    translation = translation * scale;
    local[r] = q;
    const int p = rig.skeleton.parents[r];
    global[r] = p < 0 ? q : quat_multiply(global[p], q);
    position[r] = p < 0 ? translation : position[p] + quat_rotate(global[p], translation);
  }
  return {torch::stack(position, 1), torch::stack(local, 1), torch::stack(global, 1)};
}

// "L_Hip", "left_hip", "LEFT_HIP" -> "left_hip".
std::string smpl_style(const std::string& name) {
  std::string s;
  for (char c : name) s.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  if (s.rfind("l_", 0) == 0) return "left_" + s.substr(2);
  if (s.rfind("r_", 0) == 0) return "right_" + s.substr(2);
  return s;
}

// The rig's joint for each smpl22 joint, when the file is an smpl22 body (extra joints
// hanging off it, or above its pelvis, are allowed).
std::optional<std::vector<int64_t>> smpl22_joints(const Skeleton& rig) {
  const auto& target = smpl22();
  std::vector<int64_t> index;
  for (const auto& name : target.joints) {
    int64_t found = -1;
    for (int r = 0; r < rig.joint_count(); ++r)
      if (smpl_style(rig.joints[r]) == name) {
        if (found >= 0) return std::nullopt;  // ambiguous
        found = r;
      }
    if (found < 0) return std::nullopt;
    index.push_back(found);
  }
  for (int j = 1; j < target.joint_count(); ++j)
    if (rig.parents[index[j]] != index[target.parents[j]]) return std::nullopt;
  return index;
}

Motion to_motion(const BvhDocument& doc, const BvhReadOptions& options) {
  Rig rig = make_rig(doc);
  const double scale = pick_scale(rig.skeleton, options.scale);
  const Pose posed = pose(doc, rig, scale);
  Motion m;
  double fps = 1.0 / doc.frame_time;
  if (std::abs(fps - std::round(fps)) < 1e-4 * fps) fps = std::round(fps);  // 0.033333 s is 30 fps
  m.fps = fps;
  Skeleton& s = m.skeleton;
  if (const auto index = smpl22_joints(rig.skeleton)) {
    const auto pick = torch::tensor(*index);
    s = smpl22();
    s.offsets = (rig.skeleton.offsets.index_select(0, pick) * scale).to(torch::kFloat32);
    m.positions = posed.positions.index_select(1, pick);
    // The pelvis may sit below other joints in the file: its rotation becomes its global one.
    m.rotations = posed.local.index_select(1, pick);
    m.rotations.select(1, 0).copy_(posed.global.select(1, (*index)[0]));
  } else {
    s = rig.skeleton;
    s.name = "bvh";
    s.offsets = (s.offsets * scale).to(torch::kFloat32);
    m.positions = posed.positions;
    m.rotations = posed.local;
  }
  s.offsets[0].zero_();  // the root's place is its position channels'
  m.positions = m.positions.to(torch::kFloat32);
  m.rotations = m.rotations.to(torch::kFloat32);
  return m;
}

}  // namespace

Motion decode_bvh(std::string_view text, const std::string& name, const BvhReadOptions& options) {
  const auto doc = detail::parse_bvh(text, name, options);
  Motion m = to_motion(doc, options);
  try {
    check_motion(m);
  } catch (const InputError& e) {
    throw InputError(name + ": " + e.what());
  }
  return m;
}

Motion read_bvh(const std::filesystem::path& path, const BvhReadOptions& options) {
  const auto text = detail::read_file_bytes(path, options.max_bytes, "BVH files");
  return decode_bvh(text, path.string(), options);
}

}  // namespace gen::motion
