#include "train_mdm.h"

#include <spdlog/spdlog.h>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/motion/humanml_features.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/option_values.h>
#include <gen/safetensors.h>
#include <gen/schedule.h>
#include <gen/train_options.h>

#include "../motion_mdm.h"
#include "mdm_task.h"
#include "stage_options.h"
#include "text_pretraining.h"
#include "training_clips.h"

namespace motion_mdm {
namespace {

namespace fs = std::filesystem;
using gen::OptionSpec;

gen::nn::MdmConfig network_config(const gen::TrainRequest& r, int64_t max_frames, int64_t text_dim,
                                  int64_t text_width) {
  gen::nn::MdmConfig c;
  c.latent_dim = integer(r, "latent_dim", 256, 8, 4096);
  c.layers = integer(r, "layers", 4, 1, 64);
  c.ff_size = integer(r, "ff_size", 512, 8, 16384);
  c.num_heads = integer(r, "heads", 4, 1, 64);
  c.dropout = number(r, "dropout", 0.1, 0, 0.9);
  c.clip_dim = text_dim;
  c.mask_frames = true;  // padded batches: padding is hidden from attention
  c.cond_every_frame = flag(r, "cond_every_frame", false);
  c.text_tokens_dim = flag(r, "text_tokens", false) ? text_width : 0;
  c.frame_progress = flag(r, "frame_progress", false);
  c.pos_embed_max_len = std::max<int64_t>(1001, max_frames + 1);
  if (c.latent_dim % c.num_heads != 0)
    throw gen::UsageError("option latent_dim=" + std::to_string(c.latent_dim) + " must be a multiple of heads=" +
                          std::to_string(c.num_heads));
  c.validate();
  return c;
}

void write_model(const fs::path& out, const gen::nn::MdmTransformer& network, const gen::nn::ClipTextEmbedder& text,
                 const fs::path& tokenizer, const gen::motion::FeatureNormalizer& normalizer, int64_t max_frames) {
  fs::create_directories(out / "mdm");
  gen::write_file_atomic(out / "mdm" / "config.json", network->config().to_json().dump(2) + "\n");
  std::map<std::string, torch::Tensor> weights;
  for (const auto& p : network->named_parameters()) weights[p.key()] = p.value().detach().to(torch::kFloat16).contiguous();
  gen::save_safetensors(out / "mdm" / "model.safetensors", weights, {{"format", "pt"}});
  gen::nn::save_clip_text_embedder(out / "text_encoder", text);
  copy_tokenizer(tokenizer, out / "tokenizer");
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
      OptionSpec::number("dropout", 0.1, 0, 0.9, "Dropout of every transformer site and the positions (MDM: 0.1; "
                                                 "a short run may fit better without)"),
      OptionSpec::boolean("cond_every_frame", false, "Also add the condition to every frame token (gen's own; "
                                                     "published MDMs do not)"),
      OptionSpec::boolean("text_tokens", false, "The frames also attend to the text tower's per-token states "
                                                "(gen's own; published MDMs read one pooled feature)"),
      OptionSpec::boolean("frame_progress", false, "Each frame also knows how far through its clip it is, so "
                                                   "sequences hand over at the right place (gen's own)"),
      OptionSpec::path("text_encoder", "A `-m text` run folder: start from its text tower and tokenizer "
                                       "(text_dim/text_width/text_layers then come from it)"),
      OptionSpec::boolean("freeze_text", false, "Keep the text tower fixed (as MDM keeps CLIP)"),
      OptionSpec::number("cond_dropout", 0.1, 0, 1, "Caption dropout for classifier-free guidance (MDM: 0.1)"),
      OptionSpec::number("position_loss", 1.0, 0, 1e3, "Weight of the joint position loss"),
      OptionSpec::number("velocity_loss", 1.0, 0, 1e3, "Weight of the joint velocity loss"),
      OptionSpec::number("foot_loss", 1.0, 0, 1e3, "Weight of the foot contact loss"),
      OptionSpec::number("later_action_weight", 1.0, 0, 100, "Loss weight of the frames of a sequence's second and "
                                                             "later actions (1 = as every other frame)"),
      OptionSpec::number("segment_text", 0, 0, 1, "Share of sequence motions whose frames read their own action's "
                                                  "caption (split by the travel rules; needs cond_every_frame). The "
                                                  "model then ships the rules as prompt_travel.json"),
      OptionSpec::path("travel_rules", "Rules that split a caption into its actions' captions (default: the data "
                                       "folder's prompt_travel.json)"),
      OptionSpec::integer("max_clips", 0, 0, 10000000, "Use at most this many training motions (0 = all)"),
      OptionSpec::integer("length_window", 0, 0, 10000000, "Draw each batch among this many motions of neighbouring "
                                                           "length (less padding, faster steps; 0 = among all)"),
  };
  options.insert(options.begin(), own.begin(), own.end());
  const auto text = text_tower_option_specs();
  options.insert(options.begin() + 6, text.begin(), text.end());
  return {{"mdm", "MDM on the humans world's motions, with a small CLIP text tower (from scratch or a -m text run)",
           options},
          text_stage()};
}

void train(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  if (r.model == "text") return train_text_tower(r, progress);
  if (!r.model.empty() && r.model != "mdm")
    throw gen::UsageError("motion_mdm trains -m mdm or -m text, not '" + r.model + "'");
  train_mdm(r, progress);
}

void train_mdm(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  const auto data = option(r, "data");
  if (data.empty()) throw gen::UsageError("training needs -O data=DIR (a `gen data motion` folder)");
  // Every option is checked before the minutes of loading.
  auto config = gen::trainer_config_from(r, 20000, 2e-4, "vp");
  config.prediction_type = gen::PredictionType::sample;
  config.cond_dropout = number(r, "cond_dropout", 0.1, 0, 1);
  config.min_snr_gamma = 0;
  const int64_t batch = integer(r, "batch", 64, 1, 65536), max_clips = integer(r, "max_clips", 0, 0, 10000000),
                length_window = integer(r, "length_window", 0, 0, 10000000);
  GeometricLossWeights weights{number(r, "position_loss", 1.0, 0, 1e3), number(r, "velocity_loss", 1.0, 0, 1e3),
                               number(r, "foot_loss", 1.0, 0, 1e3)};
  const double later_action_weight = number(r, "later_action_weight", 1.0, 0, 100);
  SegmentText segment_text;
  segment_text.probability = number(r, "segment_text", 0, 0, 1);
  nlohmann::json rules;  // read once: the model ships exactly the rules it trained with
  if (segment_text.probability > 0) {
    if (!flag(r, "cond_every_frame", false)) throw gen::UsageError("segment_text needs -O cond_every_frame=true");
    const auto rules_file = option(r, "travel_rules", (fs::path(data) / "prompt_travel.json").string());
    rules = gen::read_json_file(rules_file, "prompt travel rules");
    segment_text.rules = gen::TravelRules::parse(rules.dump(), rules_file);
  }

  auto clips = load_training_clips(data, "train", max_clips, progress);
  auto normalizer = gen::motion::FeatureNormalizer::fit(clips.raw_rows, gen::motion::humanml_feature_slices(),
                                                         "humanml3d-263");
  auto features = normalize_clips(clips, normalizer);
  const fs::path out(r.output);
  const auto text_run = option(r, "text_encoder");
  const bool freeze_text = flag(r, "freeze_text", false);
  if (freeze_text && text_run.empty()) throw gen::UsageError("freeze_text=true needs -O text_encoder=DIR (a -m text run)");
  torch::manual_seed(static_cast<uint64_t>(r.seed));
  auto tower = text_run.empty() ? new_text_tower(r, features.captions, out / "tokenizer")
                                : load_text_tower(text_run, out / "tokenizer");
  auto text = tower.encoder;
  const int64_t max_frames = features.features.size(2);
  gen::nn::MdmTransformer network(network_config(r, max_frames, text->dim(), text->config().hidden_size));
  network->train();
  text->train(!freeze_text);
  for (auto& p : text->parameters()) p.set_requires_grad(!freeze_text);
  spdlog::info("mdm: {} motions of up to {} frames, {} caption words, text tower {}{}", features.features.size(0),
               max_frames, tower.tokenizer.vocab_size(), text_run.empty() ? "from scratch" : text_run,
               freeze_text ? " (frozen)" : "");
  MdmTask task(network, text, tower.tokenizer, normalizer, std::move(features), batch, weights, !freeze_text,
               length_window, later_action_weight, std::move(segment_text));
  gen::Trainer trainer(task, config, torch::tensor(gen::make_alphas_cumprod(mdm_schedule(1000))));
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  network->eval();
  text->eval();
  write_model(out / "model", network, text, out / "tokenizer", normalizer, max_frames);
  // The model learnt to read the parts these rules make: it ships them.
  if (!rules.is_null()) gen::write_file_atomic(out / "model" / "prompt_travel.json", rules.dump(2) + "\n");
  spdlog::info("motion model written to {}", (out / "model").string());
}

}  // namespace motion_mdm
