// The embedded default model's architecture, as diffusers config.json documents: the
// same formats real checkpoints use, so one loader serves both. Sizes are chosen so
// each part trains on 2 CPU cores within an hour and all parts ship in < 30 MB of F16:
// a 64x64x3 -> 16x16x4 AutoencoderKL, a 4-layer 128-wide CLIP text transformer over
// the caption vocabulary, and a 3-level UNet2DConditionModel cross-attending to it.
#pragma once
#include <filesystem>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>

#include <gen/shapes/clip_scorer.h>

namespace image_ldm {

// Widths of the three VAE levels; the first run used {16, 32, 64} and blurred small stars.
nlohmann::json default_vae_config(const std::vector<int64_t>& block_out_channels = {32, 64, 64});
nlohmann::json default_text_config(int64_t vocab_size);
// Widths of the three UNet levels (16x16, 8x8, 4x4 latents): version 4's by default;
// versions 1-3 had {32, 64, 128}.
nlohmann::json default_unet_config(int64_t cross_attention_dim,
                                   const std::vector<int64_t>& block_out_channels = {64, 128, 128});
// "scaled_linear" (SD's betas 0.00085..0.012, leading timesteps; the shipped model's) or
// "linear" (DDPM's 1e-4..0.02, trailing). SD's leaves sqrt(abar_T) = 0.068 of the image
// in x_T, as large as the random per-channel mean of 16x16 noise; DDPM's leaves 0.0064
// but spends 45% of the training steps at SNR < 0.05, and at equal steps learned far
// less (docs/model-zoo.md). The offset noise option attacks the leak instead.
nlohmann::json default_scheduler_config(const std::string& beta_schedule = "scaled_linear");
constexpr int64_t kClipEmbedDim = 128;

// CLIP's image tower for the shapes; also `gen eval`'s CLIP score (worlds/shapes).
using ClipVision = gen::shapes::ClipImageEncoder;

}  // namespace image_ldm
