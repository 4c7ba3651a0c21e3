// Which HumanML3D features an edit keeps: frames at the ends (in-betweening, MDM's
// "in_between") and joints (body-part editing, MDM's "upper_body" and its mirror).
#include <gen/error.h>
#include <gen/motion/humanml_features.h>
#include <gen/motion/skeleton.h>

#include <sstream>

#include "motion_mdm.h"

namespace motion_mdm {
namespace {

int64_t parse_count(const std::string& text, const std::string& spec) {
  size_t used = 0;
  long long n = -1;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || n < 0)
    throw gen::UsageError("--keep-frames '" + spec + "': expected N or FIRST:LAST frame counts (whole numbers >= 0)");
  return n;
}

// HumanML3D's lower body: the pelvis (root), hips, knees, ankles and feet.
const std::vector<int64_t> kLowerBody = {0, 1, 2, 4, 5, 7, 8, 10, 11};

}  // namespace

std::pair<int64_t, int64_t> parse_keep_frames(const std::string& spec, int64_t frames) {
  const auto colon = spec.find(':');
  const int64_t first = parse_count(spec.substr(0, colon), spec);
  const int64_t last = colon == std::string::npos ? first : parse_count(spec.substr(colon + 1), spec);
  if (first + last >= frames)
    throw gen::UsageError("--keep-frames '" + spec + "' keeps " + std::to_string(first + last) + " of " +
                          std::to_string(frames) + " frames: nothing is left to generate");
  if (first + last == 0) throw gen::UsageError("--keep-frames '" + spec + "' keeps no frame");
  return {first, last};
}

std::vector<int64_t> parse_keep_joints(const std::string& spec) {
  if (spec == "lower") return kLowerBody;
  if (spec == "upper") {
    std::vector<int64_t> upper;
    for (int64_t j = 0; j < gen::motion::kHumanMLJoints; ++j)
      if (std::find(kLowerBody.begin(), kLowerBody.end(), j) == kLowerBody.end()) upper.push_back(j);
    return upper;
  }
  std::vector<int64_t> joints;
  std::stringstream in(spec);
  std::string name;
  while (std::getline(in, name, ',')) {
    try {
      joints.push_back(gen::motion::smpl22().index_of(name));
    } catch (const gen::InputError&) {
      throw gen::UsageError("--keep-joints '" + spec + "': '" + name +
                            "' is not upper, lower or an smpl22 joint name (pelvis, left_hip, ..., right_wrist)");
    }
  }
  if (joints.empty() || joints.size() >= static_cast<size_t>(gen::motion::kHumanMLJoints))
    throw gen::UsageError("--keep-joints '" + spec + "' must keep some joints and leave some to generate");
  return joints;
}

std::vector<int64_t> joint_feature_indices(const std::vector<int64_t>& joints) {
  const auto& slices = gen::motion::humanml_feature_slices();
  auto begin_of = [&](const std::string& name) {
    for (const auto& s : slices)
      if (s.name == name) return static_cast<int64_t>(s.begin);
    throw gen::ModelError("no HumanML3D feature slice '" + name + "'");
  };
  const int64_t ric = begin_of("ric"), rot = begin_of("rotations"), vel = begin_of("local_velocity"),
                contact = begin_of("foot_contact");
  std::vector<int64_t> out;
  for (int64_t j : joints) {
    if (j == 0) {
      for (int64_t i = 0; i < ric; ++i) out.push_back(i);  // root velocity and height
    } else {
      for (int64_t i = 0; i < 3; ++i) out.push_back(ric + (j - 1) * 3 + i);
      for (int64_t i = 0; i < 6; ++i) out.push_back(rot + (j - 1) * 6 + i);
    }
    for (int64_t i = 0; i < 3; ++i) out.push_back(vel + j * 3 + i);
    const int64_t contacts[] = {7, 10, 8, 11};  // l_ankle, l_foot, r_ankle, r_foot
    for (int64_t c = 0; c < 4; ++c)
      if (contacts[c] == j) out.push_back(contact + c);
  }
  return out;
}

torch::Tensor edit_mask(int64_t frames, std::pair<int64_t, int64_t> kept_frames,
                        const std::vector<int64_t>& kept_joints) {
  auto mask = torch::ones({1, gen::motion::kHumanMLFeatureSize, frames});
  if (kept_frames.first > 0) mask.narrow(2, 0, kept_frames.first).zero_();
  if (kept_frames.second > 0) mask.narrow(2, frames - kept_frames.second, kept_frames.second).zero_();
  if (!kept_joints.empty()) {
    auto index = torch::tensor(joint_feature_indices(kept_joints), torch::kLong);
    mask.index_fill_(1, index, 0.0);
  }
  return mask;
}

}  // namespace motion_mdm
