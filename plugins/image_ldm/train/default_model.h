// The embedded default model's architecture, as diffusers config.json documents: the
// same formats real checkpoints use, so one loader serves both. Sizes are chosen so
// each part trains on 2 CPU cores within an hour and all parts ship in < 30 MB of F16:
// a 64x64x3 -> 16x16x4 AutoencoderKL, a 4-layer 128-wide CLIP text transformer over
// the caption vocabulary, and a 3-level UNet2DConditionModel cross-attending to it.
#pragma once
#include <filesystem>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>

#include <gen/image/clip_scorer.h>

namespace image_ldm {

// Widths of the three VAE levels; the first run used {16, 32, 64} and blurred small stars.
nlohmann::json default_vae_config(const std::vector<int64_t>& block_out_channels = {32, 64, 64});
nlohmann::json default_text_config(int64_t vocab_size);
nlohmann::json default_unet_config(int64_t cross_attention_dim);
// "linear" (DDPM's 1e-4..0.02, trailing timesteps) or "scaled_linear" (SD's 0.00085..0.012,
// leading). SD's schedule keeps sqrt(abar_T) = 0.068 of the image at the last step: on
// 16x16 latents that is as large as the random per-channel mean of the noise (1/16), so
// a model trained on it reads the background colour off the starting noise instead of
// the prompt. DDPM's keeps 0.0066.
nlohmann::json default_scheduler_config(const std::string& beta_schedule = "linear");
constexpr int64_t kClipEmbedDim = 128;

// CLIP's image tower for the shapes; also `gen eval`'s CLIP score (modalities/image).
using ClipVision = gen::image::ClipImageEncoder;

}  // namespace image_ldm
