// What both video_temporal training stages start from: the `gen data video` clips
// encoded once by the frozen base checkpoint's VAE, with every phrasing of each
// caption; and the -O options they share.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/nn/clip_text_model.h>
#include <gen/nn/stable_diffusion_checkpoint.h>
#include <gen/plugin.h>
#include <gen/progress.h>

namespace video_temporal {

// Clips already in latent space, with every phrasing of each clip's caption.
struct LatentClips {
  torch::Tensor mean, std;                         // [N, C, F, h, w] VAE posterior, scaled
  std::vector<std::vector<std::string>> captions;  // [N][phrasings]
};

std::string option(const gen::TrainRequest& r, const std::string& key, const std::string& fallback = "");
int64_t integer(const gen::TrainRequest& r, const std::string& key, int64_t fallback, int64_t lo, int64_t hi);
// -O data=DIR, required.
std::filesystem::path data_folder(const gen::TrainRequest& r);
// -O base=CHECKPOINT, else the embedded default image model.
std::filesystem::path base_checkpoint(const gen::TrainRequest& r);

// The split's clips (the first max_clips when > 0) through `base`'s VAE.
LatentClips encode_clips(const std::filesystem::path& data, const std::string& split, int64_t max_clips,
                         const gen::nn::StableDiffusionCheckpoint& base, const gen::ProgressCallback& progress);
std::vector<std::string> all_captions(const LatentClips& clips);

// The motion modules' own text tower: one token per caption word (so the motion words
// the image tower never learned — "up", "growing", "fades" — are words here), 32
// positions, `width` wide and text_layers deep.
gen::nn::ClipTextConfig motion_text_config(const gen::TrainRequest& r, int64_t vocab, int64_t width);

}  // namespace video_temporal
