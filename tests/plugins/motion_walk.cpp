// A motion plugin for the CLI tests of the motion writers: "walk" returns the procedural
// smpl22 walk of tests/support/motion_fixtures.h (frames and fps from the request,
// 40 frames at 20 fps by default); with -i FILE it returns the motion in FILE (.bvh,
// .json, .npy) instead, so a bad motion input shows the CLI's exit code for bad input.
#include <gen/error.h>
#include <gen/motion/motion_io.h>
#include <gen/plugin.h>

#include "../support/motion_fixtures.h"

namespace {

class WalkGenerator : public gen::Generator {
 public:
  gen::Sample generate(const gen::Request& r, const gen::ProgressCallback& progress) override {
    progress({"walking", 1, 1, 0.0, ""});
    const auto& init = r.motion.init;
    const auto motion = init.empty() ? gen::test::walking_motion(r.motion.frames > 0 ? r.motion.frames : 40,
                                                                 r.motion.fps > 0 ? r.motion.fps : 20, 90)
                                     : gen::motion::read_motion(init);
    gen::Sample s;
    s.data = motion.positions;
    s.metadata = {{"fps", motion.fps}, {"skeleton", motion.skeleton.name}};
    return s;
  }
};

class MotionWalk : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "motion_walk";
    i.version = "1.0";
    i.description = "test plugin returning a procedural walk";
    i.modality = gen::Modality::motion;
    i.models = {{"walk", "a procedural smpl22 walk", true}};
    i.inputs = {"frames", "fps", "init"};
    return i;
  }
  bool accepts_model(const std::string& m) const override { return m == "walk"; }
  std::unique_ptr<gen::Generator> create_generator(const std::string&, const gen::PartSource&,
                                                   const gen::ProgressCallback&) override {
    return std::make_unique<WalkGenerator>();
  }
};

}  // namespace

GEN_DEFINE_PLUGIN("motion_walk", MotionWalk)
