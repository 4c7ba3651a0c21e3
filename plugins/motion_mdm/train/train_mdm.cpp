#include "train_mdm.h"

#include <spdlog/spdlog.h>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/motion/humanml_features.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/option_values.h>
#include <gen/safetensors.h>
#include <gen/schedule.h>
#include <gen/train_options.h>

#include "../motion_mdm.h"
#include "mdm_task.h"
#include "training_clips.h"

namespace motion_mdm {
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

double number(const gen::TrainRequest& r, const std::string& key, double fallback, double lo, double hi) {
  return gen::number_option(r.options, key, fallback, lo, hi);
}

gen::nn::MdmConfig network_config(const gen::TrainRequest& r, int64_t max_frames) {
  gen::nn::MdmConfig c;
  c.latent_dim = integer(r, "latent_dim", 256, 8, 4096);
  c.layers = integer(r, "layers", 4, 1, 64);
  c.ff_size = integer(r, "ff_size", 512, 8, 16384);
  c.num_heads = integer(r, "heads", 4, 1, 64);
  c.clip_dim = integer(r, "text_dim", 256, 8, 4096);
  c.mask_frames = true;  // padded batches: padding is hidden from attention
  c.pos_embed_max_len = std::max<int64_t>(1001, max_frames + 1);
  if (c.latent_dim % c.num_heads != 0)
    throw gen::UsageError("option latent_dim=" + std::to_string(c.latent_dim) + " must be a multiple of heads=" +
                          std::to_string(c.num_heads));
  c.validate();
  return c;
}

gen::nn::ClipTextConfig text_config(const gen::TrainRequest& r, int64_t vocab) {
  gen::nn::ClipTextConfig c;
  c.vocab_size = vocab;
  c.hidden_size = integer(r, "text_width", 128, 8, 4096);
  c.intermediate_size = 4 * c.hidden_size;
  c.num_hidden_layers = integer(r, "text_layers", 2, 1, 48);
  c.num_attention_heads = 4;
  c.max_position_embeddings = 32;  // captions are short; the tokenizer truncates longer ones
  c.validate();
  return c;
}

void write_model(const fs::path& out, const gen::nn::MdmTransformer& network, const gen::nn::ClipTextEmbedder& text,
                 const std::vector<std::string>& words, const gen::motion::FeatureNormalizer& normalizer,
                 int64_t max_frames) {
  fs::create_directories(out / "mdm");
  gen::write_file_atomic(out / "mdm" / "config.json", network->config().to_json().dump(2) + "\n");
  std::map<std::string, torch::Tensor> weights;
  for (const auto& p : network->named_parameters()) weights[p.key()] = p.value().detach().to(torch::kFloat16).contiguous();
  gen::save_safetensors(out / "mdm" / "model.safetensors", weights, {{"format", "pt"}});
  gen::nn::save_clip_text_embedder(out / "text_encoder", text);
  gen::nn::write_clip_vocabulary(out / "tokenizer", words);
  normalizer.save(out / "normalizer.safetensors");
  fs::create_directories(out / "scheduler");
  auto scheduler = mdm_schedule(1000).to_json();
  scheduler["_class_name"] = "DDPMScheduler";
  gen::write_file_atomic(out / "scheduler" / "scheduler_config.json", scheduler.dump(2) + "\n");
  const nlohmann::json defaults{{"steps", 50}, {"cfg_scale", 2.5}, {"duration", 4.0}, {"sampler", "ddim"},
                                {"max_frames", max_frames}};
  gen::write_file_atomic(out / "generation_defaults.json", defaults.dump(2) + "\n");
}

}  // namespace

std::vector<gen::TrainStage> train_stages() {
  auto options = gen::trainer_option_specs(20000, 2e-4, 64, 1);
  const std::vector<OptionSpec> own = {
      OptionSpec::path("data", "A `gen data motion` folder (required)"),
      OptionSpec::integer("latent_dim", 256, 8, 4096, "Transformer width (MDM's latent_dim; published: 512)"),
      OptionSpec::integer("layers", 4, 1, 64, "Transformer layers (published: 8)"),
      OptionSpec::integer("ff_size", 512, 8, 16384, "Feed-forward width (published: 1024)"),
      OptionSpec::integer("heads", 4, 1, 64, "Attention heads (published: 4)"),
      OptionSpec::integer("text_dim", 256, 8, 4096, "Text embedding width (MDM's clip_dim; CLIP ViT-B/32: 512)"),
      OptionSpec::integer("text_width", 128, 8, 4096, "Width of the jointly trained CLIP text tower"),
      OptionSpec::integer("text_layers", 2, 1, 48, "Layers of the text tower"),
      OptionSpec::number("cond_dropout", 0.1, 0, 1, "Caption dropout for classifier-free guidance (MDM: 0.1)"),
      OptionSpec::number("position_loss", 1.0, 0, 1e3, "Weight of the joint position loss"),
      OptionSpec::number("velocity_loss", 1.0, 0, 1e3, "Weight of the joint velocity loss"),
      OptionSpec::number("foot_loss", 1.0, 0, 1e3, "Weight of the foot contact loss"),
      OptionSpec::integer("max_clips", 0, 0, 10000000, "Use at most this many training motions (0 = all)"),
  };
  options.insert(options.begin(), own.begin(), own.end());
  return {{"mdm", "MDM and a small CLIP text tower from scratch on the humans world's motions", options}};
}

void train_mdm(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  if (!r.model.empty() && r.model != "mdm") throw gen::UsageError("motion_mdm trains -m mdm, not '" + r.model + "'");
  const auto data = option(r, "data");
  if (data.empty()) throw gen::UsageError("training needs -O data=DIR (a `gen data motion` folder)");
  // Every option is checked before the minutes of loading.
  auto config = gen::trainer_config_from(r, 20000, 2e-4, "vp");
  config.prediction_type = gen::PredictionType::sample;
  config.cond_dropout = number(r, "cond_dropout", 0.1, 0, 1);
  config.min_snr_gamma = 0;
  const int64_t batch = integer(r, "batch", 64, 1, 65536), max_clips = integer(r, "max_clips", 0, 0, 10000000);
  GeometricLossWeights weights{number(r, "position_loss", 1.0, 0, 1e3), number(r, "velocity_loss", 1.0, 0, 1e3),
                               number(r, "foot_loss", 1.0, 0, 1e3)};

  auto clips = load_training_clips(data, "train", max_clips, progress);
  auto normalizer = gen::motion::FeatureNormalizer::fit(clips.raw_rows, gen::motion::humanml_feature_slices(),
                                                         "humanml3d-263");
  auto features = normalize_clips(clips, normalizer);
  const auto words = caption_words(features.captions);
  const fs::path out(r.output);
  gen::nn::write_clip_vocabulary(out / "tokenizer", words);
  auto tokenizer = gen::nn::ClipTokenizer::from_folder(out / "tokenizer");

  torch::manual_seed(static_cast<uint64_t>(r.seed));
  const int64_t max_frames = features.features.size(2);
  gen::nn::MdmTransformer network(network_config(r, max_frames));
  gen::nn::ClipTextEmbedder text(text_config(r, static_cast<int64_t>(tokenizer.vocab_size())), network->config().clip_dim);
  network->train();
  text->train();
  spdlog::info("mdm: {} motions of up to {} frames, {} caption words", features.features.size(0), max_frames,
               words.size());
  MdmTask task(network, text, tokenizer, normalizer, std::move(features), batch, weights);
  gen::Trainer trainer(task, config, torch::tensor(gen::make_alphas_cumprod(mdm_schedule(1000))));
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  network->eval();
  text->eval();
  write_model(out / "model", network, text, words, normalizer, max_frames);
  spdlog::info("motion model written to {}", (out / "model").string());
}

}  // namespace motion_mdm
