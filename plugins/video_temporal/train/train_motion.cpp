#include "train_motion.h"

#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <gen/assets.h>
#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/nn/motion_adapter.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/stable_diffusion_checkpoint.h>
#include <gen/option_values.h>
#include <gen/safetensors.h>
#include <gen/schedule.h>
#include <gen/shapes/motion_clips.h>
#include <gen/shapes/motion_dataset.h>
#include <gen/train_options.h>
#include <gen/video/video.h>

#include "motion_task.h"

namespace video_temporal {
namespace {

namespace fs = std::filesystem;
using gen::OptionSpec;

std::string option(const gen::TrainRequest& r, const std::string& key, const std::string& fallback = "") {
  auto it = r.options.find(key);
  return it == r.options.end() ? fallback : it->second;
}

int64_t integer(const gen::TrainRequest& r, const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
  return static_cast<int64_t>(gen::number_option(r.options, key, static_cast<double>(fallback), lo, hi));
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

// AnimateDiff's adapter shape fitted to the base UNet: one motion module after every
// spatial layer, a mid-block module, 32 positions; text attention unless turned off.
gen::nn::MotionAdapterConfig adapter_config(const gen::TrainRequest& r, const gen::nn::UNet2DConditionConfig& unet) {
  gen::nn::MotionAdapterConfig c;
  c.block_out_channels = unet.block_out_channels;
  c.motion_layers_per_block = unet.layers_per_block;
  c.motion_num_attention_heads = integer(r, "heads", 4, 1, 64);
  c.motion_norm_num_groups = unet.norm_num_groups;
  c.motion_max_seq_length = integer(r, "positions", 32, 2, 256);
  c.use_motion_mid_block = true;
  c.motion_mid_block_layers_per_block = 1;
  const int64_t own_text = integer(r, "text_width", 0, 0, 4096);
  if (gen::parse_bool("text_attention", option(r, "text_attention", "true")))
    c.motion_cross_attention_dim = own_text > 0 ? own_text : unet.cross_attention_dim;
  else if (own_text > 0)
    throw gen::UsageError("option text_width=" + std::to_string(own_text) + " needs text_attention=true");
  if (own_text % 4 != 0)  // the tower's heads: 64 wide, else 4 of them
    throw gen::UsageError("option text_width=" + std::to_string(own_text) + " must be a multiple of 4");
  return c;
}

// The motion modules' own text tower (text_width > 0): one token per caption word, so
// the motion words the image tower never learned ("up", "growing", "fades") are words
// here; long enough for every phrasing of the clip captions.
gen::nn::ClipTextModel motion_text_tower(const gen::TrainRequest& r, int64_t vocab) {
  return gen::nn::ClipTextModel(gen::nn::word_clip_text_config(vocab, integer(r, "text_width", 0, 0, 4096),
                                                               integer(r, "text_layers", 2, 1, 48), 0, 32));
}

std::vector<std::string> all_captions(const LatentClips& clips) {
  std::vector<std::string> out;
  for (const auto& phrasings : clips.captions) out.insert(out.end(), phrasings.begin(), phrasings.end());
  return out;
}

// Every clip's frames through the frozen VAE once: [N, C, F, h, w] posterior mean and std.
LatentClips encode_clips(const gen::shapes::MotionSplit& split, gen::nn::AutoencoderKL& vae, double scaling,
                         const gen::ProgressCallback& progress) {
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
  spdlog::info("motion: {} clips of {} frames encoded", n, frames);
  return out;
}

// The trained motion modules as a diffusers MotionAdapter folder: weights F16, the
// fixed position tables (buffers) kept in float32.
void save_adapter(const fs::path& dir, const gen::nn::MotionAdapterConfig& config, const gen::nn::UNetMotionModel& model,
                  const MotionTask& task, const fs::path& text_tokenizer) {
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& p : model->named_parameters())
    if (p.key().find("motion_modules.") != std::string::npos)
      tensors[p.key()] = p.value().detach().to(torch::kFloat16).contiguous();
  for (const auto& b : model->named_buffers())
    if (b.key().find("motion_modules.") != std::string::npos) tensors[b.key()] = b.value().detach().contiguous();
  fs::create_directories(dir);
  gen::write_file_atomic(dir / "config.json", config.to_json().dump(2) + "\n");
  gen::save_safetensors(dir / "diffusion_pytorch_model.safetensors", tensors, {{"format", "pt"}});
  if (const auto text = task.motion_text(); !text.is_empty()) {
    gen::nn::save_diffusers_part(dir / "text_encoder", text->config().to_json(), *text, "model.safetensors");
    fs::create_directories(dir / "tokenizer");
    fs::copy(text_tokenizer, dir / "tokenizer", fs::copy_options::overwrite_existing | fs::copy_options::recursive);
  }
}

}  // namespace

std::vector<gen::TrainStage> train_stages() {
  auto options = gen::trainer_option_specs(2000, 3e-4, 4, 1);
  const std::vector<OptionSpec> own = {
      OptionSpec::path("data", "A `gen data video` folder (required)"),
      OptionSpec::path("base", "The frozen SD-1.x checkpoint (default: the embedded default image model)"),
      OptionSpec::integer("frames", 16, 2, 256, "Frames per training clip (a random window of each stored clip)"),
      OptionSpec::integer("heads", 4, 1, 64, "Attention heads of the motion modules"),
      OptionSpec::integer("positions", 32, 2, 256, "Frame positions (the longest window generation can use)"),
      OptionSpec::boolean("text_attention", true, "Motion modules attend to the caption (gen's extension)"),
      OptionSpec::integer("text_width", 0, 0, 4096,
                          "Width of a text tower of the motion modules' own, trained with them on the clip captions "
                          "and saved in the adapter (0: they read the image model's text states)"),
      OptionSpec::integer("text_layers", 2, 1, 48, "Layers of that text tower"),
      OptionSpec::number("cond_dropout", 0.1, 0, 1, "Caption dropout for classifier-free guidance"),
      OptionSpec::number("min_snr_gamma", 5.0, 0, 1e3, "Min-SNR loss weighting gamma (0 = off)"),
      OptionSpec::number("offset_noise", 0.0, 0, 1, "Offset noise strength"),
      OptionSpec::number("shared_noise", 0.0, 0, 100,
                         "Noise shared across a clip's frames, PYoCo's alpha (0 = independent; written to the "
                         "adapter's generation_defaults.json so sampling starts the same way)"),
      OptionSpec::integer("max_clips", 0, 0, 10000000, "Use at most this many training clips (0 = all)"),
  };
  options.insert(options.begin(), own.begin(), own.end());
  return {{"motion", "Motion modules on a frozen SD-1.x checkpoint, trained on shapes-in-motion clips", options}};
}

void train_motion(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  if (!r.model.empty() && r.model != "motion")
    throw gen::UsageError("video_temporal trains -m motion, not '" + r.model + "'");
  const auto data = option(r, "data");
  if (data.empty()) throw gen::UsageError("training needs -O data=DIR (a `gen data video` folder)");
  // Every option is checked before the minutes of loading and encoding.
  auto config = gen::trainer_config_from(r, 2000, 3e-4, "vp");
  config.cond_dropout = gen::number_option(r.options, "cond_dropout", 0.1, 0, 1);
  config.min_snr_gamma = gen::number_option(r.options, "min_snr_gamma", 5.0, 0, 1e3);
  config.offset_noise = gen::number_option(r.options, "offset_noise", 0.0, 0, 1);
  config.shared_noise = gen::number_option(r.options, "shared_noise", 0.0, 0, 100);
  config.shared_noise_dim = 2;  // clips are [B, C, frames, h, w]
  const int64_t batch = integer(r, "batch", 4, 1, 4096), frames = integer(r, "frames", 16, 2, 256);
  const int64_t max_clips = integer(r, "max_clips", 0, 0, 10000000);

  gen::nn::StableDiffusionCheckpoint base(base_checkpoint(r));
  const auto adapter = adapter_config(r, base.unet_config());
  if (frames > adapter.motion_max_seq_length)
    throw gen::UsageError("option frames=" + std::to_string(frames) + " exceeds positions=" +
                          std::to_string(adapter.motion_max_seq_length));
  auto split = gen::shapes::read_motion_split(data, "train");
  if (max_clips > 0 && max_clips < split.frames.size(0)) {
    split.frames = split.frames.narrow(0, 0, max_clips);
    split.clips.resize(static_cast<size_t>(max_clips));
  }
  auto vae = base.load_vae();
  auto clips = encode_clips(split, vae, base.vae_config().scaling_factor, progress);
  vae = nullptr;

  auto model = gen::nn::from_unet_and_adapter(base.load_unet(), gen::nn::MotionAdapter(adapter));
  {
    // AnimateDiff's start: every motion module's output projection at zero, so training
    // begins from the image model applied frame by frame.
    torch::NoGradGuard no_grad;
    for (auto& p : model->named_parameters())
      if (p.key().find("motion_modules.") != std::string::npos && p.key().find(".proj_out.") != std::string::npos)
        p.value().zero_();
  }
  model->train();
  const auto captions = all_captions(clips);
  MotionTask task(model, std::move(clips), base.load_text_encoder(), gen::nn::ClipTokenizer::from_folder(base.tokenizer_dir("")),
                  base.sd_version(), batch, frames);
  const fs::path out(r.output);
  const auto text_tokenizer = out / "motion_text_tokenizer";
  if (integer(r, "text_width", 0, 0, 4096) > 0) {
    const int64_t vocab = gen::nn::write_clip_vocabulary(text_tokenizer, gen::nn::clip_words(captions));
    task.set_motion_text(motion_text_tower(r, vocab), gen::nn::ClipTokenizer::from_folder(text_tokenizer));
    spdlog::info("motion: the modules' own text tower, {} tokens, {} wide", vocab, adapter.motion_cross_attention_dim);
  }
  auto abar = gen::make_alphas_cumprod(base.training_schedule());
  gen::Trainer trainer(task, config, torch::tensor(abar));
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  model->eval();
  if (auto text = task.motion_text(); !text.is_empty()) text->eval();
  save_adapter(out / "motion_adapter", adapter, model, task, text_tokenizer);
  if (config.shared_noise > 0)  // generation must start from the noise mix trained on
    gen::write_file_atomic(out / "motion_adapter" / "generation_defaults.json",
                           nlohmann::json{{"shared_noise", config.shared_noise}}.dump(2) + "\n");
  spdlog::info("motion adapter written to {}", (out / "motion_adapter").string());
}

}  // namespace video_temporal
