#include <gen/motion/motion_npy.h>

#include <gen/error.h>
#include <gen/motion/npy.h>

namespace gen::motion {

void write_motion_npy(const std::filesystem::path& path, const Motion& motion) {
  check_motion(motion);
  write_npy(path, motion.positions.to(torch::kFloat32).contiguous());
}

Motion read_motion_npy(const std::filesystem::path& path, double fps) {
  const auto array = read_npy(path).to(torch::kFloat32);
  Motion m;
  if (array.dim() == 2 && array.size(1) == kHumanMLFeatureSize && array.size(0) >= 1) {
    m = humanml_motion(array);
  } else if (array.dim() == 3 && array.size(1) == kHumanMLJoints && array.size(2) == 3 && array.size(0) >= 1) {
    m.skeleton = smpl22();
    m.fps = fps;
    m.positions = array;
  } else {
    throw InputError(path.string() + ": an .npy motion is [frames, 22, 3] smpl22 positions or [frames, 263] HumanML3D "
                     "features, not " + c10::str(array.sizes()));
  }
  try {
    check_motion(m);
  } catch (const InputError& e) {
    throw InputError(path.string() + ": " + e.what());
  }
  return m;
}

}  // namespace gen::motion
