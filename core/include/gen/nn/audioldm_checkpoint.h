// AudioLDM checkpoints in diffusers' layout -> ready-to-run float32 networks:
//   model_index.json, unet/ (UNet2DConditionModel with a simple_projection class embedding),
//   vae/ (one-channel AutoencoderKL), vocoder/ (transformers' SpeechT5HifiGan), scheduler/,
//   and text_encoder/ + tokenizer/ (CLAP's RoBERTa tower, not loaded here: only located).
// The pipeline these serve (diffusers' AudioLDMPipeline): a mel image [B, 1, frames, bands]
// is encoded to latents [B, C, frames/f, bands/f]; the UNet is called with no
// encoder_hidden_states and class_labels = the normalised CLAP text embedding; the decoded
// mel (latents / scaling_factor) is squeezed to [B, frames, bands] for the vocoder.
#pragma once
#include <filesystem>
#include <optional>

#include <gen/export.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/hifigan.h>
#include <gen/nn/unet2d_condition.h>

namespace gen::nn {

struct AudioLdmModels {
  UNet2DConditionModel unet{nullptr};
  AutoencoderKL vae{nullptr};
  SpeechT5HifiGan vocoder{nullptr};
  // Empty when the folder has none.
  std::filesystem::path scheduler_config;
  std::filesystem::path text_encoder_dir;
  std::filesystem::path tokenizer_dir;
};

// The three networks of a diffusers AudioLDM (or MusicLDM) folder. They must fit together
// as the pipeline uses them, else a gen::ModelError says where: the UNet has a class
// embedding, its in/out channels are the VAE's latent channels, the VAE maps one-channel
// mel images, and the vocoder's mel bands divide by the VAE's downsampling factor.
// A missing folder, part or config is a gen::InputError.
GEN_API AudioLdmModels load_audioldm_folder(const std::filesystem::path& dir);

// The checks above, for parts loaded one at a time (a null vocoder: the checks without it).
// `extra_in_channels`: input channels the UNet takes beside the latent (fixed condition
// channels a caller appends, as SD's inpainting UNet takes its mask and masked image).
GEN_API void check_audioldm_parts(const UNet2DConditionConfig& unet, const AutoencoderKLConfig& vae,
                                  const HifiGanConfig& vocoder);
GEN_API void check_audioldm_parts(const UNet2DConditionConfig& unet, const AutoencoderKLConfig& vae,
                                  const HifiGanConfig* vocoder, int64_t extra_in_channels = 0);

// The configs of such a folder, read and checked without touching weights, for callers that
// load the parts one at a time. With `require_vocoder` false a folder without vocoder/ is
// accepted (its networks then need another vocoder, e.g. Griffin-Lim); model_index.json is
// optional here, but when present it must name an AudioLDM pipeline.
struct AudioLdmConfigs {
  UNet2DConditionConfig unet;
  AutoencoderKLConfig vae;
  std::optional<HifiGanConfig> vocoder;
};
GEN_API AudioLdmConfigs read_audioldm_configs(const std::filesystem::path& dir, bool require_vocoder,
                                              int64_t extra_in_channels = 0);

}  // namespace gen::nn
