// The image_ldm plugin object: what it declares to `gen plugins`, which -m values it
// takes, the generator and the parts (image_prior.h) it builds for a checkpoint, and
// its training stages. Its default model is the project's own (assets/default-image).
#include <gen/error.h>
#include <gen/plugin.h>

#include "image_ldm.h"
#include "image_prior.h"
#include "ldm_generator.h"
#include "train/train_default_model.h"

namespace image_ldm {
namespace {

// Where the embedded default would be, for the error when it is missing.
std::string default_model_places() {
  std::string places;
  for (const auto& dir : default_model_candidates()) places += (places.empty() ? "" : ", ") + dir.string();
  return places;
}

class ImageLdmPlugin : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "image_ldm";
    i.version = "0.2.0";
    i.description =
        "Stable Diffusion 1.x/2.x checkpoints (diffusers folder or single .safetensors): txt2img, img2img, "
        "inpainting, outpainting";
    i.modality = gen::Modality::image;
    // The default is always declared, so `gen image` without -m never resolves to another
    // plugin; when it is not installed, loading it says where it was looked for.
    i.models = {{kDefaultModelName, "the embedded default: 64x64 shapes from captions (docs/model-zoo.md)", true},
                {"PATH", "a diffusers folder (model_index.json) or an original-layout .safetensors file", false}};
    i.options = option_specs();
    i.inputs = request_inputs();
    i.training = train_stages();
    return i;
  }

  bool accepts_model(const std::string& model) const override {
    return model == kDefaultModelName || gen::nn::looks_like_sd_checkpoint(model);
  }

  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::PartSource&,
                                                   const gen::ProgressCallback&) override {
    return std::make_unique<LdmGenerator>(checkpoint(model));
  }

  std::shared_ptr<gen::DiffusionPrior> prior(const std::string& model, const gen::PartSource&) override {
    return make_image_prior(checkpoint(model));
  }

  // Trains the parts of the embedded default model (train/train_default_model.h).
  void train(const gen::TrainRequest& request, const gen::ProgressCallback& progress) override {
    train_default_model(request, progress);
  }

 private:
  static Checkpoint checkpoint(const std::string& model) {
    if (!model.empty() && model != kDefaultModelName) return Checkpoint(model);
    const auto dir = default_model_dir();
    if (dir.empty())
      throw gen::ModelError("the embedded default image model is not installed (looked in " + default_model_places() +
                            "); pass -m with a diffusers folder or .safetensors file");
    return Checkpoint(dir);
  }
};

}  // namespace
}  // namespace image_ldm

GEN_DEFINE_PLUGIN("image_ldm", image_ldm::ImageLdmPlugin)
