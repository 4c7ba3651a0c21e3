#include "train_tasks.h"

#include <chrono>

#include <torch/nn/functional/loss.h>
#include <torch/nn/functional/normalization.h>

#include <gen/nn/unet_config.h>

namespace image_ldm {

namespace F = torch::nn::functional;

NamedTensors named(torch::nn::Module& m, const std::string& prefix) {
  NamedTensors out;
  for (const auto& p : m.named_parameters()) out.emplace_back(prefix + p.key(), p.value());
  return out;
}

// ---- VAE --------------------------------------------------------------------

VaeTask::VaeTask(ShapesData data, int64_t batch, VaeLossWeights weights, const nlohmann::json& config)
    : data_(std::move(data)), batch_(batch), weights_(weights) {
  vae = gen::nn::AutoencoderKL(gen::nn::AutoencoderKLConfig::from_json(config));
}

gen::TrainingBatch VaeTask::next_batch(int64_t, at::Generator& generator) {
  auto idx = data_.draw(batch_, generator);
  auto x = data_.images(idx);
  // Mirror half of the batch: the autoencoder should not care about left and right.
  auto flip = (torch::rand({batch_}, generator) < 0.5).view({-1, 1, 1, 1});
  gen::TrainingBatch b;
  b.x0 = torch::where(flip, x.flip({3}), x);
  return b;
}

// 1 on pixels that differ from the image's background (the median colour of its
// border) and on their 1-pixel neighbourhood, else 0.
torch::Tensor foreground_mask(const torch::Tensor& x) {
  auto border = torch::cat({x.select(2, 0), x.select(2, -1), x.select(3, 0), x.select(3, -1)}, 2);
  auto background = std::get<0>(border.median(2, true)).unsqueeze(3);
  auto mask = ((x - background).abs().amax(1, true) > 0.1).to(x.scalar_type());
  return torch::max_pool2d(mask, 3, 1, 1);
}

torch::Tensor VaeTask::custom_loss(const gen::TrainingBatch& batch, at::Generator& generator) {
  auto posterior = vae->encode(batch.x0);
  auto reconstruction = vae->decode(posterior.sample(generator));
  // Objects cover a few percent of an image: without extra weight their colour and
  // outline are cheap to get wrong, yet they are what the prompt asked for.
  auto diff = reconstruction - batch.x0;
  if (weights_.foreground > 0) diff = diff * (1 + weights_.foreground * foreground_mask(batch.x0));
  auto kl = 0.5 * (posterior.mean.pow(2) + posterior.std.pow(2) - 1 - posterior.logvar).mean();
  // Differences of neighbouring pixels' errors = error of the image gradients.
  auto edge = (diff.slice(3, 1) - diff.slice(3, 0, -1)).abs().mean() + (diff.slice(2, 1) - diff.slice(2, 0, -1)).abs().mean();
  return diff.abs().mean() + diff.pow(2).mean() + weights_.edge * edge + weights_.kl * kl;
}

// ---- CLIP -------------------------------------------------------------------

ClipTask::ClipTask(ShapesData data, gen::nn::ClipTokenizer tokenizer, int64_t vocab_size, int64_t batch)
    : data_(std::move(data)), tokenizer_(std::move(tokenizer)), batch_(batch) {
  text = gen::nn::ClipTextModel(gen::nn::ClipTextConfig::from_json(default_text_config(vocab_size)));
  vision = ClipVision(kClipEmbedDim);
  text_projection = torch::nn::Linear(torch::nn::LinearOptions(text->config().hidden_size, kClipEmbedDim).bias(false));
  logit_scale = torch::full({1}, std::log(1 / 0.07)).requires_grad_(true);
}

NamedTensors ClipTask::parameters() {
  auto p = named(*text);
  for (auto& v : named(*vision, "vision_model.")) p.push_back(v);
  p.emplace_back("text_projection.weight", text_projection->weight);
  p.emplace_back("logit_scale", logit_scale);
  return p;
}

gen::TrainingBatch ClipTask::next_batch(int64_t, at::Generator& generator) {
  auto idx = data_.draw(batch_, generator);
  gen::TrainingBatch b;
  b.x0 = data_.images(idx);
  auto all = gen::shapes::caption_ids(tokenizer_, data_.captions(idx, generator));
  // Attention is causal, so positions after the last EOS cannot change the pooled
  // (EOS) state: train on the shortest prefix that holds every caption.
  auto eos = (all == tokenizer_.eos_id()).to(torch::kLong).argmax(1).max().item<int64_t>();
  b.cond.context = all.slice(1, 0, std::min<int64_t>(all.size(1), eos + 1));
  return b;
}

torch::Tensor ClipTask::text_embedding(const torch::Tensor& ids) {
  return F::normalize(text_projection(text->forward(ids).pooler_output), F::NormalizeFuncOptions().dim(1));
}

torch::Tensor ClipTask::image_embedding(const torch::Tensor& images) {
  return F::normalize(vision(images), F::NormalizeFuncOptions().dim(1));
}

torch::Tensor ClipTask::custom_loss(const gen::TrainingBatch& batch, at::Generator&) {
  return gen::clip_contrastive_loss(logit_scale.exp().clamp_max(100) *
                                    image_embedding(batch.x0).matmul(text_embedding(batch.cond.context).t()));
}

// ---- UNet -------------------------------------------------------------------

UnetTask::UnetTask(ShapesData data, gen::nn::AutoencoderKL vae, gen::nn::ClipTextModel text,
                   gen::nn::ClipTokenizer tokenizer, nlohmann::json unet_config, int64_t batch,
                   const gen::ProgressCallback& progress)
    : data_(std::move(data)), text_(std::move(text)), tokenizer_(std::move(tokenizer)), batch_(batch) {
  torch::NoGradGuard no_grad;
  vae->eval();
  text_->eval();
  scaling_factor_ = vae->config().scaling_factor;
  // The posterior of every image once, so a training step only draws from it.
  std::vector<torch::Tensor> means, stds;
  const int64_t n = data_.size(), chunk = 256;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < n; i += chunk) {
    auto post = vae->encode(data_.images(torch::arange(i, std::min(n, i + chunk), torch::kLong)));
    means.push_back(post.mean);
    stds.push_back(post.std);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (progress) progress({"encoding latents", std::min(n, i + chunk), n, elapsed, ""});
  }
  latent_mean_ = torch::cat(means);
  latent_std_ = torch::cat(stds);
  null_context_ = encode_text({""});
  unet_config["sample_size"] = latent_mean_.size(2);
  unet = gen::nn::UNet2DConditionModel(gen::nn::UNet2DConditionConfig::from_json(unet_config));
}

torch::Tensor UnetTask::encode_text(const std::vector<std::string>& captions) {
  torch::NoGradGuard no_grad;
  return text_->forward(gen::shapes::caption_ids(tokenizer_, captions)).last_hidden_state;
}

// The text encoder is frozen, so a caption's states never change; each caption comes
// back many times (a scene is drawn ~7 times in a default run, in one of 4 phrasings).
// Caching them saves the encoder's ~12% of a step (session 6's breakdown), at 39 KB per
// distinct caption; past kMaxCachedCaptions (~2.5 GB) new captions are encoded every time.
torch::Tensor UnetTask::cached_text_states(const std::vector<std::string>& captions) {
  constexpr size_t kMaxCachedCaptions = 65536;
  std::unordered_map<std::string, torch::Tensor> fresh;  // this batch's new captions
  std::vector<std::string> missing;
  for (const auto& c : captions)
    if (!text_states_.count(c) && fresh.emplace(c, torch::Tensor()).second) missing.push_back(c);
  if (!missing.empty()) {
    auto states = encode_text(missing);
    for (size_t i = 0; i < missing.size(); ++i) fresh[missing[i]] = states[static_cast<int64_t>(i)];
  }
  std::vector<torch::Tensor> rows;
  rows.reserve(captions.size());
  for (const auto& c : captions) {
    auto cached = text_states_.find(c);
    rows.push_back(cached != text_states_.end() ? cached->second : fresh.at(c));
  }
  for (auto& [caption, states] : fresh)
    if (text_states_.size() < kMaxCachedCaptions) text_states_.emplace(caption, states);
  return torch::stack(rows);
}

gen::TrainingBatch UnetTask::next_batch(int64_t, at::Generator& generator) {
  auto idx = data_.draw(batch_, generator);
  auto noise = torch::randn({batch_, latent_mean_.size(1), latent_mean_.size(2), latent_mean_.size(3)}, generator,
                            torch::kFloat32);
  gen::TrainingBatch b;
  b.x0 = (latent_mean_.index({idx}) + latent_std_.index({idx}) * noise) * scaling_factor_;
  b.cond.context = cached_text_states(data_.captions(idx, generator));
  b.null_cond.context = null_context_;
  return b;
}

torch::Tensor UnetTask::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  return unet->forward(x_t, t, cond.context);
}

}  // namespace image_ldm
