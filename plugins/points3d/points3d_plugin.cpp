// The points3d plugin object: what it declares to `gen plugins`, which -m values it
// takes, the generator it builds, and its training stage (train/).
#include <gen/error.h>
#include <gen/plugin.h>

#include "point_generator.h"
#include "points3d.h"
#include "train/train_points.h"

namespace points3d {
namespace {

class Points3dPlugin : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "points3d";
    i.version = "0.1.0";
    i.description =
        "Point-E-style text-to-point-cloud diffusion: a transformer over point tokens, a timestep token and the "
        "caption's tokens; clouds, Poisson meshes and turntables";
    i.modality = gen::Modality::shape3d;
    i.models = {{kDefaultModelName, "the embedded default: coloured upright solids (docs/model-zoo.md)", true},
                {"FOLDER", "a points3d model folder (transformer/, text_encoder/, tokenizer/, scheduler/)", false}};
    i.options = option_specs();
    i.inputs = request_inputs();
    i.training = train_stages();
    return i;
  }

  bool accepts_model(const std::string& model) const override { return looks_like_point_model(model); }

  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::PartSource& parts,
                                                   const gen::ProgressCallback&) override {
    return std::make_unique<PointGenerator>(model, parts);
  }

  void train(const gen::TrainRequest& request, const gen::ProgressCallback& progress) override {
    points3d::train(request, progress);
  }
};

}  // namespace
}  // namespace points3d

GEN_DEFINE_PLUGIN("points3d", points3d::Points3dPlugin)
