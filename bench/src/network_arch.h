// What `--arch` names, per network: a model preset's part (a preset name or file), or
// a single network's config.json (the file or its folder); and what `--motion` names.
#pragma once
#include <string>

#include <gen/bench/model_preset.h>
#include <gen/nn/hifigan.h>

namespace gen::bench {

nn::UNet2DConditionConfig unet_arch(const std::string& arch);
nn::AutoencoderKLConfig vae_arch(const std::string& arch);
nn::ClipTextConfig text_encoder_arch(const std::string& arch);
// A transformers HiFi-GAN config.json (the file or its folder, e.g. an AudioLDM folder's
// vocoder/); model presets have no vocoder, so a preset name is a UsageError.
nn::HifiGanConfig vocoder_arch(const std::string& arch);
// A preset with every part a runnable model needs (unet, vae, text_encoder, scheduler);
// UsageError for anything else, since no single network config can stand for a model.
ModelPreset whole_model_arch(const std::string& arch);
// A motion preset's adapter (a name in configs/motion/ or a preset file), or a diffusers
// MotionAdapter config.json (the file or its folder, e.g. a downloaded adapter).
nn::MotionAdapterConfig motion_adapter_arch(const std::string& motion);

}  // namespace gen::bench
