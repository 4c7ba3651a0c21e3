#include "point_task.h"

#include <gen/error.h>
#include <gen/shape3d/shape_io.h>
#include <gen/solids/solid_dataset.h>

#include "../points3d.h"
#include "../slot_order.h"

namespace points3d {

std::vector<TrainingItem> training_items(const std::filesystem::path& dir, int64_t max_clouds) {
  const auto dataset = gen::solids::load_solid_dataset(dir);
  std::vector<TrainingItem> items;
  for (const auto& item : dataset.items)
    if (item.split == "train" && (max_clouds == 0 || static_cast<int64_t>(items.size()) < max_clouds))
      items.push_back({dataset.root / item.file, item.caption});
  if (items.empty()) throw gen::InputError(dir.string() + " holds no training clouds");
  return items;
}

TrainingClouds load_training_clouds(const std::filesystem::path& dir, const PointTransformerConfig& config,
                                    int64_t max_clouds, const gen::ProgressCallback& progress) {
  const auto items = training_items(dir, max_clouds);
  TrainingClouds out;
  std::vector<torch::Tensor> latents;
  int64_t first_size = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& path = items[i].file;
    const auto cloud = gen::shape3d::read_point_cloud(path);
    if (config.channels == 6 && !cloud.has_colors()) throw gen::InputError(path.string() + ": the cloud has no colours");
    if (i == 0) first_size = cloud.size();
    if (cloud.size() != first_size)
      throw gen::InputError(path.string() + ": " + std::to_string(cloud.size()) + " points, the others have " +
                            std::to_string(first_size));
    auto points = config.channels == 6 ? torch::cat({cloud.xyz, cloud.rgb}, 1) : cloud.xyz;
    if (config.slots > 0) points = points.index_select(0, order_into_slots(cloud.xyz, config.slots));
    latents.push_back(encode_points(points, config)[0]);
    out.captions.push_back(items[i].caption);
    if (progress && (i + 1) % 100 == 0) progress({"reading clouds", static_cast<int64_t>(i + 1), static_cast<int64_t>(items.size())});
  }
  out.latents = torch::stack(latents);
  return out;
}

PointTask::PointTask(PointTransformer network, gen::nn::ClipTextModel text, gen::nn::ClipTokenizer tokenizer,
                     TrainingClouds clouds, int64_t batch, int64_t points)
    : network_(std::move(network)),
      text_(std::move(text)),
      tokenizer_(std::move(tokenizer)),
      clouds_(std::move(clouds)),
      batch_(batch),
      points_(points) {
  if (network_->config().slots > 0) points_ = network_->config().slots;  // every slot, in order
  if (points_ > clouds_.latents.size(2))
    throw gen::UsageError("option points=" + std::to_string(points_) + " is more than the dataset's clouds have (" +
                          std::to_string(clouds_.latents.size(2)) + ")");
  ids_ = caption_ids(tokenizer_, text_, clouds_.captions);
  empty_ids_ = caption_ids(tokenizer_, text_, {""});
}

std::vector<std::pair<std::string, torch::Tensor>> PointTask::parameters() {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : network_->named_parameters()) out.emplace_back("transformer." + p.key(), p.value());
  for (const auto& p : text_->named_parameters()) out.emplace_back("text_encoder." + p.key(), p.value());
  return out;
}

gen::TrainingBatch PointTask::next_batch(int64_t, at::Generator& g) {
  const int64_t m = clouds_.latents.size(0), p = clouds_.latents.size(2);
  auto index = torch::randint(0, m, {batch_}, g, torch::kLong);
  // A fresh subset of each cloud's points: the first `points_` of a random order.
  auto clouds = clouds_.latents.index_select(0, index);
  gen::TrainingBatch batch;
  if (network_->config().slots > 0) {
    batch.x0 = clouds.contiguous();  // ordered: every slot, in its place
  } else {
    auto subset = torch::rand({batch_, p}, g).argsort(int64_t{1}).narrow(1, 0, points_);
    batch.x0 = clouds.gather(2, subset.unsqueeze(1).expand({-1, clouds.size(1), -1})).contiguous();
  }
  // With autograd on: the text tower learns through the diffusion loss.
  batch.cond.context = text_states(text_, ids_.index_select(0, index));
  batch.null_cond.context = text_states(text_, empty_ids_);
  return batch;
}

torch::Tensor PointTask::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  return network_->forward(x_t, t, cond.context);
}

}  // namespace points3d
