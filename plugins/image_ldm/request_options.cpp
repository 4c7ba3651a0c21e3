// Plugin options (-O key=value) and the CLI's image flags, which arrive in the same
// map. Unknown keys are refused: a typo would otherwise be silently ignored.
#include <cstdio>

#include <gen/error.h>
#include <gen/option_values.h>

#include "image_ldm.h"

namespace image_ldm {
namespace {

// Keys the CLI itself puts into Request::options for images (apps/gen/cmd_generate.cpp),
// besides preview_every, which is also a plugin option.
const char* const kImageFlags[] = {"init_image", "strength", "mask", "pad"};

double number(const std::string& key, const std::string& text, double lo, double hi) {
  return gen::parse_number(key, text, lo, hi);
}
int integer(const std::string& key, const std::string& text, int lo, int hi) { return gen::parse_integer(key, text, lo, hi); }
bool boolean(const std::string& key, const std::string& text) { return gen::parse_bool(key, text); }

gen::PredictionType prediction(const std::string& text) {
  if (text == "epsilon") return gen::PredictionType::epsilon;
  if (text == "v_prediction" || text == "v") return gen::PredictionType::v_prediction;
  throw gen::UsageError("option prediction_type must be epsilon or v_prediction, got '" + text + "'");
}

std::string valid_keys() {
  std::string list;
  for (const auto& spec : option_specs()) list += (list.empty() ? "" : ", ") + spec.name;
  for (const char* flag : kImageFlags) list += std::string(", ") + flag;
  return list;
}

}  // namespace

std::vector<gen::OptionSpec> option_specs() {
  return {
      {"guidance_rescale", "float", "0", "Guidance rescale phi (0-1; 0.7 suits v-prediction models)", {}},
      {"clip_skip", "int", "0", "Text encoder layer to use, A1111 style: 0/1 = last, 2 = penultimate, ...", {}},
      {"prediction_type", "string", "",
       "What the UNet predicts; default: the scheduler config's, epsilon for single files",
       {"epsilon", "v_prediction"}},
      {"low_memory", "bool", "false", "Load one network at a time: text encoder, UNet, then VAE", {"true", "false"}},
      {"preview_every", "int", "0", "Write <output>.preview.png every k steps (cheap latent->RGB view)", {}},
      {"composite", "bool", "true", "Inpainting: paste the kept pixels of the init image back exactly",
       {"true", "false"}},
      {"tokenizer", "path", "", "Folder with the CLIP vocab.json and merges.txt (default: <model>/tokenizer)", {}},
  };
}

LdmOptions parse_options(const gen::Request& r) {
  LdmOptions o;
  for (const auto& [key, value] : r.options) {
    if (key == "init_image") o.init_image = value;
    else if (key == "mask") o.mask = value;
    else if (key == "pad") o.pad = value;
    else if (key == "strength") o.strength = number(key, value, 0.0, 1.0);
    else if (key == "preview_every") o.preview_every = integer(key, value, 0, 100000);
    else if (key == "guidance_rescale") o.guidance_rescale = number(key, value, 0.0, 1.0);
    else if (key == "clip_skip") o.clip_skip = integer(key, value, 0, 64);
    else if (key == "prediction_type") o.prediction_type = prediction(value);
    else if (key == "low_memory") o.low_memory = boolean(key, value);
    else if (key == "composite") o.composite = boolean(key, value);
    else if (key == "tokenizer") o.tokenizer = value;
    else throw gen::UsageError("no option '" + key + "' (valid: " + valid_keys() + ")");
  }
  if (o.strength == 0.0) throw gen::UsageError("--strength must be greater than 0");
  if (!o.init_image.empty()) return o;
  if (!o.mask.empty()) throw gen::UsageError("--mask needs --init-image (the image to inpaint)");
  if (!o.pad.empty()) throw gen::UsageError("--pad needs --init-image (the image to outpaint)");
  if (o.strength > 0) throw gen::UsageError("--strength needs --init-image (it sets how much of it is repainted)");
  return o;
}

}  // namespace image_ldm
