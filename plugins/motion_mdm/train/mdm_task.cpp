#include "mdm_task.h"

#include <gen/error.h>
#include <gen/motion/humanml_features.h>

#include "../motion_mdm.h"
#include "training_clips.h"

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
                 double later_action_weight, SegmentText segment_text)
    : network_(std::move(network)),
      text_encoder_(std::move(text_encoder)),
      tokenizer_(std::move(tokenizer)),
      normalizer_(std::move(normalizer)),
      clips_(std::move(clips)),
      batch_(batch),
      batches_(nonempty(clips_).lengths, batch, length_window),
      weights_(weights),
      train_text_(train_text),
      later_action_weight_(later_action_weight),
      segment_text_(std::move(segment_text)) {
  if (segment_text_.probability > 0 && !network_->config().cond_every_frame)
    throw gen::UsageError("segment_text needs cond_every_frame=true (each frame token reads its own text)");
  if (segment_text_.probability > 0 && clips_.spans.size() != static_cast<size_t>(clips_.features.size(0)))
    throw gen::ModelError("segment_text needs each clip's action spans");
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
  std::vector<std::string> captions;
  for (int64_t b = 0; b < batch_; ++b) {
    const auto& phrasings = clips_.captions[index[b].item<int64_t>()];
    const auto k = std::min<size_t>(phrasings.size() - 1, static_cast<size_t>(pick[b].item<double>() * phrasings.size()));
    captions.push_back(phrasings[k]);
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
  if (segment_text_.probability > 0)
    if (auto per_frame = frame_text(index, captions, batch.cond.pooled, longest, g))
      batch.cond.extra["frame_text"] = *per_frame;
  batch.null_cond = null_text_condition(batch.cond);
  batch.cond.extra["frame_mask"] = valid;
  return batch;
}

std::optional<torch::Tensor> MdmTask::frame_text(const torch::Tensor& index, const std::vector<std::string>& captions,
                                                 const torch::Tensor& pooled, int64_t frames, at::Generator& g) {
  const auto draw = torch::rand({batch_}, g, torch::kFloat64);
  std::vector<std::pair<int64_t, torch::Tensor>> split;  // row, [frames, parts] weights
  std::vector<torch::Tensor> part_ids;
  for (int64_t b = 0; b < batch_; ++b) {
    const auto& spans = clips_.spans[static_cast<size_t>(index[b].item<int64_t>())];
    if (spans.size() < 2 || draw[b].item<double>() >= segment_text_.probability) continue;
    std::vector<std::string> parts;  // the keyframes' distinct prompts, in order
    double handover = 0;             // the keyframes' time between one part and the next
    const auto keys = segment_text_.rules.keyframes_for(captions[static_cast<size_t>(b)]);
    for (size_t k = 0; k < keys.size(); ++k) {
      if (!parts.empty() && parts.back() == keys[k].prompt) continue;
      if (!parts.empty()) handover += keys[k].at - keys[k - 1].at;
      parts.push_back(keys[k].prompt);
    }
    if (parts.size() != spans.size()) continue;
    // Handovers as wide as generation's keyframes blend, centred where the action changes.
    const auto length = static_cast<double>(clips_.lengths[index[b]].item<int64_t>());
    split.emplace_back(b, span_weights(spans, frames, handover / static_cast<double>(parts.size() - 1) * length));
    for (const auto& p : parts) part_ids.push_back(caption_ids(p));
  }
  if (split.empty()) return std::nullopt;
  torch::Tensor parts_pooled;
  {
    torch::NoGradGuard no_grad;  // the parts only say when; the tower learns (if at all) from the whole captions
    parts_pooled = text_encoder_->forward(torch::stack(part_ids));
  }
  std::vector<torch::Tensor> rows;
  for (int64_t b = 0; b < batch_; ++b) rows.push_back(pooled[b].unsqueeze(0).expand({frames, pooled.size(1)}));
  int64_t first = 0;
  for (const auto& [b, weights] : split) {
    rows[static_cast<size_t>(b)] = torch::matmul(weights, parts_pooled.narrow(0, first, weights.size(1)));
    first += weights.size(1);
  }
  return torch::stack(rows);
}

torch::Tensor MdmTask::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  auto text_mask = cond.extra.count("text_mask") ? cond.extra.at("text_mask") : torch::Tensor();
  auto frame_text = cond.extra.count("frame_text") ? cond.extra.at("frame_text") : torch::Tensor();
  return network_->forward(x_t.unsqueeze(2), t, cond.pooled, cond.extra.at("frame_mask"), {}, cond.context, text_mask,
                           frame_text)
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
