// The plugin's -O options, declared for the host (which validates them), and the
// request read into LdmOptions: typed options plus the image block's canvas fields.
#include <gen/error.h>

#include "image_ldm.h"

namespace image_ldm {

std::vector<gen::OptionSpec> option_specs() {
  using gen::OptionSpec;
  return {
      OptionSpec::number("guidance_rescale", 0, 0, 1, "Guidance rescale phi (0.7 suits v-prediction models)"),
      OptionSpec::integer("clip_skip", 0, 0, 64, "Text encoder layer to use, A1111 style: 0/1 = last, 2 = penultimate, ..."),
      OptionSpec::choice("prediction_type", {"epsilon", "v_prediction"}, "",
                         "What the UNet predicts; default: the scheduler config's, epsilon for single files"),
      OptionSpec::boolean("low_memory", false, "Load one network at a time: text encoder, UNet, then VAE"),
      OptionSpec::integer("preview_every", 0, 0, 100000, "Write <output>.preview.png every k steps (cheap latent->RGB view)"),
      OptionSpec::boolean("composite", true, "Inpainting: paste the kept pixels of the init image back exactly"),
      OptionSpec::path("tokenizer", "Folder with the CLIP vocab.json and merges.txt (default: <model>/tokenizer)"),
  };
}

std::vector<std::string> request_inputs() {
  return {"negative-prompt", "cfg-scale", "steps", "sampler", "scheduler", "width", "height",
          "init-image", "strength", "mask", "pad", "preview-every"};
}

LdmOptions parse_options(const gen::Request& r) {
  const gen::OptionValues v(r.options, option_specs());
  LdmOptions o;
  o.init_image = r.image.init_image;
  o.mask = r.image.mask;
  o.pad = r.image.pad;
  o.strength = r.image.strength;
  o.preview_every = r.image.preview_every > 0 ? r.image.preview_every : static_cast<int>(v.integer("preview_every"));
  o.guidance_rescale = v.number("guidance_rescale");
  o.clip_skip = static_cast<int>(v.integer("clip_skip"));
  if (v.has("prediction_type")) o.prediction_type = gen::parse_prediction_type(v.text("prediction_type"));
  o.low_memory = v.boolean("low_memory");
  o.composite = v.boolean("composite");
  o.tokenizer = v.text("tokenizer");
  if (o.strength == 0.0) throw gen::UsageError("--strength must be greater than 0");
  if (!o.init_image.empty()) return o;
  if (!o.mask.empty()) throw gen::UsageError("--mask needs --init-image (the image to inpaint)");
  if (!o.pad.empty()) throw gen::UsageError("--pad needs --init-image (the image to outpaint)");
  if (o.strength > 0) throw gen::UsageError("--strength needs --init-image (it sets how much of it is repainted)");
  return o;
}

}  // namespace image_ldm
