// The motion writers the generation host picks by extension (gen/output_formats.h):
// ".bvh", ".json", ".npy", and stick-figure ".mp4", ".webm", ".gif" for motion samples
// (float [F, J, 3] positions, gen/sample.h). The sample's metadata "fps" is the rate
// (kDefaultFps without one, e.g. a preview) and "skeleton" names the skeleton (smpl22
// when absent and J is 22). Video extensions are also video's: the host picks the
// writer by the sample's modality, so "-o walk.mp4" renders a motion as a stick figure.
#pragma once
#include <torch/types.h>

#include <gen/export.h>
#include <gen/motion/motion.h>
#include <gen/output_formats.h>

namespace gen::motion {

constexpr double kDefaultFps = 20;  // HumanML3D's rate

GEN_API void add_motion_formats(OutputFormats& formats);

// The Motion a sample holds; a gen::Error when it is not a motion sample.
GEN_API Motion motion_from_sample(const torch::Tensor& data, const Sample& sample);

}  // namespace gen::motion
