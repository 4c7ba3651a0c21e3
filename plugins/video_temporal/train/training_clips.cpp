#include "training_clips.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include <gen/assets.h>
#include <gen/error.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/option_values.h>
#include <gen/shapes/motion_clips.h>
#include <gen/shapes/motion_dataset.h>
#include <gen/video/video.h>

namespace video_temporal {

namespace fs = std::filesystem;

std::string option(const gen::TrainRequest& r, const std::string& key, const std::string& fallback) {
  auto it = r.options.find(key);
  return it == r.options.end() ? fallback : it->second;
}

int64_t integer(const gen::TrainRequest& r, const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
  return static_cast<int64_t>(gen::number_option(r.options, key, static_cast<double>(fallback), lo, hi));
}

fs::path data_folder(const gen::TrainRequest& r) {
  const auto data = option(r, "data");
  if (data.empty()) throw gen::UsageError("training needs -O data=DIR (a `gen data video` folder)");
  return data;
}

fs::path base_checkpoint(const gen::TrainRequest& r) {
  const auto base = option(r, "base");
  if (!base.empty()) return base;
  auto dir = gen::find_asset("default-image", "model_index.json");
  if (dir.empty())
    throw gen::ModelError("no -O base given and the embedded default image model is not installed (looked in " +
                          gen::asset_places("default-image") + ")");
  return dir;
}

LatentClips encode_clips(const fs::path& data, const std::string& split_name, int64_t max_clips,
                         const gen::nn::StableDiffusionCheckpoint& base, const gen::ProgressCallback& progress) {
  auto split = gen::shapes::read_motion_split(data, split_name);
  if (max_clips > 0 && max_clips < split.frames.size(0)) {
    split.frames = split.frames.narrow(0, 0, max_clips);
    split.clips.resize(static_cast<size_t>(max_clips));
  }
  auto vae = base.load_vae();
  const double scaling = base.vae_config().scaling_factor;
  torch::NoGradGuard no_grad;
  vae->eval();
  const int64_t n = split.frames.size(0), frames = split.frames.size(1);
  std::vector<torch::Tensor> means, stds;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < n; ++i) {
    gen::video::Video clip{split.frames[i].contiguous(), {8, 1}};
    auto post = vae->encode(gen::video::to_signed_float(gen::video::with_channels(clip, 3)));
    means.push_back((post.mean * scaling).permute({1, 0, 2, 3}));
    stds.push_back((post.std * scaling).permute({1, 0, 2, 3}));
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (progress && (i % 64 == 63 || i + 1 == n)) progress({"encoding clips", i + 1, n, elapsed, ""});
  }
  LatentClips out;
  out.mean = torch::stack(means);
  out.std = torch::stack(stds);
  for (const auto& clip : split.clips) {
    std::vector<std::string> phrasings;
    for (int k = 0; k < gen::shapes::clip_caption_phrasings(); ++k) phrasings.push_back(gen::shapes::caption_clip(clip, k));
    out.captions.push_back(std::move(phrasings));
  }
  spdlog::info("{}: {} clips of {} frames encoded", split_name, n, frames);
  return out;
}

std::vector<std::string> all_captions(const LatentClips& clips) {
  std::vector<std::string> out;
  for (const auto& phrasings : clips.captions) out.insert(out.end(), phrasings.begin(), phrasings.end());
  return out;
}

gen::nn::ClipTextConfig motion_text_config(const gen::TrainRequest& r, int64_t vocab, int64_t width) {
  return gen::nn::word_clip_text_config(vocab, width, integer(r, "text_layers", 2, 1, 48), 0, 32);
}

}  // namespace video_temporal
