#include "gen/nn/clip_contrastive_task.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>
#include <torch/nn/functional/normalization.h>

#include "gen/error.h"
#include "gen/train_parts.h"

namespace gen::nn {
namespace {

namespace F = torch::nn::functional;

torch::Tensor unit_rows(const torch::Tensor& x) { return F::normalize(x, F::NormalizeFuncOptions().dim(1)); }

size_t most_phrasings(const std::vector<std::vector<std::string>>& captions) {
  size_t most = 0;
  for (const auto& phrasings : captions) {
    if (phrasings.empty()) throw gen::Error("every item needs at least one caption");
    most = std::max(most, phrasings.size());
  }
  return most;
}

}  // namespace

ClipContrastiveTask::ClipContrastiveTask(ClipTextEmbedder text, ClipTokenizer tokenizer, ItemEncoder items_encoder,
                                         torch::Tensor items, std::vector<std::vector<std::string>> captions,
                                         int64_t batch)
    : text_(std::move(text)),
      tokenizer_(std::move(tokenizer)),
      encoder_(std::move(items_encoder)),
      items_(std::move(items)),
      captions_(std::move(captions)),
      batch_(batch),
      log_scale_(torch::full({1}, std::log(1 / 0.07)).set_requires_grad(true)) {  // CLIP's initial temperature
  if (static_cast<int64_t>(captions_.size()) != items_.size(0))
    throw gen::Error("ClipContrastiveTask: " + std::to_string(items_.size(0)) + " items but " +
                     std::to_string(captions_.size()) + " caption lists");
  most_phrasings(captions_);
}

std::vector<std::pair<std::string, torch::Tensor>> ClipContrastiveTask::parameters() {
  std::vector<std::pair<std::string, torch::Tensor>> out{{"log_scale", log_scale_}};
  for (const auto& p : text_->named_parameters()) out.emplace_back("text." + p.key(), p.value());
  for (const auto& p : encoder_.module->named_parameters()) out.emplace_back("items." + p.key(), p.value());
  return out;
}

gen::TrainingBatch ClipContrastiveTask::next_batch(int64_t, at::Generator& generator) {
  gen::TrainingBatch b;
  const auto index = torch::randint(0, items_.size(0), {batch_}, generator, torch::kLong);
  b.x0 = items_.index_select(0, index);
  b.cond.extra["item"] = index;
  // Drawn only when there is a choice, so single-caption data keeps its random stream.
  if (most_phrasings(captions_) > 1) b.cond.extra["phrasing"] = torch::rand({batch_}, generator, torch::kFloat64);
  return b;
}

torch::Tensor ClipContrastiveTask::custom_loss(const gen::TrainingBatch& b, at::Generator&) {
  const auto& index = b.cond.extra.at("item");
  const auto phrasing = b.cond.extra.find("phrasing");
  std::vector<std::string> captions;
  for (int64_t i = 0; i < index.size(0); ++i) {
    const auto& all = captions_[static_cast<size_t>(index[i].item<int64_t>())];
    size_t k = 0;
    if (phrasing != b.cond.extra.end())
      k = std::min(all.size() - 1, static_cast<size_t>(phrasing->second[i].item<double>() * all.size()));
    captions.push_back(all[k]);
  }
  const auto logits =
      log_scale_.exp().clamp_max(100) * unit_rows(text_->embed(tokenizer_, captions)).mm(unit_rows(encoder_.forward(b.x0)).t());
  return gen::clip_contrastive_loss(logits);
}

nlohmann::json caption_retrieval(ClipTextEmbedder& text, const ClipTokenizer& tokenizer, const ItemEncoder& items_encoder,
                                 const torch::Tensor& items, const std::vector<std::vector<std::string>>& captions) {
  torch::NoGradGuard no_grad;
  if (items.size(0) == 0) return {{"pool", 0}, {"captions", 0}, {"top1", nullptr}, {"top3", nullptr}};
  const int64_t pool = std::min<int64_t>(32, items.size(0)), n = std::min<int64_t>(512, items.size(0)) / pool * pool;
  int64_t top1 = 0, top3 = 0;
  for (int64_t start = 0; start < n; start += pool) {
    std::vector<std::string> texts;
    for (int64_t i = start; i < start + pool; ++i) texts.push_back(captions.at(static_cast<size_t>(i)).at(0));
    const auto similarity =
        unit_rows(text->embed(tokenizer, texts)).mm(unit_rows(items_encoder.forward(items.narrow(0, start, pool))).t());
    auto same = torch::zeros({pool, pool}, torch::kBool);
    for (int64_t i = 0; i < pool; ++i)
      for (int64_t j = 0; j < pool; ++j) same[i][j] = texts[static_cast<size_t>(i)] == texts[static_cast<size_t>(j)];
    const auto rank = ((similarity > similarity.diagonal().unsqueeze(1)) & same.logical_not()).sum(1);
    top1 += (rank < 1).sum().item<int64_t>();
    top3 += (rank < 3).sum().item<int64_t>();
  }
  return {{"pool", pool}, {"captions", n}, {"top1", double(top1) / n}, {"top3", double(top3) / n}};
}

}  // namespace gen::nn
