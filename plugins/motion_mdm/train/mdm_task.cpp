#include "mdm_task.h"

#include <gen/error.h>
#include <gen/motion/humanml_features.h>

#include "../motion_mdm.h"

namespace motion_mdm {
namespace {

int64_t slice_begin(const std::string& name) {
  for (const auto& s : gen::motion::humanml_feature_slices())
    if (s.name == name) return s.begin;
  throw gen::ModelError("no HumanML3D feature slice '" + name + "'");
}

// Mean of `squared` [B, D, F] over the frames where `valid` [B, 1, F] is 1.
torch::Tensor masked_mean(const torch::Tensor& squared, const torch::Tensor& valid) {
  auto w = valid.expand_as(squared);
  return (squared * w).sum() / w.sum().clamp_min(1.0);
}

const FeatureClips& nonempty(const FeatureClips& clips) {
  if (clips.features.size(0) == 0) throw gen::InputError("no training motions");
  return clips;
}

}  // namespace

MdmTask::MdmTask(gen::nn::MdmTransformer network, gen::nn::ClipTextEmbedder text_encoder,
                 gen::nn::ClipTokenizer tokenizer, gen::motion::FeatureNormalizer normalizer, FeatureClips clips,
                 int64_t batch, GeometricLossWeights weights, bool train_text, int64_t length_window,
                 double later_action_weight)
    : network_(std::move(network)),
      text_encoder_(std::move(text_encoder)),
      tokenizer_(std::move(tokenizer)),
      normalizer_(std::move(normalizer)),
      clips_(std::move(clips)),
      batch_(batch),
      batches_(nonempty(clips_).lengths, batch, length_window),
      weights_(weights),
      train_text_(train_text),
      later_action_weight_(later_action_weight) {
  if (later_action_weight_ != 1.0 &&
      (!clips_.later_actions.defined() || clips_.later_actions.size(0) != clips_.features.size(0)))
    throw gen::ModelError("later_action_weight needs each clip's action spans");
}

std::vector<std::pair<std::string, torch::Tensor>> MdmTask::parameters() {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : network_->named_parameters()) out.emplace_back("mdm." + p.key(), p.value());
  if (train_text_)
    for (const auto& p : text_encoder_->named_parameters()) out.emplace_back("text_encoder." + p.key(), p.value());
  return out;
}

torch::Tensor MdmTask::caption_ids(const std::string& caption) {
  auto it = ids_.find(caption);
  if (it != ids_.end()) return it->second;
  gen::nn::ClipTokenizerOptions o;
  o.max_length = static_cast<int>(text_encoder_->config().max_position_embeddings);
  o.pad_id = tokenizer_.eos_id();
  auto ids = torch::tensor(tokenizer_.encode_padded(caption, o), torch::kLong);
  ids_.emplace(caption, ids);
  return ids;
}

gen::TrainingBatch MdmTask::next_batch(int64_t, at::Generator& g) {
  const int64_t frames = clips_.features.size(2);
  auto index = batches_.draw(g);
  auto pick = torch::rand({batch_}, g, torch::kFloat64);
  std::vector<torch::Tensor> ids;
  for (int64_t b = 0; b < batch_; ++b) {
    const auto& phrasings = clips_.captions[index[b].item<int64_t>()];
    const auto k = std::min<size_t>(phrasings.size() - 1, static_cast<size_t>(pick[b].item<double>() * phrasings.size()));
    ids.push_back(caption_ids(phrasings[k]));
  }
  auto lengths = clips_.lengths.index_select(0, index);
  // Cropped to the batch's longest clip: the frames after it are padding in every row.
  const int64_t longest = std::min(frames, lengths.max().item<int64_t>());
  auto valid = torch::arange(longest, torch::kLong).unsqueeze(0) < lengths.unsqueeze(1);  // [B, F']
  gen::TrainingBatch batch;
  batch.x0 = clips_.features.index_select(0, index).narrow(2, 0, longest);
  auto weight = valid.to(torch::kFloat32);
  // Sequences fail on their second action (docs/model-zoo.md): its frames may count more.
  if (later_action_weight_ != 1.0) {
    auto later = clips_.later_actions.index_select(0, index).narrow(1, 0, longest);
    weight = weight * (1 + (later_action_weight_ - 1) * later);
  }
  batch.weight = weight.unsqueeze(1);
  // With autograd on: the text tower learns through the diffusion loss.
  batch.cond = text_condition(*text_encoder_, torch::stack(ids), tokenizer_.eos_id(),
                              network_->config().text_tokens_dim > 0);
  batch.null_cond = null_text_condition(batch.cond);
  batch.cond.extra["frame_mask"] = valid;
  return batch;
}

torch::Tensor MdmTask::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  auto text_mask = cond.extra.count("text_mask") ? cond.extra.at("text_mask") : torch::Tensor();
  return network_->forward(x_t.unsqueeze(2), t, cond.pooled, cond.extra.at("frame_mask"), {}, cond.context, text_mask)
      .squeeze(2);
}

torch::Tensor MdmTask::auxiliary_loss(const gen::TrainingBatch& batch, const torch::Tensor& x0_estimate,
                                      const torch::Tensor&) {
  static const int64_t ric = slice_begin("ric"), vel = slice_begin("local_velocity"),
                       contact = slice_begin("foot_contact");
  const auto& valid = batch.weight;  // [B, 1, F]: 0 on padding, else each frame's weight
  auto error = x0_estimate - batch.x0;
  torch::Tensor loss = torch::zeros({});
  if (weights_.position > 0) loss = loss + weights_.position * masked_mean(error.narrow(1, ric, 63).pow(2), valid);
  if (weights_.velocity > 0) {
    auto step = error.narrow(1, ric, 63).diff(1, 2);
    auto both = torch::minimum(valid.narrow(2, 1, valid.size(2) - 1), valid.narrow(2, 0, valid.size(2) - 1));
    loss = loss + weights_.velocity * masked_mean(step.pow(2), both);
  }
  if (weights_.foot > 0) {
    // Feet the data holds still must not move in the estimate (in units of the velocity std).
    auto std = normalizer_.std().to(x0_estimate.scalar_type());
    auto mean = normalizer_.mean().to(x0_estimate.scalar_type());
    auto in_contact = (batch.x0.narrow(1, contact, 4) * std.narrow(0, contact, 4).reshape({1, 4, 1}) +
                       mean.narrow(0, contact, 4).reshape({1, 4, 1})) > 0.5;  // [B, 4, F]
    const int64_t feet[] = {7, 10, 8, 11};  // l_ankle, l_foot, r_ankle, r_foot
    std::vector<torch::Tensor> speeds;
    for (int64_t joint : feet) {
      auto v = x0_estimate.narrow(1, vel + joint * 3, 3) * std.narrow(0, vel + joint * 3, 3).reshape({1, 3, 1}) +
               mean.narrow(0, vel + joint * 3, 3).reshape({1, 3, 1});
      speeds.push_back((v / std.narrow(0, vel + joint * 3, 3).reshape({1, 3, 1})).pow(2).sum(1));
    }
    auto still = in_contact.to(x0_estimate.scalar_type()) * valid;
    loss = loss + weights_.foot * masked_mean(torch::stack(speeds, 1), still);
  }
  return loss;
}

}  // namespace motion_mdm
