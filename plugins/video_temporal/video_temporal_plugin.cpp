// The video_temporal plugin object: what it declares to `gen plugins`, which -m values
// it takes, the generator it builds for a model, and its training stages (train/).
#include <gen/error.h>
#include <gen/plugin.h>

#include "train/text_pretraining.h"
#include "train/train_motion.h"
#include "video_generator.h"
#include "video_temporal.h"

namespace video_temporal {
namespace {

class VideoTemporalPlugin : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "video_temporal";
    i.version = "0.1.0";
    i.description =
        "AnimateDiff motion modules (diffusers MotionAdapter) on an SD-1.x UNet: text-to-video, image-to-video, "
        "video-to-video, long clips by sliding context windows";
    i.modality = gen::Modality::video;
    i.models = {{kDefaultModelName, "the embedded default: shapes in motion, 64x64, 16 frames (docs/model-zoo.md)", true},
                {"ADAPTER", "a MotionAdapter folder or .safetensors (with -O base=SD-1.x checkpoint)", false},
                {"PIPELINE", "a diffusers AnimateDiff folder (model_index.json + motion_adapter/)", false}};
    i.options = option_specs();
    i.inputs = request_inputs();
    i.training = train_stages();
    return i;
  }

  bool accepts_model(const std::string& model) const override { return looks_like_video_model(model); }

  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::PartSource&,
                                                   const gen::ProgressCallback&) override {
    return std::make_unique<VideoGenerator>(locate_model(model));
  }

  void train(const gen::TrainRequest& request, const gen::ProgressCallback& progress) override {
    if (request.model == "text")
      train_text_tower(request, progress);
    else
      train_motion(request, progress);
  }
};

}  // namespace
}  // namespace video_temporal

GEN_DEFINE_PLUGIN("video_temporal", video_temporal::VideoTemporalPlugin)
