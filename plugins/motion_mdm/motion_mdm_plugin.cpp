// The motion_mdm plugin object: what it declares to `gen plugins`, which -m values it
// takes, the generator it builds, and its training stage (train/).
#include <gen/error.h>
#include <gen/plugin.h>

#include "motion_generator.h"
#include "motion_mdm.h"
#include "train/train_mdm.h"

namespace motion_mdm {
namespace {

class MotionMdmPlugin : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "motion_mdm";
    i.version = "0.1.0";
    i.description =
        "MDM (motion diffusion transformer, trans_enc) over HumanML3D features on the 22-joint SMPL skeleton: "
        "text-to-motion, in-betweening, body-part editing";
    i.modality = gen::Modality::motion;
    i.models = {{kDefaultModelName, "the embedded default: procedural human motion, 20 fps (docs/model-zoo.md)", true},
                {"FOLDER", "a motion model folder (mdm/, text_encoder/, tokenizer/, normalizer.safetensors)", false},
                {"MDM.safetensors", "a converted MDM checkpoint (with -O text_encoder and -O normalizer)", false}};
    i.options = option_specs();
    i.inputs = request_inputs();
    i.training = train_stages();
    return i;
  }

  bool accepts_model(const std::string& model) const override { return looks_like_motion_model(model); }

  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::PartSource&,
                                                   const gen::ProgressCallback&) override {
    return std::make_unique<MotionGenerator>(model);
  }

  void train(const gen::TrainRequest& request, const gen::ProgressCallback& progress) override {
    motion_mdm::train(request, progress);
  }
};

}  // namespace
}  // namespace motion_mdm

GEN_DEFINE_PLUGIN("motion_mdm", motion_mdm::MotionMdmPlugin)
