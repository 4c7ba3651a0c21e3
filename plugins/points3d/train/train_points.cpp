#include "train_points.h"

#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/options.h>
#include <gen/schedule.h>
#include <gen/train_options.h>

#include "../points3d.h"
#include "height_field_task.h"
#include "point_task.h"

namespace points3d {
namespace {

namespace fs = std::filesystem;
using gen::OptionSpec;

constexpr int64_t kSteps = 4000, kBatch = 8;
constexpr double kLr = 3e-4;

// What both stages take: the data, the text tower, the diffusion objective.
std::vector<OptionSpec> shared_options() {
  return {
      OptionSpec::path("data", "A `gen data 3d` folder (required)"),
      OptionSpec::integer("text_width", 128, 8, 4096, "Width of the text tower trained alongside"),
      OptionSpec::integer("text_layers", 2, 1, 48, "Layers of the text tower"),
      OptionSpec::number("cond_dropout", 0.1, 0, 1, "Caption dropout for classifier-free guidance"),
      OptionSpec::choice("prediction", {"epsilon", "v_prediction", "sample"}, "v_prediction",
                         "What the network predicts (Point-E: epsilon)"),
      OptionSpec::number("min_snr_gamma", 5, 0, 1000, "Min-SNR-gamma loss weighting (0: off)"),
      OptionSpec::integer("max_clouds", 0, 0, 10000000, "Use at most this many training clouds (0 = all)"),
  };
}

std::vector<OptionSpec> with_trainer_options(std::vector<OptionSpec> own) {
  auto options = gen::trainer_option_specs(kSteps, kLr, kBatch, 1);
  const auto shared = shared_options();
  own.insert(own.begin(), shared.begin(), shared.end());
  options.insert(options.begin(), own.begin(), own.end());
  return options;
}

std::vector<OptionSpec> points_options() {
  return with_trainer_options({
      OptionSpec::integer("width", 128, 8, 8192, "Transformer width (Point-E base: 512)"),
      OptionSpec::integer("layers", 6, 1, 256, "Transformer layers (Point-E base: 12)"),
      OptionSpec::integer("heads", 4, 1, 64, "Attention heads (width must be a multiple)"),
      OptionSpec::integer("points", 512, 16, 100000, "Points per training cloud, a fresh subset each step (unordered models)"),
      OptionSpec::integer("slots", 0, 0, 100000,
                          "Ordered points: every cloud ordered into this many slots, each with a learned embedding; "
                          "the model then makes exactly this many points (0: unordered, Point-E's way)"),
      OptionSpec::number("xyz_scale", 0.5, 1e-3, 1e3, "Coordinates are divided by this in diffusion space"),
  });
}

std::vector<OptionSpec> height_field_options() {
  const HeightFieldConfig d;
  return with_trainer_options({
      OptionSpec::integer("grid", d.grid, 8, 256, "Cells across the height field (a multiple of 4)"),
      OptionSpec::number("extent", d.extent, 1e-3, 1e3, "Half-width of the square the field covers"),
      OptionSpec::integer("unet_width", 64, 8, 1024, "Channels of the UNet's first level (then 2x, 2x)"),
      OptionSpec::integer("unet_layers", 1, 1, 8, "ResNet layers per UNet level"),
      OptionSpec::integer("points", 1024, 16, 100000, "Points the model makes by default"),
  });
}

gen::nn::ClipTextConfig text_config(const gen::OptionValues& v, int64_t vocab) {
  // 16 positions: "a small tall green capsule" is 7 tokens with BOS and EOS.
  return gen::nn::word_clip_text_config(vocab, v.integer("text_width"), v.integer("text_layers"), 0, 16);
}

gen::nn::UNet2DConditionConfig height_field_unet(const gen::OptionValues& v) {
  const int64_t w = v.integer("unet_width");
  gen::nn::UNet2DConditionConfig c;
  c.in_channels = c.out_channels = HeightFieldConfig::kChannels;
  c.sample_size = v.integer("grid");
  c.block_out_channels = {w, 2 * w, 2 * w};
  // No attention at full resolution: a 32 x 32 field is 1024 tokens.
  c.down_block_types = {"DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"};
  c.up_block_types = {"CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"};
  c.layers_per_block = v.integer("unet_layers");
  c.num_attention_heads.clear();
  for (auto width : c.block_out_channels) c.num_attention_heads.push_back(width % 32 == 0 ? width / 32 : 1);
  c.transformer_layers_per_block = {1, 1, 1};
  c.cross_attention_dim = v.integer("text_width");
  c.norm_num_groups = w % 16 == 0 ? 16 : 1;
  c.use_linear_projection = true;
  c.validate();
  return c;
}

int64_t parameter_count(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

std::string data_folder(const gen::OptionValues& v) {
  auto data = v.text("data");
  if (data.empty()) throw gen::UsageError("training needs -O data=DIR (a `gen data 3d` folder)");
  return data;
}

gen::TrainerConfig trainer_config(const gen::TrainRequest& r, const gen::OptionValues& v) {
  auto config = gen::trainer_config_from(r, kSteps, kLr, "vp");
  config.prediction_type = gen::parse_prediction_type(v.text("prediction"));
  config.min_snr_gamma = v.number("min_snr_gamma");
  config.cond_dropout = v.number("cond_dropout");
  return config;
}

void train_height_field(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  const gen::OptionValues v(r.options, height_field_options());
  const auto data = data_folder(v);
  const auto config = trainer_config(r, v);
  HeightFieldConfig field;
  field.grid = v.integer("grid");
  field.extent = v.number("extent");
  if (field.grid % 4 != 0) throw gen::UsageError("option grid=" + std::to_string(field.grid) + " must be a multiple of 4 (the UNet halves it twice)");
  field.validate();
  const auto unet_config = height_field_unet(v);

  auto fields = load_training_fields(data, field, v.integer("max_clouds"), progress);
  const fs::path out(r.output);
  const auto vocab = gen::nn::write_clip_vocabulary(out / "tokenizer", gen::nn::clip_words(fields.captions));
  torch::manual_seed(static_cast<uint64_t>(r.seed));
  gen::nn::ClipTextModel text(text_config(v, vocab));
  gen::nn::UNet2DConditionModel unet(unet_config);
  unet->train();
  text->train();
  spdlog::info("points3d height field: {} fields of {}x{}, {} tokens, {} + {} (text) parameters", fields.fields.size(0),
               field.grid, field.grid, vocab, parameter_count(*unet), parameter_count(*text));
  const auto schedule = point_schedule(config.prediction_type);
  HeightFieldTask task(unet, text, gen::nn::ClipTokenizer::from_folder(out / "tokenizer"), std::move(fields), v.integer("batch"));
  gen::Trainer trainer(task, config, torch::tensor(gen::make_alphas_cumprod(schedule)));
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  unet->eval();
  text->eval();
  const nlohmann::json defaults{{"steps", 50}, {"cfg_scale", 3.0}, {"sampler", "ddim"}, {"points", v.integer("points")}};
  save_height_field_model(out / "model", unet, field, text, out / "tokenizer", schedule, defaults);
  spdlog::info("3D model written to {}", (out / "model").string());
}

}  // namespace

std::vector<gen::TrainStage> train_stages() {
  return {{"points", "The point transformer and its text tower on a `gen data 3d` folder", points_options()},
          {"heightfield", "A height-field UNet (height_field.h) and its text tower on a `gen data 3d` folder",
           height_field_options()}};
}

void train(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  if (r.model == "heightfield") return train_height_field(r, progress);
  if (!r.model.empty() && r.model != "points")
    throw gen::UsageError("points3d trains -m points or -m heightfield, not '" + r.model + "'");
  const gen::OptionValues v(r.options, points_options());
  const auto data = data_folder(v);
  const auto config = trainer_config(r, v);
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
  const int64_t points = net.slots > 0 ? net.slots : v.integer("points");
  spdlog::info("points3d: {} clouds of {} points ({} per step{}), {} tokens, {} + {} (text) parameters",
               clouds.latents.size(0), clouds.latents.size(2), points, net.slots > 0 ? ", ordered slots" : "", vocab,
               parameter_count(*network), parameter_count(*text));
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
