// What is recorded with every image: the A1111 "parameters" text (read by A1111,
// ComfyUI, civitai and image viewers) and gen's JSON sidecar with every setting.
#include <gen/option_values.h>

#include "image_ldm.h"

namespace image_ldm {
namespace {

// A1111 separates fields with ", " and lines with '\n': keep a prompt's own line
// breaks from being read as the start of the settings line.
std::string one_line(std::string text) {
  for (auto& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

}  // namespace

std::string a1111_parameters(const ImageRecord& r) {
  std::string text = one_line(r.prompt) + "\n";
  if (!r.negative_prompt.empty()) text += "Negative prompt: " + one_line(r.negative_prompt) + "\n";
  text += "Steps: " + std::to_string(r.steps) + ", Sampler: " + r.sampler;
  if (!r.scheduler.empty() && r.scheduler != "default") text += ", Schedule type: " + r.scheduler;
  text += ", CFG scale: " + gen::format_number(r.cfg_scale) + ", Seed: " + std::to_string(r.seed) +
          ", Size: " + std::to_string(r.width) + "x" + std::to_string(r.height) + ", Model: " + r.model_name;
  if (r.strength) text += ", Denoising strength: " + gen::format_number(*r.strength);
  if (r.clip_skip > 1) text += ", Clip skip: " + std::to_string(r.clip_skip);
  if (r.guidance_rescale > 0) text += ", CFG rescale: " + gen::format_number(r.guidance_rescale);
  return text;
}

nlohmann::json image_metadata(const ImageRecord& r, const Checkpoint& checkpoint) {
  nlohmann::json j;
  j["model_name"] = r.model_name;
  j["checkpoint_format"] = checkpoint.single_file() ? "single_file" : "diffusers";
  j["sd_version"] = checkpoint.sd_version();
  j["inpainting_unet"] = checkpoint.inpainting();
  j["task"] = r.task;
  j["steps"] = r.steps;
  j["sampler"] = r.sampler;
  j["cfg_scale"] = r.cfg_scale;
  j["width"] = r.width;
  j["height"] = r.height;
  j["prediction_type"] = gen::prediction_type_name(r.prediction_type);
  j["clip_skip"] = r.clip_skip;
  j["guidance_rescale"] = r.guidance_rescale;
  if (r.strength) j["strength"] = *r.strength;
  j["parameters"] = a1111_parameters(r);
  return j;
}

}  // namespace image_ldm
