#include "point_generator.h"

#include <cmath>
#include <optional>

#include <gen/error.h>
#include <gen/guidance.h>
#include <gen/sampler.h>
#include <gen/sampling.h>

namespace points3d {

PointModel& PointGenerator::model() {
  if (!model_) model_ = std::make_unique<PointModel>(load_point_model(model_name_));
  return *model_;
}

gen::DiffusionPrior& PointGenerator::prior(const std::string& spec) {
  const auto wanted = spec.empty() ? std::string("image_ldm") : spec;
  if (!prior_ || wanted != prior_spec_) {
    prior_.reset();
    prior_ = parts_->prior(wanted);
    prior_spec_ = wanted;
  }
  return *prior_;
}

gen::Sample PointGenerator::generate(const gen::Request& r, const gen::ProgressCallback& progress) {
  check_request(r);
  auto sample = r.shape3d.sds ? distil(r, progress) : sample_cloud(r, progress);
  if (!r.shape3d.render.empty()) sample.metadata["views"] = r.shape3d.views;
  if (!r.shape3d.mesh.empty()) sample.extras[r.shape3d.mesh] = sample.data;
  if (!r.shape3d.render.empty()) sample.extras[r.shape3d.render] = sample.data;
  return sample;
}

gen::Sample PointGenerator::distil(const gen::Request& r, const gen::ProgressCallback& progress) {
  const auto settings = sds_settings(r);
  auto& image_prior = prior(r.shape3d.prior);
  const auto result = distil_cloud(image_prior, r.prompt, r.negative_prompt, settings, progress);
  gen::Sample sample;
  sample.data = result.points;
  auto& j = sample.metadata;
  j["method"] = "score distillation";
  j["prior"] = image_prior.name;
  j["points"] = settings.points;
  j["steps"] = settings.iterations;
  j["cfg_scale"] = settings.cfg_scale;
  j["sds"] = {{"lr", settings.lr}, {"t_min", settings.t_min}, {"t_max", settings.t_max}, {"weighting", settings.weighting},
              {"splat_radius", settings.splat_radius}, {"resolution", result.resolution},
              {"background", settings.background}, {"final_gradient_norm", result.final_loss}};
  // The colour the splats were seen against at the end: renders that match what the
  // critic saw (gen eval 3d --sds) put it behind them.
  if (settings.background != "random") j["sds"]["background_rgb"] = result.background;
  sample.text["parameters"] = r.prompt + "\nSDS steps: " + std::to_string(settings.iterations) + ", Prior: " +
                              image_prior.name + ", CFG scale: " + std::to_string(settings.cfg_scale) +
                              ", Seed: " + std::to_string(r.seed) + ", Points: " + std::to_string(settings.points);
  return sample;
}

gen::Sample PointGenerator::sample_cloud(const gen::Request& r, const gen::ProgressCallback& progress) {
  auto& m = model();
  const int64_t points = r.shape3d.points > 0 ? r.shape3d.points : m.defaults.points;
  if (points < 16) throw gen::UsageError("--points must be at least 16 (Poisson and the judges need a surface), got " +
                                         std::to_string(points));
  const int64_t slots = m.network ? m.network->config().slots : 0;
  if (slots > 0 && points != slots)
    throw gen::UsageError("this model makes exactly " + std::to_string(slots) + " points (its points are ordered slots); got --points " +
                          std::to_string(points));
  const int steps = r.steps > 0 ? r.steps : m.defaults.steps;
  const double cfg_scale = r.cfg_scale >= 0 ? r.cfg_scale : m.defaults.cfg_scale;
  auto schedule = m.schedule;
  if (!r.scheduler.empty()) schedule.apply_schedule_name(r.scheduler);
  auto sampler = gen::make_sampler(r.sampler.empty() ? m.defaults.sampler : r.sampler, schedule);
  if (sampler->prediction_type() == gen::PredictionType::flow)
    throw gen::UsageError("sampler '" + std::string(sampler->name()) + "' is for flow-matching models; points3d is a VP model");

  torch::NoGradGuard no_grad;
  gen::Conditioning cond, uncond;
  cond.context = text_states(m.text_encoder, caption_ids(*m.tokenizer, m.text_encoder, {r.prompt}));
  uncond.context = text_states(m.text_encoder, caption_ids(*m.tokenizer, m.text_encoder, {r.negative_prompt}));
  PointDenoiser network(m, schedule.prediction_type);
  std::optional<gen::ClassifierFreeGuidance> cfg;
  const auto guidance = cfg_options(r, m.defaults, cfg_scale, schedule.num_train_timesteps);
  if (cfg_scale != 1.0) cfg.emplace(network, uncond, guidance);
  gen::Denoiser& denoiser = cfg ? static_cast<gen::Denoiser&>(*cfg) : network;
  gen::SamplingOptions so;
  so.steps = steps;
  so.progress = progress;
  if (r.batch_count > 1)
    so.stage = "sampling (shape " + std::to_string(r.batch_index + 1) + " of " + std::to_string(r.batch_count) + ")";
  // A height field's surface points are drawn with a generator of their own, seeded
  // afresh for every decode: previews do not change the result.
  const auto decode = [&m, points, seed = static_cast<uint64_t>(r.seed)](const torch::Tensor& latent) {
    if (!m.height_field) return decode_points(latent, m.network->config());
    auto generator = at::detail::createCPUGenerator(seed);
    return decode_height_field(latent, *m.height_field, points, generator);
  };
  if (r.shape3d.preview_every > 0 && progress) {
    so.preview_every = r.shape3d.preview_every;
    so.on_preview = [progress, &decode](int64_t, const torch::Tensor& x0) {
      const auto cloud = decode(x0[0]);
      gen::Progress report;
      report.stage = "preview";
      report.preview = &cloud;
      if (progress(report) == gen::ProgressAction::stop) throw gen::Cancelled();
    };
  }
  gen::GeneratorNoise noise(static_cast<uint64_t>(r.seed));
  const auto shape = m.height_field ? std::vector<int64_t>{1, HeightFieldConfig::kChannels, m.height_field->grid, m.height_field->grid}
                                    : std::vector<int64_t>{1, m.network->config().channels, points};
  auto initial = noise.next(torch::empty(shape));
  auto latent = gen::sample(denoiser, cond, *sampler, initial, noise, so);
  if (!torch::isfinite(latent).all().item<bool>())
    throw gen::NumericError("the cloud came out NaN or Inf (try another seed or sampler, or more steps)");

  gen::Sample sample;
  sample.data = decode(latent[0]);
  auto& j = sample.metadata;
  j["model"] = m.name;
  j["points"] = points;
  j["steps"] = steps;
  j["sampler"] = sampler->name();
  j["scheduler"] = r.scheduler;
  j["cfg_scale"] = cfg_scale;
  j["guidance_rescale"] = guidance.rescale;
  j["guidance_interval"] = {std::isfinite(guidance.t_min) ? guidance.t_min : 0.0,
                            std::isfinite(guidance.t_max) ? guidance.t_max : schedule.num_train_timesteps - 1.0};
  j["method"] = m.height_field ? "height-field diffusion" : "point diffusion";
  j["prediction_type"] = gen::prediction_type_name(schedule.prediction_type);
  sample.text["parameters"] = r.prompt + "\nSteps: " + std::to_string(steps) + ", Sampler: " + sampler->name() +
                              ", CFG scale: " + std::to_string(cfg_scale) + ", Seed: " + std::to_string(r.seed) +
                              ", Points: " + std::to_string(points) + ", Model: " + m.name;
  return sample;
}

}  // namespace points3d
