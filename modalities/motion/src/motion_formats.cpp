#include <gen/motion/motion_formats.h>

#include <gen/error.h>
#include <gen/motion/motion_io.h>

namespace gen::motion {
namespace {

double fps_of(const Sample& sample) {
  const auto it = sample.metadata.find("fps");
  if (it == sample.metadata.end() || it->is_null()) return kDefaultFps;
  if (!it->is_number()) throw Error("a motion sample's \"fps\" must be a number, got " + it->dump());
  return it->get<double>();
}

const Skeleton& skeleton_of(const Sample& sample, int64_t joints) {
  const auto it = sample.metadata.find("skeleton");
  if (it == sample.metadata.end() || it->is_null()) {
    if (joints == smpl22().joint_count()) return smpl22();
    throw Error("a motion sample of " + std::to_string(joints) + " joints needs metadata \"skeleton\"");
  }
  if (!it->is_string()) throw Error("a motion sample's \"skeleton\" must be a name, got " + it->dump());
  try {
    return skeleton_by_name(it->get<std::string>());
  } catch (const UsageError& e) {
    throw Error(std::string("a motion sample's skeleton: ") + e.what());
  }
}

}  // namespace

Motion motion_from_sample(const torch::Tensor& data, const Sample& sample) {
  if (!data.defined() || data.dim() != 3 || data.size(2) != 3 || !data.is_floating_point())
    throw Error("a motion sample must be float [F, J, 3] joint positions, got " +
                (data.defined() ? std::string(c10::toString(data.scalar_type())) + " " + c10::str(data.sizes()) : "nothing"));
  Motion m;
  m.skeleton = skeleton_of(sample, data.size(1));
  m.fps = fps_of(sample);
  m.positions = data.to(torch::kFloat32).contiguous();
  try {
    check_motion(m);
  } catch (const InputError& e) {
    throw Error(std::string("a motion sample: ") + e.what());
  }
  return m;
}

void add_motion_formats(OutputFormats& formats) {
  for (const auto& extension : motion_write_extensions())
    formats.add(extension, Modality::motion, [](const std::filesystem::path& path, const torch::Tensor& data, const Sample& sample) {
      // write_motion picks the format from the path, which keeps the extension the host chose.
      write_motion(path, motion_from_sample(data, sample), MotionWriteOptions{{}, sample.text});
    });
}

}  // namespace gen::motion
