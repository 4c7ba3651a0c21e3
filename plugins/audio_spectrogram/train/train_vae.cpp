// `-m vae`: a one-channel AutoencoderKL over the codec's log-mels (time down the rows,
// bands across), as AudioLDM's VAE: three levels (factor 4), L1 + L2 reconstruction and a
// small KL towards N(0, I), trained on random crops (the network is convolutional, so it
// then encodes clips of any length). At the end the latents' spread sets the config's
// scaling_factor, so the UNet diffuses latents of unit variance (SD's rule).
#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/f16_weights.h>
#include <gen/train_options.h>
#include <gen/trainer.h>

#include "sound_dataset.h"
#include "stage_options.h"
#include "train_stages.h"

namespace audio_spectrogram {
namespace {

namespace fs = std::filesystem;
using gen::OptionSpec;

gen::nn::AutoencoderKLConfig vae_config(const gen::TrainRequest& r, int64_t bands) {
  const int64_t w = width_option(r, "vae_width", 32);
  gen::nn::AutoencoderKLConfig c;
  c.in_channels = c.out_channels = 1;
  c.block_out_channels = {w, 2 * w, 2 * w};
  c.layers_per_block = 1;
  c.latent_channels = integer(r, "latent_channels", 8, 1, 64);
  c.norm_num_groups = 8;
  c.sample_size = bands;
  c.scaling_factor = 1.0;
  c.validate();
  return c;
}

class MelVaeTask : public gen::TrainingTask {
 public:
  MelVaeTask(gen::nn::AutoencoderKL vae, torch::Tensor mels, int64_t batch, int64_t crop, double kl)
      : vae_(std::move(vae)), mels_(std::move(mels)), batch_(batch), crop_(crop), kl_(kl) {}

  std::vector<std::pair<std::string, torch::Tensor>> parameters() override {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : vae_->named_parameters()) out.emplace_back(p.key(), p.value());
    return out;
  }

  // Random crops of random clips, whole latent rows long.
  gen::TrainingBatch next_batch(int64_t, at::Generator& generator) override {
    const auto index = torch::randint(0, mels_.size(0), {batch_}, generator, torch::kLong);
    const int64_t room = mels_.size(1) - crop_ + 1;
    const auto offset = torch::randint(0, room, {batch_}, generator, torch::kLong);
    std::vector<torch::Tensor> crops;
    for (int64_t i = 0; i < batch_; ++i)
      crops.push_back(mels_[index[i].item<int64_t>()].narrow(0, offset[i].item<int64_t>(), crop_));
    gen::TrainingBatch b;
    b.x0 = torch::stack(crops).unsqueeze(1);  // [B, 1, crop, bands]
    return b;
  }

  torch::Tensor custom_loss(const gen::TrainingBatch& batch, at::Generator& generator) override {
    auto posterior = vae_->encode(batch.x0);
    auto diff = vae_->decode(posterior.sample(generator)) - batch.x0;
    auto kl = 0.5 * (posterior.mean.pow(2) + posterior.std.pow(2) - 1 - posterior.logvar).mean();
    return diff.abs().mean() + diff.pow(2).mean() + kl_ * kl;
  }

 private:
  gen::nn::AutoencoderKL vae_;
  torch::Tensor mels_;
  int64_t batch_, crop_;
  double kl_;
};

// The codec feeds the VAE raw log-mels (AudioLDM's: no normalisation), which sit around
// -8 (silence is -11.5) with a spread of ~3. A decoder that starts at 0 spends thousands
// of AdamW steps (each moves a bias by ~lr) only walking its output down there; starting
// its output bias at the data's mean skips that. The encoder needs nothing: its first
// ResNet's GroupNorm removes the offset.
void start_at_the_mean_mel(gen::nn::AutoencoderKL& vae, const torch::Tensor& mels) {
  torch::NoGradGuard no_grad;
  vae->decoder->conv_out->bias.fill_(mels.mean().item<double>());
}

// 1 / std of the posterior means of (up to 256) whole clips, and their reconstruction error.
std::pair<double, double> latent_scale_and_error(gen::nn::AutoencoderKL& vae, const torch::Tensor& mels) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> latents;
  double error = 0;
  const int64_t n = std::min<int64_t>(256, mels.size(0));
  for (int64_t i = 0; i < n; i += 16) {
    auto x = mels.narrow(0, i, std::min<int64_t>(16, n - i)).unsqueeze(1);
    auto mean = vae->encode(x).mean;
    error += (vae->decode(mean) - x).abs().mean().item<double>() * x.size(0);
    latents.push_back(mean);
  }
  const double std = torch::cat(latents).std().item<double>();
  return {std > 1e-6 ? 1 / std : 1.0, error / n};
}

}  // namespace

gen::TrainStage vae_stage() {
  auto options = gen::trainer_option_specs(3000, 1e-3, 8, 1);
  const std::vector<OptionSpec> own = {
      OptionSpec::path("data", "A `gen data audio` folder (required)"),
      OptionSpec::integer("vae_width", 32, 8, 1024, "Width of the first VAE level (then 2x, 2x); a multiple of 8"),
      OptionSpec::integer("latent_channels", 8, 1, 64, "Latent channels (AudioLDM: 8)"),
      OptionSpec::integer("crop_frames", 128, 4, 100000, "Mel frames per training crop (a multiple of 4)"),
      OptionSpec::number("kl", 1e-4, 0, 1, "Weight of the KL term (per element, against L1 + L2)"),
      OptionSpec::integer("max_clips", 0, 0, 10000000, "Use at most this many training clips (0 = all)"),
  };
  options.insert(options.begin(), own.begin(), own.end());
  return {"vae", "The one-channel mel VAE (AutoencoderKL, factor 4) on the codec's log-mels", options};
}

void train_vae(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  const auto data = data_folder(r);
  auto config = gen::trainer_config_from(r, 3000, 1e-3, "custom");
  const MelGeometry geometry;
  auto vae_cfg = vae_config(r, geometry.bands);
  const int64_t batch = integer(r, "batch", 8, 1, 4096), crop = integer(r, "crop_frames", 128, 4, 100000);
  if (crop % geometry.vae_factor != 0) throw gen::UsageError("option crop_frames must be a multiple of 4");
  const double kl = number(r, "kl", 1e-4, 0, 1);

  const auto clips = load_sound_clips(data, "train", geometry.sample_rate, integer(r, "max_clips", 0, 0, 10000000), progress);
  const auto mels = clip_mels(clips, geometry);
  if (mels.size(1) < crop)
    throw gen::UsageError("option crop_frames=" + std::to_string(crop) + " is longer than the clips (" +
                          std::to_string(mels.size(1)) + " frames)");
  torch::manual_seed(static_cast<uint64_t>(r.seed));
  gen::nn::AutoencoderKL vae(vae_cfg);
  start_at_the_mean_mel(vae, mels);
  vae->train();
  spdlog::info("vae: {} clips of {} mel frames, {} parameters", clips.size(), mels.size(1),
               [&] { int64_t n = 0; for (auto& p : vae->parameters()) n += p.numel(); return n; }());
  MelVaeTask task(vae, mels, batch, crop, kl);
  gen::Trainer trainer(task, config, torch::Tensor());
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  vae->eval();

  const auto [scale, error] = latent_scale_and_error(vae, mels);
  vae_cfg.scaling_factor = scale;
  const fs::path out = fs::path(r.output) / "vae";
  write_json(out / "config.json", vae_cfg.to_json());
  gen::nn::save_f16_weights(out / "diffusion_pytorch_model.safetensors", *vae);
  write_json(fs::path(r.output) / "vae_report.json",
             {{"steps", config.steps}, {"seed", r.seed}, {"scaling_factor", scale}, {"reconstruction_l1", error}});
  spdlog::info("vae written to {}: scaling_factor {:.4f}, reconstruction L1 {:.4f} (log-mel units)", out.string(), scale,
               error);
}

}  // namespace audio_spectrogram
