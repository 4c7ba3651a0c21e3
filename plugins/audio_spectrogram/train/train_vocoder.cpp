// `-m vocoder`: a small HiFi-GAN generator in transformers' SpeechT5HifiGan layout (what the
// plugin runs), trained as the HiFi-GAN paper (Kong et al. 2020, V1 recipe) on random
// segments of the real clips: LSGAN losses against the multi-period and multi-scale
// discriminators (hifigan_discriminators.h), L1 between the log-mels of the real and the
// generated segment (x45) and feature matching (x2). The generator reads exactly the
// codec's log-mel (centre framing, AudioLDM's recipe), so it vocodes what the VAE decodes.
// Two AdamW optimizers (beta 0.8/0.99, as the paper), so this loop is the stage's own;
// it checkpoints every `checkpoint_every` steps and resumes from the run folder, and
// each step draws from a generator seeded by (seed, step), so a resumed run is the same run.
#include <chrono>
#include <cmath>

#include <ATen/CPUGeneratorImpl.h>
#include <spdlog/spdlog.h>

#include <gen/audio/log_mel.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/nn/f16_weights.h>
#include <gen/nn/hifigan.h>
#include <gen/nn/state_dict.h>
#include <gen/safetensors.h>
#include <gen/train_parts.h>

#include "hifigan_discriminators.h"
#include "sound_dataset.h"
#include "stage_options.h"
#include "train_stages.h"

namespace audio_spectrogram {
namespace {

namespace fs = std::filesystem;
using gen::OptionSpec;
using Named = std::vector<std::pair<std::string, torch::Tensor>>;

constexpr double kMelWeight = 45, kFeatureWeight = 2;  // the paper's

gen::nn::HifiGanConfig vocoder_config(const gen::TrainRequest& r, const MelGeometry& g) {
  gen::nn::HifiGanConfig c;
  c.model_in_dim = g.bands;
  c.sampling_rate = g.sample_rate;
  c.upsample_initial_channel = width_option(r, "vocoder_width", 128);
  c.upsample_rates = {8, 5, 4};         // 160 = the mel hop
  c.upsample_kernel_sizes = {16, 11, 8};  // kernel - rate even: exactly rate x frames samples
  c.resblock_kernel_sizes = {3, 7, 11};
  c.resblock_dilation_sizes = {{1, 3, 5}, {1, 3, 5}, {1, 3, 5}};
  c.leaky_relu_slope = 0.1;
  c.normalize_before = false;  // AudioLDM's vocoder reads the log-mel as it is
  c.validate();
  if (c.hop_length() != g.hop) throw gen::Error("the vocoder's upsampling must equal the mel hop");
  return c;
}

Named named(torch::nn::Module& m) {
  Named out;
  for (const auto& p : m.named_parameters()) out.emplace_back(p.key(), p.value());
  return out;
}

std::map<std::string, torch::Tensor> prefixed(const std::string& prefix, const std::map<std::string, torch::Tensor>& m) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [k, v] : m) out[prefix + k] = v;
  return out;
}

std::map<std::string, torch::Tensor> unprefixed(const std::string& prefix, const std::map<std::string, torch::Tensor>& m) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [k, v] : m)
    if (k.rfind(prefix, 0) == 0) out[k.substr(prefix.size())] = v;
  return out;
}

struct GanNetworks {
  gen::nn::SpeechT5HifiGan generator{nullptr};
  MultiPeriodDiscriminator mpd{nullptr};
  MultiScaleDiscriminator msd{nullptr};
  std::unique_ptr<gen::AdamW> g_optimizer, d_optimizer;
  Named g_params, d_params;
};

// The networks' weights and both optimizers' states in one file; the step in a JSON
// written after it (a checkpoint counts only once the JSON names its step).
void save_checkpoint(const fs::path& out, const GanNetworks& n, int64_t step) {
  std::map<std::string, torch::Tensor> all;
  for (const auto& [k, v] : n.g_params) all["g." + k] = v.detach();
  for (const auto& [k, v] : n.d_params) all["d." + k] = v.detach();
  all.merge(prefixed("g_optimizer.", n.g_optimizer->state()));
  all.merge(prefixed("d_optimizer.", n.d_optimizer->state()));
  gen::save_safetensors(out / "vocoder_checkpoint.safetensors", all);
  write_json(out / "vocoder_checkpoint.json", {{"step", step}});
}

int64_t resume(const fs::path& out, GanNetworks& n) {
  std::error_code ec;
  if (!fs::is_regular_file(out / "vocoder_checkpoint.json", ec)) return 0;
  const auto step = gen::read_json_file(out / "vocoder_checkpoint.json", "vocoder checkpoint").value("step", int64_t(0));
  const auto all = gen::load_safetensors(out / "vocoder_checkpoint.safetensors");
  torch::NoGradGuard no_grad;
  auto load = [&](const Named& params, const std::string& prefix) {
    for (const auto& [k, v] : params) {
      auto it = all.find(prefix + k);
      if (it == all.end() || !it->second.sizes().equals(v.sizes()))
        throw gen::ModelError((out / "vocoder_checkpoint.safetensors").string() +
                              " does not fit these options (a different vocoder_width or discriminator width?)");
      const_cast<torch::Tensor&>(v).copy_(it->second);
    }
  };
  load(n.g_params, "g.");
  load(n.d_params, "d.");
  n.g_optimizer->load_state(unprefixed("g_optimizer.", all));
  n.d_optimizer->load_state(unprefixed("d_optimizer.", all));
  spdlog::info("vocoder: resuming at step {}", step);
  return step;
}

struct Segments {
  torch::Tensor mel, wave;  // [B, frames, bands], [B, 1, frames * hop]
};

Segments draw_segments(const torch::Tensor& mels, const torch::Tensor& waves, int64_t batch, int64_t frames, int64_t hop,
                       at::Generator& generator) {
  const auto index = torch::randint(0, mels.size(0), {batch}, generator, torch::kLong);
  const auto offset = torch::randint(0, mels.size(1) - frames + 1, {batch}, generator, torch::kLong);
  std::vector<torch::Tensor> m, w;
  for (int64_t i = 0; i < batch; ++i) {
    const int64_t clip = index[i].item<int64_t>(), at = offset[i].item<int64_t>();
    m.push_back(mels[clip].narrow(0, at, frames));
    w.push_back(waves[clip].narrow(0, at * hop, frames * hop));
  }
  return {torch::stack(m), torch::stack(w).unsqueeze(1)};
}

struct StepLosses {
  double mel, generator, discriminator;
};

// One HiFi-GAN step: the discriminators first (real towards 1, generated towards 0), then
// the generator (fool them, match their features on the real segment, match the mel).
StepLosses gan_step(GanNetworks& n, const Segments& s, const gen::audio::LogMel& loss_mel, double rate) {
  auto fake = n.generator->forward(s.mel).unsqueeze(1);
  auto d_loss = discriminator_loss(n.mpd->forward(s.wave).scores, n.mpd->forward(fake.detach()).scores) +
                discriminator_loss(n.msd->forward(s.wave).scores, n.msd->forward(fake.detach()).scores);
  n.d_optimizer->zero_grad();
  d_loss.backward();
  n.d_optimizer->step(rate);

  DiscriminatorOutput real_p, real_s;
  {
    torch::NoGradGuard no_grad;  // the real features are targets only
    real_p = n.mpd->forward(s.wave);
    real_s = n.msd->forward(s.wave);
  }
  const auto fake_p = n.mpd->forward(fake), fake_s = n.msd->forward(fake);
  auto mel = (loss_mel(fake.squeeze(1)) - loss_mel(s.wave.squeeze(1))).abs().mean();
  auto g_loss = generator_adversarial_loss(fake_p.scores) + generator_adversarial_loss(fake_s.scores) +
                kFeatureWeight * (feature_matching_loss(real_p.features, fake_p.features) +
                                  feature_matching_loss(real_s.features, fake_s.features)) +
                kMelWeight * mel;
  n.g_optimizer->zero_grad();
  g_loss.backward();
  n.g_optimizer->step(rate);
  return {mel.item<double>(), g_loss.item<double>(), d_loss.item<double>()};
}

// The clips' samples padded with silence to cover their whole mels.
torch::Tensor padded_waves(const SoundClips& clips, int64_t length) {
  if (clips.samples.size(1) >= length) return clips.samples.narrow(1, 0, length);
  return torch::cat({clips.samples, torch::zeros({clips.size(), length - clips.samples.size(1)})}, 1);
}

// Mean |log-mel(vocoded) - log-mel(clip)| over (up to 16) whole clips: what the report says.
double whole_clip_mel_error(gen::nn::SpeechT5HifiGan& g, const gen::audio::LogMel& loss_mel, const torch::Tensor& mels,
                            const torch::Tensor& waves) {
  torch::NoGradGuard no_grad;
  const int64_t n = std::min<int64_t>(16, mels.size(0));
  return (loss_mel(g->forward(mels.narrow(0, 0, n))) - loss_mel(waves.narrow(0, 0, n))).abs().mean().item<double>();
}

}  // namespace

gen::TrainStage vocoder_stage() {
  return {"vocoder", "A small HiFi-GAN (SpeechT5HifiGan layout) on segments of the clips, with MPD + MSD discriminators",
          {OptionSpec::path("data", "A `gen data audio` folder (required)"),
           OptionSpec::integer("vocoder_width", 128, 8, 1024, "upsample_initial_channel (AudioLDM: 1024); a multiple of 8"),
           OptionSpec::integer("discriminator_width", 8, 4, 256, "Scale of both discriminators' widths (paper: 32 / 16); "
                                                                  "a multiple of 4"),
           OptionSpec::integer("segment_frames", 32, 4, 10000, "Mel frames per training segment (x160 samples)"),
           OptionSpec::integer("steps", 2500, 1, 1e7, "Generator (and discriminator) steps"),
           OptionSpec::number("lr", 3e-4, 1e-7, 1, "Peak learning rate of both (AdamW 0.8/0.99, cosine to 10%)"),
           OptionSpec::integer("batch", 8, 1, 4096, "Segments per step"),
           OptionSpec::integer("checkpoint_every", 500, 0, 1e7, "Steps between resumable checkpoints (0 = end only)"),
           OptionSpec::integer("max_clips", 0, 0, 10000000, "Use at most this many training clips (0 = all)")}};
}

void train_vocoder(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  const auto data = data_folder(r);
  const MelGeometry geometry;
  const auto config = vocoder_config(r, geometry);
  const int64_t d_width = integer(r, "discriminator_width", 8, 4, 256);
  if (d_width % 4 != 0) throw gen::UsageError("option discriminator_width must be a multiple of 4");
  const int64_t frames = integer(r, "segment_frames", 32, 4, 10000), steps = integer(r, "steps", 2500, 1, 1e7);
  const int64_t batch = integer(r, "batch", 8, 1, 4096), every = integer(r, "checkpoint_every", 500, 0, 1e7);
  const double lr = number(r, "lr", 3e-4, 1e-7, 1);
  const fs::path out(r.output);

  const auto clips = load_sound_clips(data, "train", geometry.sample_rate, integer(r, "max_clips", 0, 0, 10000000), progress);
  const auto mels = clip_mels(clips, geometry);
  if (mels.size(1) < frames)
    throw gen::UsageError("option segment_frames=" + std::to_string(frames) + " is longer than the clips (" +
                          std::to_string(mels.size(1)) + " frames)");
  const auto waves = padded_waves(clips, mels.size(1) * geometry.hop);
  auto loss_config = geometry.log_mel();
  loss_config.magnitude_eps = 1e-9;  // a finite gradient at silent bins
  const gen::audio::LogMel loss_mel(loss_config);

  torch::manual_seed(static_cast<uint64_t>(r.seed));
  GanNetworks n{gen::nn::SpeechT5HifiGan(config), MultiPeriodDiscriminator(d_width), MultiScaleDiscriminator(d_width)};
  n.g_params = named(*n.generator);
  for (auto* d : std::initializer_list<torch::nn::Module*>{n.mpd.get(), n.msd.get()})
    for (const auto& p : d->named_parameters()) n.d_params.emplace_back((d == n.mpd.get() ? "mpd." : "msd.") + p.key(), p.value());
  const gen::AdamW::Options adam{lr, 0.8, 0.99, 1e-8, 0.01};
  n.g_optimizer = std::make_unique<gen::AdamW>(n.g_params, adam);
  n.d_optimizer = std::make_unique<gen::AdamW>(n.d_params, adam);
  fs::create_directories(out);
  const int64_t first = resume(out, n);
  int64_t g_count = 0, d_count = 0;
  for (auto& p : n.g_params) g_count += p.second.numel();
  for (auto& p : n.d_params) d_count += p.second.numel();
  spdlog::info("vocoder: {} clips, generator {} parameters, discriminators {}", clips.size(), g_count, d_count);

  n.generator->train();
  const auto start = std::chrono::steady_clock::now();
  double mel_l1 = 0;
  for (int64_t step = first + 1; step <= steps; ++step) {
    auto generator = at::detail::createCPUGenerator(static_cast<uint64_t>(r.seed) * 1000003 + static_cast<uint64_t>(step));
    const auto s = draw_segments(mels, waves, batch, frames, geometry.hop, generator);
    const auto losses = gan_step(n, s, loss_mel, gen::learning_rate_at(step, steps, 0, lr, "cosine", 0.1));
    if (!std::isfinite(losses.generator) || !std::isfinite(losses.discriminator))
      throw gen::NumericError("vocoder training diverged at step " + std::to_string(step) + " (try a lower lr)");
    mel_l1 = step == first + 1 ? losses.mel : 0.98 * mel_l1 + 0.02 * losses.mel;
    if (every > 0 && step % every == 0) save_checkpoint(out, n, step);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char message[96];
    std::snprintf(message, sizeof message, "mel L1 %.3f  g %.3f  d %.3f", mel_l1, losses.generator, losses.discriminator);
    if (progress && progress({"training", step - first, steps - first, elapsed, message}) == gen::ProgressAction::stop) {
      save_checkpoint(out, n, step);
      throw gen::Cancelled();
    }
  }
  save_checkpoint(out, n, steps);
  n.generator->eval();
  const double error = whole_clip_mel_error(n.generator, loss_mel, mels, waves);
  write_json(out / "vocoder" / "config.json", config.to_json());
  gen::nn::save_f16_weights(out / "vocoder" / "model.safetensors", *n.generator);
  write_json(out / "vocoder_report.json", {{"steps", steps}, {"batch", batch}, {"seed", r.seed}, {"segment_mel_l1", mel_l1},
                                           {"whole_clip_mel_l1", error}});
  spdlog::info("vocoder written to {}: whole-clip log-mel L1 {:.3f}", (out / "vocoder").string(), error);
}

}  // namespace audio_spectrogram
