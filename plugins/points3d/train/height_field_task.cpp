#include "height_field_task.h"

#include <gen/error.h>
#include <gen/shape3d/shape_io.h>
#include <gen/shape3d/surface.h>

#include "../points3d.h"
#include "point_task.h"

namespace points3d {

TrainingFields load_training_fields(const std::filesystem::path& dir, const HeightFieldConfig& config, int64_t max_clouds,
                                    const gen::ProgressCallback& progress) {
  const auto items = training_items(dir, max_clouds);
  TrainingFields out;
  std::vector<torch::Tensor> fields;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& path = items[i].file;
    auto cloud = gen::shape3d::read_point_cloud(path);
    if (!cloud.has_colors()) throw gen::InputError(path.string() + ": the cloud has no colours");
    if (!cloud.normals.defined()) cloud = gen::shape3d::estimate_normals(cloud);
    try {
      fields.push_back(encode_height_field(torch::cat({cloud.xyz, cloud.rgb, cloud.normals}, 1), config));
    } catch (const gen::InputError& e) {
      throw gen::InputError(path.string() + ": " + e.what());
    }
    out.captions.push_back(items[i].caption);
    if (progress && (i + 1) % 100 == 0) progress({"reading clouds", static_cast<int64_t>(i + 1), static_cast<int64_t>(items.size())});
  }
  out.fields = torch::stack(fields);
  return out;
}

HeightFieldTask::HeightFieldTask(gen::nn::UNet2DConditionModel unet, gen::nn::ClipTextModel text,
                                 gen::nn::ClipTokenizer tokenizer, TrainingFields fields, int64_t batch)
    : unet_(std::move(unet)), text_(std::move(text)), tokenizer_(std::move(tokenizer)), fields_(std::move(fields)), batch_(batch) {
  ids_ = caption_ids(tokenizer_, text_, fields_.captions);
  empty_ids_ = caption_ids(tokenizer_, text_, {""});
}

std::vector<std::pair<std::string, torch::Tensor>> HeightFieldTask::parameters() {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : unet_->named_parameters()) out.emplace_back("unet." + p.key(), p.value());
  for (const auto& p : text_->named_parameters()) out.emplace_back("text_encoder." + p.key(), p.value());
  return out;
}

gen::TrainingBatch HeightFieldTask::next_batch(int64_t, at::Generator& g) {
  const int64_t m = fields_.fields.size(0);
  const auto index = torch::randint(0, m, {batch_}, g, torch::kLong);
  const auto symmetry = torch::randint(0, 8, {batch_}, g, torch::kLong);
  std::vector<torch::Tensor> turned;
  for (int64_t b = 0; b < batch_; ++b) {
    auto f = fields_.fields[index[b].item<int64_t>()];
    const auto s = symmetry[b].item<int64_t>();
    if (s & 1) f = f.flip({1});
    if (s & 2) f = f.flip({2});
    if (s & 4) f = f.transpose(1, 2);
    turned.push_back(f);
  }
  gen::TrainingBatch batch;
  batch.x0 = torch::stack(turned).contiguous();
  // With autograd on: the text tower learns through the diffusion loss.
  batch.cond.context = text_states(text_, ids_.index_select(0, index));
  batch.null_cond.context = text_states(text_, empty_ids_);
  return batch;
}

torch::Tensor HeightFieldTask::predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) {
  return unet_->forward(x_t, t, cond.context);
}

}  // namespace points3d
