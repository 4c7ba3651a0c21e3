// Tiny random-weight Stable Diffusion checkpoints for end-to-end tests: UNet, VAE with a
// 2x downsampling, CLIP text encoder and a byte-level CLIP tokenizer, as a diffusers
// folder (ordinary or 9-channel inpainting) or one original-layout .safetensors file.
// Seeded: the same networks in every layout, on every run.
#pragma once
#include <filesystem>

#include <nlohmann/json.hpp>

#include <gen/nn/unet_config.h>

namespace gen::test {

extern const nlohmann::json kUNetConfig;  // blocks (32, 64), 1 layer, text width 64, 32 groups
extern const nlohmann::json kVaeConfig;

// Every byte is a token, plus one word ("th"), and the two special tokens; returns the vocabulary size.
int64_t write_tokenizer(const std::filesystem::path& dir);
// A diffusers folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/).
void write_folder(const std::filesystem::path& dir, int64_t unet_in_channels);
// The same networks in the original CompVis layout, in one file.
void write_single_file(const std::filesystem::path& file, int64_t vocab);

// A tiny AudioLDM-style UNet: blocks (8, 16), 4 latent channels, attention that attends to
// itself, and the text as a simple_projection class embedding of `text_dim` (added to the
// time embedding, or concatenated with it as AudioLDM does).
gen::nn::UNet2DConditionConfig tiny_audio_unet_config(bool concat, int64_t text_dim);

// A seeded tiny random-weight AudioLDM folder at 16 kHz with 16 mel bands: that UNet
// (concatenated class embedding, text width 16), a one-channel VAE, a HiFi-GAN, a CLIP
// text tower with a few words, a DDIM scheduler, and generation_defaults.json
// {steps 3, cfg_scale 2.5, duration 1.0}.
void write_tiny_audioldm(const std::filesystem::path& folder);

}  // namespace gen::test
