#include "motion_task.h"

#include <gen/error.h>
#include <gen/nn/prompt_encoding.h>

#include "frame_change_loss.h"

namespace video_temporal {
namespace {

bool is_module_parameter(const std::string& name) { return name.find("motion_modules.") != std::string::npos; }
bool is_travel_parameter(const std::string& name) { return name.rfind("prompt_travel.", 0) == 0; }
bool is_motion_parameter(const std::string& name) { return is_module_parameter(name) || is_travel_parameter(name); }

int64_t uniform(int64_t n, at::Generator& generator) {
  return torch::randint(n, {1}, generator, torch::kLong).item<int64_t>();
}

}  // namespace

MotionTask::MotionTask(gen::nn::UNetMotionModel m, LatentClips clips, gen::nn::ClipTextModel text,
                       gen::nn::ClipTokenizer tokenizer, int sd_version, int64_t batch, int64_t frames)
    : model(std::move(m)), clips_(std::move(clips)), text_(std::move(text)), tokenizer_(std::move(tokenizer)),
      sd_version_(sd_version), batch_(batch), frames_(frames) {
  if (frames_ > clips_.mean.size(2))
    throw gen::UsageError("option frames=" + std::to_string(frames_) + " exceeds the dataset's " +
                          std::to_string(clips_.mean.size(2)) + "-frame clips");
  // The image UNet stays frozen: only motion modules get gradients (and optimizer state).
  for (auto& p : model->named_parameters()) p.value().set_requires_grad(is_motion_parameter(p.key()));
  text_->eval();
  null_context_ = text_states("").unsqueeze(0);
}

void MotionTask::set_motion_text(gen::nn::ClipTextModel text, gen::nn::ClipTokenizer tokenizer, bool trainable) {
  const auto positions = text->config().max_position_embeddings;
  for (const auto& phrasings : clips_.captions)
    for (const auto& caption : phrasings)
      if (static_cast<int64_t>(tokenizer.encode(caption).size()) + 2 > positions)
        throw gen::UsageError("caption \"" + caption + "\" is longer than the motion text tower's " +
                              std::to_string(positions) + " positions");
  motion_text_ = std::move(text);
  motion_tokenizer_.emplace(std::move(tokenizer));
  motion_text_trainable_ = trainable;
  for (auto& p : motion_text_->parameters()) p.set_requires_grad(trainable);
  if (trainable)
    motion_text_->train();
  else
    motion_text_->eval();
}

void MotionTask::freeze_motion_modules() {
  if (!model->prompt_travel) throw gen::UsageError("option freeze_modules=true needs prompt_travel > 0 (nothing would train)");
  modules_frozen_ = true;
  for (auto& p : model->named_parameters())
    if (is_module_parameter(p.key())) p.value().set_requires_grad(false);
}

std::vector<std::pair<std::string, torch::Tensor>> MotionTask::parameters() {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : model->named_parameters())
    if (modules_frozen_ ? is_travel_parameter(p.key()) : is_motion_parameter(p.key()))
      out.emplace_back(p.key(), p.value());
  if (motion_text_trainable_)
    for (const auto& p : motion_text_->named_parameters()) out.emplace_back("motion_text." + p.key(), p.value());
  return out;
}

torch::Tensor MotionTask::motion_text_states(const std::string& caption) {
  // As gen video encodes the prompt; with gradients when the tower learns through the loss.
  if (motion_text_trainable_) return gen::nn::encode_prompts(motion_text_, *motion_tokenizer_, 1, caption, "", 0, false).cond;
  auto it = motion_cache_.find(caption);
  if (it != motion_cache_.end()) return it->second;
  torch::NoGradGuard no_grad;
  auto states = gen::nn::encode_prompts(motion_text_, *motion_tokenizer_, 1, caption, "", 0, false).cond;
  motion_cache_.emplace(caption, states);
  return states;
}

torch::Tensor MotionTask::text_states(const std::string& caption) {
  auto it = cache_.find(caption);
  if (it != cache_.end()) return it->second;
  torch::NoGradGuard no_grad;
  auto states = gen::nn::encode_prompts(text_, tokenizer_, sd_version_, caption, "", 0, false).cond[0];
  cache_.emplace(caption, states);
  return states;
}

gen::TrainingBatch MotionTask::next_batch(int64_t, at::Generator& generator) {
  const int64_t n = clips_.mean.size(0), length = clips_.mean.size(2);
  std::vector<torch::Tensor> x0, context, motion_context;
  for (int64_t b = 0; b < batch_; ++b) {
    const int64_t i = uniform(n, generator);
    const int64_t start = length > frames_ ? uniform(length - frames_ + 1, generator) : 0;
    auto mean = clips_.mean[i].narrow(1, start, frames_), std = clips_.std[i].narrow(1, start, frames_);
    x0.push_back(mean + std * torch::randn(mean.sizes(), generator, torch::kFloat32));
    const auto& phrasings = clips_.captions[static_cast<size_t>(i)];
    const auto& caption = phrasings[static_cast<size_t>(uniform(static_cast<int64_t>(phrasings.size()), generator))];
    context.push_back(text_states(caption));
    if (!motion_text_.is_empty()) motion_context.push_back(motion_text_states(caption));
  }
  gen::TrainingBatch batch;
  batch.x0 = torch::stack(x0);
  batch.cond.context = torch::stack(context);
  batch.null_cond.context = null_context_;
  if (!motion_text_.is_empty()) {
    batch.cond.extra["motion_context"] = torch::cat(motion_context, 0);
    batch.null_cond.extra["motion_context"] = motion_text_states("");
  }
  return batch;
}

torch::Tensor MotionTask::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  const auto motion = cond.extra.find("motion_context");
  return model->forward(x_t, t, cond.context, motion == cond.extra.end() ? torch::Tensor() : motion->second);
}

torch::Tensor MotionTask::auxiliary_loss(const gen::TrainingBatch& batch, const torch::Tensor& x0_estimate,
                                         const torch::Tensor&) {
  if (frame_change_weight_ <= 0) return {};
  return frame_change_weight_ * frame_change_loss(x0_estimate, batch.x0);
}

}  // namespace video_temporal
