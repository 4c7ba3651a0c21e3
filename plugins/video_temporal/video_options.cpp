// The plugin's -O options, declared for the host (which validates them), read together
// with the request's video block into VideoOptions.
#include <gen/error.h>

#include "video_temporal.h"

namespace video_temporal {

std::vector<gen::OptionSpec> option_specs() {
  using gen::OptionSpec;
  return {
      OptionSpec::path("base", "SD-1.x checkpoint (diffusers folder or .safetensors) the motion modules run on; "
                               "default: the model's own base (the embedded default image model for -m default)"),
      OptionSpec::integer("context_frames", 0, 0, 1024,
                          "Frames the motion modules see at once; longer clips run in overlapping windows "
                          "(0 = 16, or fewer if the adapter has fewer positions)"),
      OptionSpec::integer("context_overlap", 4, 0, 1023, "Frames shared by neighbouring context windows"),
      OptionSpec::integer("decode_chunk", 16, 1, 1024, "Frames decoded by the VAE at once"),
      OptionSpec::boolean("low_memory", false,
                          "Load one network at a time and run the two CFG halves one after the other"),
      OptionSpec::integer("preview_every", 0, 0, 100000, "Write <output>.preview.<ext> every k steps (latent->RGB)"),
      OptionSpec::boolean("composite", true, "Image-to-video: frame 0 is the init image's pixels exactly"),
      OptionSpec::number("shared_noise", -1, -1, 100,
                         "Starting noise shared across frames, PYoCo's alpha (0 = independent frames; "
                         "default: what the model was trained with)"),
      OptionSpec::number("motion_cfg_scale", -1, -1, 100,
                         "Guidance scale of the text the motion modules read, on top of the frames' text "
                         "(a third network pass; -1 = the CFG scale, i.e. plain CFG; default: the model's)"),
      OptionSpec::text("prompt_end", "",
                       "Prompt travel: the text the frames read moves from -p (first frame) to this prompt "
                       "(last frame), interpolated frame by frame; the motion modules keep reading -p"),
      OptionSpec::boolean("auto_travel", true,
                          "When the model ships prompt_travel.json (or travel_rules is given), rewrite a motion "
                          "prompt into keyframe prompts its image model knows and travel between them"),
      OptionSpec::path("travel_rules", "Prompt-travel rules file (JSON, see docs/video.md) used instead of the "
                                       "model's prompt_travel.json"),
      OptionSpec::path("tokenizer", "Folder with the CLIP vocab.json and merges.txt (default: <base>/tokenizer)"),
  };
}

std::vector<std::string> request_inputs() {
  return {"negative-prompt", "cfg-scale", "steps", "sampler", "scheduler", "width", "height",
          "frames", "fps", "init", "strength", "preview-every"};
}

VideoOptions parse_options(const gen::Request& r) {
  const gen::OptionValues v(r.options, option_specs());
  VideoOptions o;
  o.base = v.text("base");
  o.context_frames = static_cast<int>(v.integer("context_frames"));
  o.context_overlap = static_cast<int>(v.integer("context_overlap"));
  o.decode_chunk = static_cast<int>(v.integer("decode_chunk"));
  o.low_memory = v.boolean("low_memory");
  o.composite = v.boolean("composite");
  o.tokenizer = v.text("tokenizer");
  o.prompt_end = v.text("prompt_end");
  o.auto_travel = v.boolean("auto_travel");
  o.travel_rules = v.text("travel_rules");
  if (!o.travel_rules.empty() && !o.auto_travel)
    throw gen::UsageError("option travel_rules has no effect with auto_travel=false");
  o.shared_noise = v.number("shared_noise");
  o.motion_cfg_scale = v.number("motion_cfg_scale");
  o.preview_every = r.video.preview_every > 0 ? r.video.preview_every : static_cast<int>(v.integer("preview_every"));
  if (o.context_frames > 0 && o.context_overlap >= o.context_frames)
    throw gen::UsageError("option context_overlap=" + std::to_string(o.context_overlap) +
                          " must be smaller than context_frames=" + std::to_string(o.context_frames));
  if (r.video.strength == 0.0) throw gen::UsageError("--strength must be greater than 0");
  if (r.video.strength > 0 && r.video.init.empty())
    throw gen::UsageError("--strength needs -i with a clip (it sets how much of the clip is repainted)");
  return o;
}

}  // namespace video_temporal
