// The image_ldm plugin object: what it declares to `gen plugins`, which -m values it
// takes, and the generator it builds for a checkpoint. It declares no default model:
// the project's own trained default will be added to assets/ later, and until then
// `gen image` without -m keeps resolving to another plugin.
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
    i.options = option_specs();
    return i;
  }

  bool accepts_model(const std::string& model) const override { return looks_like_checkpoint(model); }

  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::ProgressCallback&) override {
    if (model.empty())
      throw gen::ModelError("image_ldm has no default model yet; pass -m with a diffusers folder or .safetensors file");
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
