// A working video plugin for the video evaluation's tests: it draws the clip a
// shapes-in-motion caption (phrasing 0) describes with the world's own renderer, so a
// perfect model's scores are known. The other models fail on purpose: "still" holds the
// first frame (right colour and shape, no motion), "jumble" shows the first frames of
// unrelated clips (nothing consistent).
#include <gen/error.h>
#include <gen/plugin.h>
#include <gen/shapes/motion_clips.h>
#include <gen/shapes/shapes_dataset.h>

namespace {

// The clip whose phrasing-0 caption is `prompt`, its motion parameters drawn from `rng`.
gen::shapes::ShapeClip clip_for(const std::string& prompt, std::mt19937_64& rng) {
  namespace s = gen::shapes;
  for (const auto& shape : s::shape_names())
    for (const auto& motion : s::motion_names()) {
      s::ShapeClip c;
      c.shape = shape, c.motion = motion;
      for (const auto& color : s::shape_colors())
        for (const auto& background : s::background_colors()) {
          c.color = color, c.background = background;
          if (s::caption_clip(c, 0) != prompt) continue;
          // Geometry from a random clip of this shape and motion; colours from the prompt.
          auto drawn = s::random_clip(rng, s::is_heldout_motion_pair(shape, motion));
          while (drawn.shape != shape || drawn.motion != motion) drawn = s::random_clip(rng, s::is_heldout_motion_pair(shape, motion));
          drawn.color = color, drawn.background = background;
          return drawn;
        }
    }
  throw gen::InputError("not a shapes-in-motion caption: " + prompt);
}

class ShapesVideoGenerator : public gen::Generator {
 public:
  explicit ShapesVideoGenerator(std::string mode) : mode_(std::move(mode)) {}
  gen::Sample generate(const gen::Request& r, const gen::ProgressCallback&) override {
    std::mt19937_64 rng(static_cast<uint64_t>(r.seed));
    const int frames = r.video.frames > 0 ? r.video.frames : 16, size = r.video.width > 0 ? r.video.width : 64;
    auto clip = gen::shapes::render_clip(clip_for(r.prompt, rng), frames, size).frames;
    if (mode_ == "still") clip = clip.narrow(0, 0, 1).expand_as(clip).contiguous();
    if (mode_ == "jumble")
      for (int64_t f = 0; f < frames; ++f)
        clip[f].copy_(gen::shapes::render_clip(gen::shapes::random_clip(rng, false), 1, size).frames[0]);
    gen::Sample sample;
    sample.data = clip;
    sample.seed = r.seed;
    sample.metadata["fps"] = gen::shapes::kClipFps;
    return sample;
  }

 private:
  std::string mode_;
};

class ShapesVideo : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "shapes_video";
    i.version = "1.0";
    i.description = "test plugin drawing shapes-in-motion captions";
    i.modality = gen::Modality::video;
    i.models = {{"oracle", "draws what the caption says", true},
                {"still", "holds the first frame", false},
                {"jumble", "frames of unrelated clips", false}};
    i.inputs = {"steps", "sampler", "cfg-scale", "frames", "width", "height"};
    return i;
  }
  bool accepts_model(const std::string& m) const override { return m == "oracle" || m == "still" || m == "jumble"; }
  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::PartSource&,
                                                   const gen::ProgressCallback&) override {
    return std::make_unique<ShapesVideoGenerator>(model.empty() ? "oracle" : model);
  }
};

}  // namespace

GEN_DEFINE_PLUGIN("shapes_video", ShapesVideo)
