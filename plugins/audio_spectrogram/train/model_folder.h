// The earlier stages' run folders as -m unet finds them, and the model folder it
// assembles from them: diffusers' AudioLDM layout, which locate_model (audio_model.cpp)
// and read_audioldm_configs accept:
//   model_index.json (AudioLDMPipeline), unet/, vae/, text_encoder/ + tokenizer/ (a CLIP
//   tower with projection), vocoder/ (when trained), scheduler/ (AudioLDM's schedule, DDIM),
//   generation_defaults.json (steps, cfg_scale, duration, sampler, the mel).
#pragma once
#include <gen/denoiser.h>
#include <filesystem>
#include <string>

#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/unet2d_condition.h>

#include "../audio_spectrogram.h"

namespace audio_spectrogram {

struct StageParts {
  std::filesystem::path vae, text, vocoder;  // run folders; vocoder empty when not given
};

// Checks each folder holds its stage's output (one gen::InputError naming what is missing);
// -O vae and -O text_encoder are required (a gen::UsageError without them).
StageParts find_stage_parts(const std::string& vae, const std::string& text, const std::string& vocoder);
// The parts fit as the plugin will use them (check_audioldm_parts, the mel geometry, the
// text width): a gen::InputError naming the mismatch, before any training.
// frequency_code: the UNet's input channels beyond the latent.
void check_parts_fit(const gen::nn::UNet2DConditionConfig& unet, const StageParts& parts, const MelGeometry& geometry,
                     int64_t frequency_code = 0);
// Writes the folder beside `dir` and renames it into place, replacing an older one: a
// failure never leaves half a model.
// `trained_text`: a text tower trained with the UNet, saved in place of the text stage's.
// What the UNet stage decided beyond the parts: its prediction, the text tower it trained
// (nullptr: the text stage's, copied) and whether the UNet attends to the token states.
struct UNetStageResult {
  gen::PredictionType prediction = gen::PredictionType::epsilon;
  const gen::nn::ClipTextEmbedder* trained_text = nullptr;
  bool text_states = false;
  int note_slots = 0;   // context rows of the caption's note names after the token states
  int frequency_code = 0;  // input channels of each latent column's pitch after the latent
};
void assemble_model_folder(const std::filesystem::path& dir, const gen::nn::UNet2DConditionModel& unet,
                           const StageParts& parts, double clip_seconds, const UNetStageResult& result = {});

}  // namespace audio_spectrogram
