// Motions as NumPy arrays: float32 [F, J, 3] global positions in metres, the layout of
// HumanML3D's new_joints/*.npy. The file holds no rate or skeleton: a reader assumes
// smpl22 and the rate it is given.
#pragma once
#include <filesystem>

#include <gen/export.h>
#include <gen/motion/humanml_features.h>
#include <gen/motion/motion.h>

namespace gen::motion {

GEN_API void write_motion_npy(const std::filesystem::path& path, const Motion& motion);  // atomic

// [F, 22, 3] positions -> an smpl22 Motion at `fps`; [F, 263] HumanML3D features
// (new_joint_vecs/*.npy) -> their decoded positions at 20 fps. Anything else is a
// gen::InputError.
GEN_API Motion read_motion_npy(const std::filesystem::path& path, double fps = kHumanMLFps);

}  // namespace gen::motion
