// What `--arch` names, per network: a model preset's part (a preset name or file), or
// a single network's config.json (the file or its folder).
#pragma once
#include <string>

#include <gen/bench/model_preset.h>

namespace gen::bench {

nn::UNet2DConditionConfig unet_arch(const std::string& arch);
nn::AutoencoderKLConfig vae_arch(const std::string& arch);
nn::ClipTextConfig text_encoder_arch(const std::string& arch);
// A preset with every part a runnable model needs (unet, vae, text_encoder, scheduler);
// UsageError for anything else, since no single network config can stand for a model.
ModelPreset whole_model_arch(const std::string& arch);

}  // namespace gen::bench
