// The plugin's -O options, declared for the host (which validates them), and the
// request fields it reads.
#include <gen/error.h>
#include <gen/option_values.h>

#include "motion_mdm.h"

namespace motion_mdm {

std::vector<gen::OptionSpec> option_specs() {
  using gen::OptionSpec;
  return {
      OptionSpec::path("text_encoder", "CLIP text tower for an MDM .safetensors file: a transformers "
                                       "CLIPTextModelWithProjection folder (ViT-B/32 for published MDMs; docs/motion.md)"),
      OptionSpec::path("tokenizer", "Folder with the CLIP vocab.json and merges.txt (default: beside the text encoder)"),
      OptionSpec::path("normalizer", "Feature mean/std of an MDM file: a .safetensors (mean, std) or a folder with "
                                     "HumanML3D's Mean.npy and Std.npy"),
      OptionSpec::integer("train_timesteps", 0, 0, 100000,
                          "Diffusion steps the model was trained with (0 = the model's; published MDMs: 1000, "
                          "the 50-step MDMs: 50)"),
      OptionSpec::integer("heads", 0, 0, 64, "Attention heads of an MDM file without config.json (0 = MDM's 4)"),
      OptionSpec::boolean("mask_frames", false, "An MDM file trained with mask_frames (newer 50-step MDMs)"),
      OptionSpec::boolean("auto_travel", true,
                          "When the model ships prompt_travel.json (or travel_rules is given), let each part of a "
                          "sequence prompt (\"... walks then sits down\") condition its own frames"),
      OptionSpec::path("travel_rules", "Prompt-travel rules file (JSON, see docs/motion.md) used instead of the "
                                       "model's prompt_travel.json"),
  };
}

std::vector<std::string> request_inputs() {
  return {"negative-prompt", "cfg-scale", "steps", "sampler", "scheduler", "duration",
          "frames", "fps", "skeleton", "init", "keep-frames", "keep-joints"};
}

MotionOptions parse_options(const gen::Request& r) {
  const gen::OptionValues v(r.options, option_specs());
  MotionOptions o;
  o.text_encoder = v.text("text_encoder");
  o.tokenizer = v.text("tokenizer");
  o.normalizer = v.text("normalizer");
  o.train_timesteps = static_cast<int>(v.integer("train_timesteps"));
  o.heads = static_cast<int>(v.integer("heads"));
  o.mask_frames = v.boolean("mask_frames");
  o.auto_travel = v.boolean("auto_travel");
  o.travel_rules = v.text("travel_rules");
  if (!o.travel_rules.empty() && !o.auto_travel)
    throw gen::UsageError("option travel_rules has no effect with auto_travel=false");
  const auto& m = r.motion;
  if (m.duration > 0 && m.frames > 0) throw gen::UsageError("give --duration or --frames, not both");
  if (!m.skeleton.empty() && m.skeleton != "smpl22")
    throw gen::UsageError("skeleton '" + m.skeleton + "' is not one this model poses (it poses smpl22)");
  const bool editing = !m.keep_frames.empty() || !m.keep_joints.empty();
  if (editing && m.init.empty()) throw gen::UsageError("--keep-frames and --keep-joints need -i with the motion to edit");
  if (!m.init.empty() && !editing)
    throw gen::UsageError("-i needs --keep-frames (in-betweening) or --keep-joints (body-part editing)");
  return o;
}

}  // namespace motion_mdm
