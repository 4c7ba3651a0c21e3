// `-m unet`: the AudioLDM-configured UNet (a simple_projection class embedding of the text
// embedding, concatenated to the time embedding; no cross-attention to text, the attention
// blocks attend to themselves — or, with -O text_states, cross-attention to the text
// tower's token states as well, as SD's UNet) trained to predict the noise on the VAE latents of the
// clips' log-mels, on AudioLDM's schedule, with ~10% of the captions dropped to the empty
// prompt's embedding for classifier-free guidance. The VAE (-O vae) stays fixed, so every
// clip's latent posterior is computed once; so does the text tower (-O text_encoder) and
// with it every caption's embedding, unless -O train_text trains it through the diffusion
// loss (then the model carries the trained tower). At the end the parts are assembled into
// OUT/model, the folder `gen audio -m` runs (model_folder.cpp).
#include <chrono>

#include <spdlog/spdlog.h>
#include <torch/nn/functional/normalization.h>

#include <gen/error.h>
#include <gen/nn/audioldm_checkpoint.h>
#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/option_values.h>
#include <gen/train_options.h>
#include <gen/trainer.h>

#include "model_folder.h"
#include "sound_dataset.h"
#include "stage_options.h"
#include "train_stages.h"

namespace audio_spectrogram {
namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;
using gen::OptionSpec;

// text_states_width 0: AudioLDM's self-attending blocks; else the width of the token
// states every attention block cross-attends to.
// frequency_code: input channels after the latent (frequency_code.cpp).
gen::nn::UNet2DConditionConfig unet_config(const gen::TrainRequest& r, int64_t latent_channels, int64_t rows,
                                           int64_t text_dim, int64_t text_states_width, int64_t frequency_code) {
  const int64_t w = width_option(r, "unet_width", 48);
  gen::nn::UNet2DConditionConfig c;
  c.in_channels = latent_channels + frequency_code;
  c.out_channels = latent_channels;
  c.sample_size = rows;
  c.block_out_channels = {w, 2 * w, 2 * w};
  c.down_block_types = {"DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"};
  c.up_block_types = {"CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"};
  c.layers_per_block = integer(r, "unet_layers", 1, 1, 8);
  c.num_attention_heads.clear();  // 32-wide heads where the width allows
  for (auto width : c.block_out_channels) c.num_attention_heads.push_back(width % 32 == 0 ? width / 32 : 1);
  c.transformer_layers_per_block = {1, 1, 1};
  c.cross_attention_dim = text_states_width;
  c.cross_attention_dims.clear();
  if (text_states_width == 0) c.cross_attention_dims = c.block_out_channels;  // AudioLDM: each block attends to itself
  c.norm_num_groups = 8;
  c.class_embed_type = "simple_projection";
  c.projection_class_embeddings_input_dim = text_dim;
  c.class_embeddings_concat = true;
  c.validate();
  return c;
}

// The caption condition: fixed embeddings (the text stage's tower frozen, AudioLDM's
// way), or the tower itself, trained through the diffusion loss with the UNet.
struct CaptionCondition {
  torch::Tensor labels, null_label;                 // frozen: [N, D] and [1, D], unit rows
  torch::Tensor states, null_states;                // frozen, with text_states: [N, L, W], [1, L, W]
  gen::nn::ClipTextEmbedder text{nullptr};          // trained: the tower and
  torch::Tensor ids, null_ids;                      // the captions' token ids [N, L], [1, L]
  bool text_states = false;                         // the UNet cross-attends to the token states
};

torch::Tensor unit_length(const torch::Tensor& x) { return F::normalize(x, F::NormalizeFuncOptions().dim(-1)); }

class LatentDiffusionTask : public gen::TrainingTask {
 public:
  LatentDiffusionTask(gen::nn::UNet2DConditionModel unet, torch::Tensor mean, torch::Tensor std, double scaling_factor,
                      CaptionCondition condition, int64_t batch, torch::Tensor frequency_code)
      : unet_(std::move(unet)),
        mean_(std::move(mean)),
        std_(std::move(std)),
        scaling_factor_(scaling_factor),
        condition_(std::move(condition)),
        batch_(batch),
        frequency_code_(std::move(frequency_code)) {}

  std::vector<std::pair<std::string, torch::Tensor>> parameters() override {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : unet_->named_parameters()) out.emplace_back(p.key(), p.value());
    if (condition_.text)
      for (const auto& p : condition_.text->named_parameters()) out.emplace_back("text_encoder." + p.key(), p.value());
    return out;
  }

  // A fresh draw from each clip's latent posterior (the VAE's own augmentation).
  gen::TrainingBatch next_batch(int64_t, at::Generator& generator) override {
    const auto index = torch::randint(0, mean_.size(0), {batch_}, generator, torch::kLong);
    const auto mean = mean_.index_select(0, index), std = std_.index_select(0, index);
    gen::TrainingBatch b;
    b.x0 = (mean + std * torch::randn(mean.sizes(), generator, torch::kFloat32)) * scaling_factor_;
    if (condition_.text) {  // with autograd on: the tower learns what the UNet needs to know
      b.cond = encode(condition_.text->encode(condition_.ids.index_select(0, index)));
      b.null_cond = encode(condition_.text->encode(condition_.null_ids));
    } else {
      b.cond.pooled = condition_.labels.index_select(0, index);
      b.null_cond.pooled = condition_.null_label;
      if (condition_.text_states) {
        b.cond.context = condition_.states.index_select(0, index);
        b.null_cond.context = condition_.null_states;
      }
    }
    return b;
  }

  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override {
    const auto labels = cond.pooled.size(0) == x_t.size(0) ? cond.pooled : cond.pooled.expand({x_t.size(0), -1});
    auto context = cond.context;
    if (context.defined() && context.size(0) != x_t.size(0)) context = context.expand({x_t.size(0), -1, -1});
    return unet_->forward(with_frequency_code(x_t, frequency_code_), t, context, labels);
  }

 private:
  gen::Conditioning encode(const gen::nn::ClipTextEncoding& text) const {
    gen::Conditioning c;
    c.pooled = unit_length(text.pooled);
    if (condition_.text_states) c.context = text.states;
    return c;
  }

  gen::nn::UNet2DConditionModel unet_;
  torch::Tensor mean_, std_;
  double scaling_factor_;
  CaptionCondition condition_;
  int64_t batch_;
  torch::Tensor frequency_code_;  // undefined: the UNet reads the latent alone
};

struct LatentPosteriors {
  torch::Tensor mean, std;  // [N, C, rows, bands / f]
};

LatentPosteriors encode_clips(gen::nn::AutoencoderKL& vae, const torch::Tensor& mels, const gen::ProgressCallback& progress) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> means, stds;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < mels.size(0); i += 16) {
    const int64_t n = std::min<int64_t>(16, mels.size(0) - i);
    auto posterior = vae->encode(mels.narrow(0, i, n).unsqueeze(1));
    means.push_back(posterior.mean);
    stds.push_back(posterior.std);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (progress) progress({"encoding latents", i + n, mels.size(0), elapsed, ""});
  }
  return {torch::cat(means), torch::cat(stds)};
}

// What the plugin gives the UNet (text_condition.cpp): the tower's projected pooled
// embedding, L2-normalised, and with text_states its token states followed by the
// caption's note names (note_context.cpp); one row per caption.
void encode_captions(CaptionCondition& c, gen::nn::ClipTextEmbedder& text, const gen::nn::ClipTokenizer& tokenizer,
                     const std::vector<std::string>& captions, int64_t note_slots) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> labels, states;
  for (size_t i = 0; i < captions.size(); i += 64) {
    const std::vector<std::string> chunk(captions.begin() + i, captions.begin() + std::min(captions.size(), i + 64));
    const auto both = text->encode(text->token_ids(tokenizer, chunk));
    labels.push_back(unit_length(both.pooled));
    if (c.text_states) states.push_back(both.states);
  }
  c.labels = torch::cat(labels);
  if (c.text_states) c.states = torch::cat(states);
  const auto null = text->encode(text->token_ids(tokenizer, {""}));
  c.null_label = unit_length(null.pooled);
  if (c.text_states) c.null_states = null.states;
  if (note_slots == 0) return;
  std::vector<torch::Tensor> notes;
  for (const auto& caption : captions) notes.push_back(note_context(caption, note_slots, c.states.size(2)));
  c.states = torch::cat({c.states, torch::cat(notes)}, 1);
  c.null_states = torch::cat({c.null_states, note_context("", note_slots, c.states.size(2))}, 1);
}

}  // namespace

gen::TrainStage unet_stage() {
  auto options = gen::trainer_option_specs(3500, 3e-4, 8, 1);
  const std::vector<OptionSpec> own = {
      OptionSpec::path("data", "A `gen data audio` folder (required)"),
      OptionSpec::path("vae", "A `-m vae` run folder (required)"),
      OptionSpec::path("text_encoder", "A `-m text` run folder (required)"),
      OptionSpec::path("vocoder", "A `-m vocoder` run folder (without it the model vocodes by Griffin-Lim)"),
      OptionSpec::integer("unet_width", 48, 8, 1024, "Width of the first UNet level (then 2x, 2x); a multiple of 8"),
      OptionSpec::integer("unet_layers", 1, 1, 8, "ResNet layers per UNet block (AudioLDM: 2)"),
      OptionSpec::number("cond_dropout", 0.1, 0, 1, "Caption dropout for classifier-free guidance"),
      OptionSpec::text("prediction", "epsilon", "What the UNet predicts: epsilon, v_prediction or sample"),
      OptionSpec::number("min_snr_gamma", 0, 0, 1000, "Min-SNR-gamma loss weighting (0: off)"),
      OptionSpec::integer("max_clips", 0, 0, 10000000, "Use at most this many training clips (0 = all)"),
      OptionSpec::boolean("train_text", false,
                          "Train the text tower with the UNet through the diffusion loss (saved in the model) instead "
                          "of keeping the text stage's embeddings fixed (AudioLDM's way)"),
      OptionSpec::boolean("text_states", false,
                          "The UNet's attention blocks cross-attend to the text tower's token states (as SD's UNet), "
                          "beside the pooled class embedding; AudioLDM's blocks attend to themselves"),
      OptionSpec::integer("note_slots", 0, 0, kMaxNoteSlots,
                          "With text_states: the caption's first N note names (C4, F#4, Eb3) as pitch-code rows after "
                          "the token states (0: the text tower alone reads them)"),
      OptionSpec::integer("frequency_code", 0, 0, kMaxFrequencyCode,
                          "Input channels (even) telling each latent column its pitch, beside the latent (0: none, "
                          "AudioLDM's UNet)"),
  };
  options.insert(options.begin(), own.begin(), own.end());
  return {"unet", "The text-conditioned UNet on the VAE's latents; assembles OUT/model for `gen audio -m`", options};
}

void train_unet(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  // Every option and every earlier stage's folder is checked before the minutes of loading.
  const auto data = data_folder(r);
  auto config = gen::trainer_config_from(r, 3500, 3e-4, "vp");
  config.prediction_type = gen::parse_prediction_type(option(r, "prediction").empty() ? "epsilon" : option(r, "prediction"));
  config.min_snr_gamma = number(r, "min_snr_gamma", 0, 0, 1000);
  config.cond_dropout = number(r, "cond_dropout", 0.1, 0, 1);
  const int64_t batch = integer(r, "batch", 8, 1, 4096);
  const bool train_text = gen::parse_bool("train_text", option(r, "train_text", "false"));
  const bool text_states = gen::parse_bool("text_states", option(r, "text_states", "false"));
  const int note_slots = static_cast<int>(integer(r, "note_slots", 0, 0, kMaxNoteSlots));
  if (note_slots > 0 && !text_states) throw gen::UsageError("-O note_slots needs -O text_states=true");
  if (note_slots > 0 && train_text)
    throw gen::UsageError("-O note_slots works on the text stage's fixed tower; drop -O train_text");
  const int frequency_channels = static_cast<int>(integer(r, "frequency_code", 0, 0, kMaxFrequencyCode));
  if (frequency_channels % 2 != 0) throw gen::UsageError("-O frequency_code takes an even number of channels (sine/cosine pairs)");
  const auto parts = find_stage_parts(option(r, "vae"), option(r, "text_encoder"), option(r, "vocoder"));
  auto vae = gen::nn::load_diffusers_vae(parts.vae / "vae");
  auto text = gen::nn::load_clip_text_embedder(parts.text / "text_encoder");
  const auto tokenizer = gen::nn::ClipTokenizer::from_folder(parts.text / "tokenizer");
  const MelGeometry geometry{16000, 160, 64, vae->config().downsample_factor()};
  auto unet_cfg = unet_config(r, vae->config().latent_channels, 1, text->dim(),
                              text_states ? text->config().hidden_size : 0, frequency_channels);
  check_parts_fit(unet_cfg, parts, geometry, frequency_channels);

  const auto clips = load_sound_clips(data, "train", geometry.sample_rate, integer(r, "max_clips", 0, 0, 10000000), progress);
  const auto mels = clip_mels(clips, geometry);
  const auto latents = encode_clips(vae, mels, progress);
  CaptionCondition condition;
  condition.text_states = text_states;
  if (train_text) {
    condition.text = text;
    condition.ids = text->token_ids(tokenizer, clips.captions);
    condition.null_ids = text->token_ids(tokenizer, {""});
    text->train();
  } else {
    encode_captions(condition, text, tokenizer, clips.captions, note_slots);
  }
  torch::manual_seed(static_cast<uint64_t>(r.seed));
  unet_cfg.sample_size = latents.mean.size(2);  // the clips' latent rows (the UNet takes any number)
  gen::nn::UNet2DConditionModel unet(unet_cfg);
  unet->train();
  int64_t count = 0;
  for (const auto& p : unet->parameters()) count += p.numel();
  spdlog::info("unet: {} clips, latents {}x{}x{}, {} parameters", clips.size(), latents.mean.size(1), latents.mean.size(2),
               latents.mean.size(3), count);
  LatentDiffusionTask task(unet, latents.mean, latents.std, vae->config().scaling_factor, std::move(condition), batch,
                           frequency_channels ? frequency_code(geometry, frequency_channels) : torch::Tensor());
  gen::Trainer trainer(task, config, torch::tensor(gen::make_alphas_cumprod(audioldm_schedule())));
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  unet->eval();
  text->eval();
  assemble_model_folder(fs::path(r.output) / "model", unet, parts, static_cast<double>(clips.samples.size(1)) / clips.sample_rate,
                        {config.prediction_type, train_text ? &text : nullptr, text_states, note_slots, frequency_channels});
  spdlog::info("audio model written to {}", (fs::path(r.output) / "model").string());
}

}  // namespace audio_spectrogram
