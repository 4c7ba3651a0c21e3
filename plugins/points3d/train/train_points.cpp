#include "train_points.h"

#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/options.h>
#include <gen/schedule.h>
#include <gen/train_options.h>

#include "../points3d.h"
#include "point_task.h"

namespace points3d {
namespace {

namespace fs = std::filesystem;
using gen::OptionSpec;

constexpr int64_t kSteps = 4000, kBatch = 8;
constexpr double kLr = 3e-4;

std::vector<OptionSpec> stage_options() {
  auto options = gen::trainer_option_specs(kSteps, kLr, kBatch, 1);
  const std::vector<OptionSpec> own = {
      OptionSpec::path("data", "A `gen data 3d` folder (required)"),
      OptionSpec::integer("width", 128, 8, 8192, "Transformer width (Point-E base: 512)"),
      OptionSpec::integer("layers", 6, 1, 256, "Transformer layers (Point-E base: 12)"),
      OptionSpec::integer("heads", 4, 1, 64, "Attention heads (width must be a multiple)"),
      OptionSpec::integer("points", 512, 16, 100000, "Points per training cloud, a fresh subset each step (unordered models)"),
      OptionSpec::integer("slots", 0, 0, 100000,
                          "Ordered points: every cloud ordered into this many slots, each with a learned embedding; "
                          "the model then makes exactly this many points (0: unordered, Point-E's way)"),
      OptionSpec::number("xyz_scale", 0.5, 1e-3, 1e3, "Coordinates are divided by this in diffusion space"),
      OptionSpec::integer("text_width", 128, 8, 4096, "Width of the text tower trained alongside"),
      OptionSpec::integer("text_layers", 2, 1, 48, "Layers of the text tower"),
      OptionSpec::number("cond_dropout", 0.1, 0, 1, "Caption dropout for classifier-free guidance"),
      OptionSpec::choice("prediction", {"epsilon", "v_prediction", "sample"}, "v_prediction",
                         "What the transformer predicts (Point-E: epsilon)"),
      OptionSpec::number("min_snr_gamma", 5, 0, 1000, "Min-SNR-gamma loss weighting (0: off)"),
      OptionSpec::integer("max_clouds", 0, 0, 10000000, "Use at most this many training clouds (0 = all)"),
  };
  options.insert(options.begin(), own.begin(), own.end());
  return options;
}

gen::nn::ClipTextConfig text_config(const gen::OptionValues& v, int64_t vocab) {
  gen::nn::ClipTextConfig c;
  c.vocab_size = vocab;
  c.hidden_size = v.integer("text_width");
  c.intermediate_size = 4 * c.hidden_size;
  c.num_hidden_layers = v.integer("text_layers");
  c.num_attention_heads = c.hidden_size % 64 == 0 ? c.hidden_size / 64 : 4;
  c.max_position_embeddings = 16;  // "a small tall green capsule" is 7 tokens with BOS and EOS
  c.validate();
  return c;
}

}  // namespace

std::vector<gen::TrainStage> train_stages() {
  return {{"points", "The point transformer and its text tower on a `gen data 3d` folder", stage_options()}};
}

void train(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  if (!r.model.empty() && r.model != "points")
    throw gen::UsageError("points3d trains -m points, not '" + r.model + "'");
  const gen::OptionValues v(r.options, stage_options());
  const auto data = v.text("data");
  if (data.empty()) throw gen::UsageError("training needs -O data=DIR (a `gen data 3d` folder)");
  auto config = gen::trainer_config_from(r, kSteps, kLr, "vp");
  config.prediction_type = gen::parse_prediction_type(v.text("prediction"));
  config.min_snr_gamma = v.number("min_snr_gamma");
  config.cond_dropout = v.number("cond_dropout");
  PointTransformerConfig net;
  net.width = v.integer("width");
  net.layers = v.integer("layers");
  net.heads = v.integer("heads");
  net.text_dim = v.integer("text_width");
  net.xyz_scale = v.number("xyz_scale");
  net.slots = v.integer("slots");
  if (net.slots != 0 && net.slots < 16) throw gen::UsageError("option slots=" + std::to_string(net.slots) + " must be 0 or at least 16");
  if (net.width % net.heads != 0)
    throw gen::UsageError("option width=" + std::to_string(net.width) + " must be a multiple of heads=" + std::to_string(net.heads));
  net.validate();

  auto clouds = load_training_clouds(data, net, v.integer("max_clouds"), progress);
  const fs::path out(r.output);
  const auto vocab = gen::nn::write_clip_vocabulary(out / "tokenizer", gen::nn::clip_words(clouds.captions));
  torch::manual_seed(static_cast<uint64_t>(r.seed));
  gen::nn::ClipTextModel text(text_config(v, vocab));
  PointTransformer network(net);
  network->train();
  text->train();
  const auto count = [](const torch::nn::Module& m) { int64_t n = 0; for (const auto& p : m.parameters()) n += p.numel(); return n; };
  const int64_t points = net.slots > 0 ? net.slots : v.integer("points");
  spdlog::info("points3d: {} clouds of {} points ({} per step{}), {} tokens, {} + {} (text) parameters",
               clouds.latents.size(0), clouds.latents.size(2), points, net.slots > 0 ? ", ordered slots" : "", vocab,
               count(*network), count(*text));
  const auto schedule = point_schedule(config.prediction_type);
  PointTask task(network, text, gen::nn::ClipTokenizer::from_folder(out / "tokenizer"), std::move(clouds),
                 v.integer("batch"), points);
  gen::Trainer trainer(task, config, torch::tensor(gen::make_alphas_cumprod(schedule)));
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  network->eval();
  text->eval();
  const nlohmann::json defaults{{"steps", 50}, {"cfg_scale", 3.0}, {"sampler", "ddim"}, {"points", points}};
  save_point_model(out / "model", network, text, out / "tokenizer", schedule, defaults);
  spdlog::info("3D model written to {}", (out / "model").string());
}

}  // namespace points3d
