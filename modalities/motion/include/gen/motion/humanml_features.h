// HumanML3D's 263-d motion representation (Guo et al. 2022, motion_representation.ipynb:
// process_file and recover_from_ric), what text-to-motion models such as MDM learn.
// Per frame t of a canonicalized smpl22 clip at 20 fps, in this order:
//   [0]        root angular velocity about y, rad/frame, as a half angle (their arcsin of q.y)
//   [1, 3)     root linear velocity in xz, in the root's facing frame (metres/frame)
//   [3]        root height (y)
//   [4, 67)    joints 1..21 relative to the root's xz, rotated so the root faces +z ("ric")
//   [67, 193)  joints 1..21's local rotations as the first two columns of their matrices
//              ("cont6d", from HumanML3D's own IK against its unit raw offsets)
//   [193, 259) joints 0..21's velocities (frame t+1 minus t) in the root's facing frame
//   [259, 263) foot contacts of l_ankle, l_foot, r_ankle, r_foot (1 when the joint moved
//              less than sqrt(0.002) m since the previous frame)
// F frames of positions give F-1 frames of features, as in HumanML3D.
//
// Two of HumanML3D's quirks are kept because pretrained models expect them (its
// issues #107/#119): the IK's facing direction swaps the hips (hip vector left minus
// right plus shoulder vector right minus left), and the arm chains start from the root
// rotation rather than spine3's. One is fixed: the root's per-frame rotation is taken in
// the shorter hemisphere, so a turn through "facing -z" no longer flips its sign (the
// only frames where these features differ from theirs). docs/motion.md has the details.
#pragma once
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/export.h>
#include <gen/motion/motion.h>

namespace gen::motion {

constexpr int kHumanMLJoints = 22;
constexpr int kHumanMLFeatureSize = 263;
constexpr double kHumanMLFps = 20;
// Squared displacement per frame (m^2) below which a foot joint is in contact.
constexpr double kHumanMLContactThreshold = 0.002;

// A named range of the feature vector, e.g. {"ric", 4, 63}.
struct FeatureSlice {
  std::string name;
  int begin = 0;
  int size = 0;
};

// The seven parts above in order: root_angular_velocity, root_linear_velocity,
// root_height, ric, rotations, local_velocity, foot_contact.
GEN_API const std::vector<FeatureSlice>& humanml_feature_slices();

// HumanML3D's preprocessing of global positions [F, 22, 3]: the lowest joint of the
// clip on the floor (y = 0), the root at the xz origin in frame 0, and frame 0 facing
// +z (the facing direction from the hips and shoulders of frame 0). No retargeting:
// bone lengths stay as they are. Throws gen::InputError when frame 0 has no facing.
GEN_API torch::Tensor humanml_canonicalize(const torch::Tensor& positions);

// Features [F-1, 263] (float) of a smpl22 motion at 20 fps with at least 2 frames,
// canonicalized first. Throws gen::InputError for another skeleton, rate or length.
GEN_API torch::Tensor humanml_encode(const Motion& motion);

// recover_from_ric: features [..., F, 263] -> global positions [..., F, 22, 3] (the
// input's dtype), integrating the root's rotation and xz position from frame 0 at the
// origin facing +z. humanml_decode(humanml_encode(m)) == humanml_canonicalize(m.positions)
// without its last frame.
GEN_API torch::Tensor humanml_decode(const torch::Tensor& features);

// The decoded features [F, 263] as a smpl22 Motion at 20 fps (positions only).
GEN_API Motion humanml_motion(const torch::Tensor& features);

}  // namespace gen::motion
