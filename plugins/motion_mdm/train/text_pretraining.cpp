#include "text_pretraining.h"

#include <chrono>
#include <cmath>

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/functional/normalization.h>
#include <torch/nn/utils/clip_grad.h>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/motion/humanml_features.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/nn/transformer_encoder.h>
#include <gen/train_parts.h>

#include "stage_options.h"
#include "training_clips.h"

namespace motion_mdm {
namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;
using gen::OptionSpec;

constexpr int64_t kMaxFrames = 1000;  // the motion encoder's position table (50 s at 20 fps)

// The stage's motion side: features -> a transformer over frames -> the mean of the
// valid frames -> the text tower's width. Only its gradient matters; it is not saved.
class MotionSummaryImpl : public torch::nn::Module {
 public:
  MotionSummaryImpl(int64_t width, int64_t layers, int64_t max_frames, int64_t out_dim) {
    input_ = register_module("input", torch::nn::Linear(gen::motion::kHumanMLFeatureSize, width));
    position_ = register_parameter("position", torch::randn({max_frames, width}) * 0.02);
    gen::nn::TransformerEncoderOptions o;
    o.d_model = width;
    o.nhead = 4;
    o.dim_feedforward = 4 * width;
    o.num_layers = layers;
    o.activation = "gelu";
    encoder_ = register_module("encoder", gen::nn::TransformerEncoder(o));
    output_ = register_module("output", torch::nn::Linear(width, out_dim));
  }
  // features [B, 263, F] (normalized), valid [B, F] bool -> [B, out_dim]
  torch::Tensor forward(const torch::Tensor& features, const torch::Tensor& valid) {
    if (features.size(2) > position_.size(0))
      throw gen::InputError("a motion of " + std::to_string(features.size(2)) + " frames is longer than the " +
                            std::to_string(position_.size(0)) + " the text stage reads");
    auto x = input_(features.transpose(1, 2)) + position_.narrow(0, 0, features.size(2));
    x = encoder_(x, valid.logical_not());
    const auto w = valid.unsqueeze(2).to(x.dtype());
    return output_((x * w).sum(1) / w.sum(1).clamp_min(1));
  }

 private:
  torch::nn::Linear input_{nullptr}, output_{nullptr};
  torch::Tensor position_;
  gen::nn::TransformerEncoder encoder_{nullptr};
};
TORCH_MODULE(MotionSummary);

// CLIP's symmetric cross-entropy over the batch's caption-motion similarities.
torch::Tensor contrastive_loss(const torch::Tensor& text, const torch::Tensor& motion, const torch::Tensor& log_scale) {
  return gen::clip_contrastive_loss(log_scale.exp().clamp_max(100) *
                                    F::normalize(text, F::NormalizeFuncOptions().dim(1))
                                        .mm(F::normalize(motion, F::NormalizeFuncOptions().dim(1)).t()));
}

struct Batch {
  torch::Tensor features, valid;
  std::vector<std::string> captions;
};

Batch pick(const FeatureClips& clips, const torch::Tensor& index, const torch::Tensor& phrasing) {
  Batch b;
  const auto lengths = clips.lengths.index_select(0, index);
  const int64_t longest = std::min(clips.features.size(2), lengths.max().item<int64_t>());
  b.features = clips.features.index_select(0, index).narrow(2, 0, longest);
  b.valid = torch::arange(longest, torch::kLong).unsqueeze(0) < lengths.unsqueeze(1);
  for (int64_t i = 0; i < index.size(0); ++i) {
    const auto& all = clips.captions[static_cast<size_t>(index[i].item<int64_t>())];
    const auto k = std::min<size_t>(all.size() - 1, static_cast<size_t>(phrasing[i].item<double>() * all.size()));
    b.captions.push_back(all[k]);
  }
  return b;
}

// Text-to-motion retrieval in pools of 32 (each clip's first caption against the pool's
// motions): top-1 and top-3 rates, the numbers the stage is judged by before MDM uses it.
nlohmann::json retrieval(TextTower& tower, MotionSummary& motion, const FeatureClips& clips, int64_t count) {
  torch::NoGradGuard no_grad;
  const int64_t pool = 32, n = std::min<int64_t>(count, clips.features.size(0)) / pool * pool;
  if (n == 0) return nullptr;
  int64_t top1 = 0, top3 = 0;
  for (int64_t start = 0; start < n; start += pool) {
    auto index = torch::arange(start, start + pool, torch::kLong);
    auto b = pick(clips, index, torch::zeros({pool}, torch::kFloat64));
    auto t = F::normalize(tower.encoder->embed(tower.tokenizer, b.captions), F::NormalizeFuncOptions().dim(1));
    auto m = F::normalize(motion(b.features, b.valid), F::NormalizeFuncOptions().dim(1));
    auto rank = (t.mm(m.t()) > t.mm(m.t()).diagonal().unsqueeze(1)).sum(1);  // motions scoring above the right one
    top1 += (rank < 1).sum().item<int64_t>();
    top3 += (rank < 3).sum().item<int64_t>();
  }
  return {{"pool", pool}, {"captions", n}, {"top1", double(top1) / n}, {"top3", double(top3) / n}};
}

}  // namespace

TextTower new_text_tower(const gen::TrainRequest& r, const std::vector<std::vector<std::string>>& captions,
                         const fs::path& tokenizer_dir) {
  gen::nn::write_clip_vocabulary(tokenizer_dir, caption_words(captions));
  auto tokenizer = gen::nn::ClipTokenizer::from_folder(tokenizer_dir);
  gen::nn::ClipTextEmbedder encoder(text_config(r, static_cast<int64_t>(tokenizer.vocab_size())), text_dim(r));
  return {encoder, std::move(tokenizer)};
}

void copy_tokenizer(const fs::path& from, const fs::path& to) {
  if (fs::equivalent(from, to)) return;
  fs::create_directories(to);
  for (const char* name : {"vocab.json", "merges.txt"})
    fs::copy_file(from / name, to / name, fs::copy_options::overwrite_existing);
}

TextTower load_text_tower(const fs::path& run, const fs::path& tokenizer_dir) {
  for (const char* part : {"text_encoder/config.json", "tokenizer/vocab.json", "tokenizer/merges.txt"})
    if (!fs::exists(run / part))
      throw gen::InputError(run.string() + " is not a `gen train motion_mdm -m text` run: no " + part);
  copy_tokenizer(run / "tokenizer", tokenizer_dir);
  auto tokenizer = gen::nn::ClipTokenizer::from_folder(tokenizer_dir);
  auto encoder = gen::nn::load_clip_text_embedder(run / "text_encoder");
  if (encoder->config().vocab_size < static_cast<int64_t>(tokenizer.vocab_size()))
    throw gen::InputError(run.string() + ": the tokenizer and the text tower do not match");
  return {encoder, std::move(tokenizer)};
}

gen::TrainStage text_stage() {
  std::vector<OptionSpec> options = {
      OptionSpec::path("data", "A `gen data motion` folder (required)"),
      OptionSpec::integer("motion_width", 128, 8, 4096, "Width of the stage's motion encoder (not saved)"),
      OptionSpec::integer("motion_layers", 2, 1, 16, "Layers of the stage's motion encoder"),
      OptionSpec::integer("max_clips", 0, 0, 10000000, "Use at most this many training motions (0 = all)"),
      OptionSpec::integer("steps", 3000, 1, 10000000, "Optimizer steps"),
      OptionSpec::number("lr", 1e-3, 1e-7, 1, "Peak learning rate (AdamW, warm-up then cosine to 10%)"),
      OptionSpec::integer("warmup", 100, 0, 10000000, "Linear warm-up steps"),
      OptionSpec::integer("batch", 128, 2, 4096, "Caption-motion pairs per step (the contrastive pool)"),
  };
  const auto text = text_tower_option_specs();
  options.insert(options.begin() + 1, text.begin(), text.end());
  return {"text", "The text tower alone, contrastively against motions (then -m mdm -O text_encoder=RUN)", options};
}

void train_text_tower(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  const auto data = option(r, "data");
  if (data.empty()) throw gen::UsageError("training needs -O data=DIR (a `gen data motion` folder)");
  const int64_t steps = integer(r, "steps", 3000, 1, 10000000), warmup = integer(r, "warmup", 100, 0, 10000000);
  const int64_t batch = integer(r, "batch", 128, 2, 4096);
  const double lr = number(r, "lr", 1e-3, 1e-7, 1);
  const fs::path out(r.output);

  const auto raw = load_training_clips(data, "train", integer(r, "max_clips", 0, 0, 10000000), progress);
  const auto normalizer =
      gen::motion::FeatureNormalizer::fit(raw.raw_rows, gen::motion::humanml_feature_slices(), "humanml3d-263");
  const auto clips = normalize_clips(raw, normalizer);
  torch::manual_seed(static_cast<uint64_t>(r.seed));
  auto tower = new_text_tower(r, clips.captions, out / "tokenizer");
  MotionSummary motion(integer(r, "motion_width", 128, 8, 4096), integer(r, "motion_layers", 2, 1, 16),
                       std::max<int64_t>(clips.features.size(2), kMaxFrames), tower.encoder->dim());
  auto log_scale = torch::full({1}, std::log(1 / 0.07)).set_requires_grad(true);  // CLIP's initial temperature
  std::vector<std::pair<std::string, torch::Tensor>> params{{"log_scale", log_scale}};
  for (const auto& p : tower.encoder->named_parameters()) params.emplace_back("text." + p.key(), p.value());
  for (const auto& p : motion->named_parameters()) params.emplace_back("motion." + p.key(), p.value());
  std::vector<torch::Tensor> tensors;
  for (const auto& p : params) tensors.push_back(p.second);
  gen::AdamW optimizer(params, {lr});
  auto generator = at::detail::createCPUGenerator(static_cast<uint64_t>(r.seed));
  spdlog::info("text tower: {} motions, {} caption words, {} pairs per step", clips.features.size(0),
               tower.tokenizer.vocab_size(), batch);

  tower.encoder->train();
  motion->train();
  const auto start = std::chrono::steady_clock::now();
  double smoothed = 0;
  for (int64_t step = 1; step <= steps; ++step) {
    auto index = torch::randint(0, clips.features.size(0), {batch}, generator, torch::kLong);
    auto b = pick(clips, index, torch::rand({batch}, generator, torch::kFloat64));
    auto loss = contrastive_loss(tower.encoder->embed(tower.tokenizer, b.captions), motion(b.features, b.valid),
                                 log_scale);
    optimizer.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(tensors, 1.0);
    optimizer.step(gen::learning_rate_at(step, steps, warmup, lr, "cosine", 0.1));
    smoothed = step == 1 ? loss.item<double>() : 0.98 * smoothed + 0.02 * loss.item<double>();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char message[64];
    std::snprintf(message, sizeof message, "loss %.4f", smoothed);
    if (progress && progress({"training", step, steps, elapsed, message}) == gen::ProgressAction::stop)
      throw gen::Cancelled();
  }

  tower.encoder->eval();
  motion->eval();
  nlohmann::json report{{"steps", steps}, {"batch", batch}, {"lr", lr}, {"seed", r.seed}, {"loss", smoothed},
                        {"train", retrieval(tower, motion, clips, 512)}};
  report["heldout"] = nullptr;
  try {  // a dataset without held-out motions is fine: the report says null
    const auto heldout = load_training_clips(data, "heldout", 0, {});
    report["heldout"] = retrieval(tower, motion, normalize_clips(heldout, normalizer), 512);
  } catch (const gen::InputError& e) {
    spdlog::warn("no held-out retrieval: {}", e.what());
  }
  gen::nn::save_clip_text_embedder(out / "text_encoder", tower.encoder);
  gen::write_file_atomic(out / "text_tower.json", report.dump(2) + "\n");
  spdlog::info("text tower written to {}: retrieval {}", (out / "text_encoder").string(), report.dump());
}

}  // namespace motion_mdm
