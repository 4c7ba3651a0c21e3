// Key names of the original CompVis/LDM single-file layout (what
// convert_diffusers_to_original_stable_diffusion.py writes):
//   UNet  model.diffusion_model.{input_blocks,middle_block,output_blocks,time_embed,out}.*
//   VAE   first_stage_model.{encoder,decoder}.{down,mid,up}.*  (decoder.up.{L-1-i} = up_blocks.i;
//         attention q/k/v/proj_out are 1x1 convs [C,C,1,1] there, Linear [C,C] here)
//   CLIP  cond_stage_model.transformer.text_model.*  (SD 1.x; same names behind a prefix)
// Each function maps one diffusers/transformers key; the *_key_map overloads list every
// parameter of a built module. Unknown keys throw gen::ModelError.
#pragma once
#include <map>
#include <string>

#include <gen/export.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/state_dict.h>
#include <gen/nn/unet2d_condition.h>

namespace gen::nn {

inline const std::string kOriginalUNetPrefix = "model.diffusion_model.";
inline const std::string kOriginalVaePrefix = "first_stage_model.";
inline const std::string kOriginalClipPrefix = "cond_stage_model.transformer.";
inline const std::string kOpenClipPrefix = "cond_stage_model.model.";  // SD 2.x text encoder

GEN_API std::string unet_original_key(const std::string& key, const UNet2DConditionConfig& config);
GEN_API std::string vae_original_key(const std::string& key, const AutoencoderKLConfig& config);
GEN_API std::string clip_original_key(const std::string& key);

// diffusers/transformers key -> original key, for every parameter and buffer of the module.
GEN_API std::map<std::string, std::string> original_key_map(UNet2DConditionModelImpl& unet);
GEN_API std::map<std::string, std::string> original_key_map(AutoencoderKLImpl& vae);
GEN_API std::map<std::string, std::string> original_key_map(ClipTextModelImpl& clip);

// SD 2.x checkpoints store an OpenCLIP text tower (cond_stage_model.model.*, fused
// in_proj q/k/v). Converts it to transformers names, dropping the last block as
// diffusers does (SD 2.x conditions on the penultimate layer). Tensors are float32.
GEN_API TensorMap convert_open_clip(const TensorMap& open_clip_tensors);

}  // namespace gen::nn
