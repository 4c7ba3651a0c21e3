// The image_ldm plugin object: what it declares to `gen plugins`, which -m values it
// takes, and the generator it builds for a checkpoint. Its default model is the
// project's own (assets/default-image); where that is not installed it declares no
// default and `gen image` without -m resolves to another plugin.
#include <gen/error.h>
#include <gen/plugin.h>

#include "checkpoint.h"
#include "image_ldm.h"
#include "ldm_generator.h"
#include "train/train_default_model.h"

namespace image_ldm {
namespace {

class ImageLdmPlugin : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "image_ldm";
    i.version = "0.1.0";
    i.description =
        "Stable Diffusion 1.x/2.x checkpoints (diffusers folder or single .safetensors): txt2img, img2img, "
        "inpainting, outpainting";
    i.modality = gen::Modality::image;
    i.models = {{"PATH", "a diffusers folder (model_index.json) or an original-layout .safetensors file", false}};
    if (!default_model_dir().empty())
      i.models.insert(i.models.begin(), {kDefaultModelName,
                                         "the embedded default: 64x64 shapes from captions (docs/model-zoo.md)", true});
    i.options = option_specs();
    return i;
  }

  bool accepts_model(const std::string& model) const override {
    return (model == kDefaultModelName && !default_model_dir().empty()) || looks_like_checkpoint(model);
  }

  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::ProgressCallback&) override {
    if (model.empty() || model == kDefaultModelName) {
      auto dir = default_model_dir();
      if (dir.empty())
        throw gen::ModelError("the default image model is not installed (assets/default-image); pass -m with a "
                              "diffusers folder or .safetensors file");
      return std::make_unique<LdmGenerator>(Checkpoint(dir));
    }
    return std::make_unique<LdmGenerator>(Checkpoint(model));
  }
  // Trains the parts of the embedded default model (train/train_default_model.h).
  void train(const gen::TrainRequest& request, const gen::ProgressCallback& progress) override {
    train_default_model(request, progress);
  }
};

}  // namespace
}  // namespace image_ldm

GEN_DEFINE_PLUGIN("image_ldm", image_ldm::ImageLdmPlugin)
