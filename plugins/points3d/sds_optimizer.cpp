#include "sds_optimizer.h"

#include <chrono>
#include <cmath>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adam.h>

#include <gen/error.h>
#include <gen/guidance.h>
#include <gen/schedule.h>
#include <gen/shape3d/splat_renderer.h>

namespace points3d {
namespace {

constexpr double kBound = 0.6;  // points are kept inside this ball (the solids' scale)

void check(const gen::DiffusionPrior& prior, const SdsSettings& s) {
  if (!prior.encoder || !prior.codec || !prior.denoiser)
    throw gen::ModelError("--sds needs an image model with a text encoder, a codec and a denoiser; '" + prior.name +
                          "' lacks one");
  if (prior.native_data_shape.size() != 4 || prior.native_data_shape[1] != 3)
    throw gen::ModelError("--sds needs an image prior; '" + prior.name + "' makes data of another shape");
  if (s.points < 16 || s.points > 100000) throw gen::UsageError("--sds takes 16 to 100000 points");
  if (s.iterations < 1) throw gen::UsageError("--sds needs at least one step");
  if (!(s.t_min >= 0 && s.t_min < s.t_max && s.t_max <= 1)) throw gen::UsageError("-O sds_t_min < sds_t_max in [0, 1]");
  if (s.background != "learned" && s.background != "white" && s.background != "black" && s.background != "random")
    throw gen::UsageError("-O sds_background is learned, white, black or random, not '" + s.background + "'");
}

// The colour behind the splats in one view: the learned one, a fresh random one, or fixed.
torch::Tensor view_background(const SdsSettings& s, const torch::Tensor& learned_logits, at::Generator& generator) {
  if (s.background == "learned") return torch::sigmoid(learned_logits);
  if (s.background == "random") return torch::rand({3}, generator);
  return torch::full({3}, s.background == "white" ? 1.0f : 0.0f);
}

torch::Tensor cloud_of(const torch::Tensor& xyz, const torch::Tensor& colour_logits) {
  return torch::cat({xyz.detach(), torch::sigmoid(colour_logits.detach())}, 1).contiguous();
}

}  // namespace

SdsResult distil_cloud(gen::DiffusionPrior& prior, const std::string& prompt, const std::string& negative,
                       const SdsSettings& s, const gen::ProgressCallback& progress) {
  check(prior, s);
  auto generator = at::make_generator<at::CPUGeneratorImpl>(s.seed);
  const auto words = prior.encoder->encode(prompt, negative);
  gen::CfgOptions cfg_options;
  cfg_options.scale = s.cfg_scale;
  gen::ClassifierFreeGuidance critic(*prior.denoiser, words.uncond, cfg_options);
  const auto alphas = torch::tensor(gen::make_alphas_cumprod(prior.schedule));
  gen::SdsOptions sds;
  sds.t_min = s.t_min;
  sds.t_max = s.t_max;
  sds.weighting = s.weighting;

  // A grey ball of points to start from.
  auto direction = torch::randn({s.points, 3}, generator);
  direction = direction / direction.norm(2, 1, true).clamp_min(1e-6);
  auto xyz = (direction * 0.35 * torch::rand({s.points, 1}, generator).pow(1.0 / 3)).requires_grad_(true);
  auto colour_logits = torch::zeros({s.points, 3}).requires_grad_(true);
  auto background_logits = torch::zeros({3}).requires_grad_(true);  // grey to start
  torch::optim::Adam optimizer({torch::optim::OptimizerParamGroup({xyz}, std::make_unique<torch::optim::AdamOptions>(s.lr)),
                                torch::optim::OptimizerParamGroup({colour_logits, background_logits},
                                                                  std::make_unique<torch::optim::AdamOptions>(5 * s.lr))});
  gen::shape3d::SplatOptions splat;
  splat.width = splat.height = s.resolution > 0 ? s.resolution : static_cast<int>(prior.native_data_shape[2]);
  splat.radius = s.splat_radius;
  SdsResult out;
  out.resolution = splat.width;
  double late_loss = 0;
  int late_count = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < s.iterations; ++i) {
    gen::shape3d::OrbitCamera camera;
    camera.azimuth_deg = 360.0 * torch::rand({1}, generator).item<double>();
    camera.elevation_deg = -10 + 50 * torch::rand({1}, generator).item<double>();
    camera.distance = 2.0;
    optimizer.zero_grad();
    const auto rgba = gen::shape3d::splat_render_rgba(xyz, torch::sigmoid(colour_logits), camera, splat);
    const auto background = view_background(s, background_logits, generator).reshape({3, 1, 1});
    auto image = gen::shape3d::composite(rgba, background);
    auto latent = prior.codec->encode((image * 2 - 1).unsqueeze(0));
    auto step = gen::score_distillation(critic, latent, words.cond, alphas, sds, generator);
    auto outside = (xyz.norm(2, 1) - kBound).clamp_min(0).square().mean();
    (step.loss + 10 * outside).backward();
    optimizer.step();
    if (i >= s.iterations * 9 / 10) {
      late_loss += step.gradient.norm().item<double>();
      ++late_count;
    }
    if (progress) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (progress({"score distillation", i + 1, s.iterations, elapsed, ""}) == gen::ProgressAction::stop)
        throw gen::Cancelled();
      if (s.preview_every > 0 && (i + 1) % s.preview_every == 0 && i + 1 < s.iterations) {
        const auto cloud = cloud_of(xyz, colour_logits);
        gen::Progress preview{"preview", i + 1, s.iterations, elapsed, ""};
        preview.preview = &cloud;
        if (progress(preview) == gen::ProgressAction::stop) throw gen::Cancelled();
      }
    }
  }
  out.final_loss = late_count ? late_loss / late_count : 0;
  torch::NoGradGuard no_grad;
  out.points = cloud_of(xyz, colour_logits);
  if (s.background != "random") {
    const auto b = view_background(s, background_logits, generator);
    for (int k = 0; k < 3; ++k) out.background[static_cast<size_t>(k)] = b[k].item<double>();
  }
  if (!torch::isfinite(out.points).all().item<bool>())
    throw gen::NumericError("score distillation diverged (NaN); try a lower --cfg-scale or -O sds_lr");
  return out;
}

}  // namespace points3d
