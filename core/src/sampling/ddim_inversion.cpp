// DDIM inversion: x_{t_next} = sqrt(abar_next) x0(x_t) + sqrt(1 - abar_next) eps(x_t),
// walking the DDIM grid upwards, with the network asked at the level it steps to (the
// usual approximation eps(x_t, t_next), as diffusers' DDIMInverseScheduler).
#include <gen/sampling.h>

#include <gen/error.h>

namespace gen {

torch::Tensor ddim_invert(Denoiser& model, const Conditioning& cond, const torch::Tensor& x0,
                          const SchedulerConfig& config, int steps, const ProgressCallback& progress) {
  auto ddim = make_sampler("ddim", config);
  ddim->set_timesteps(steps);
  const auto& abar = ddim->alphas_cumprod();
  const float final_abar = config.set_alpha_to_one ? 1.0f : abar.front();
  const int64_t n = ddim->num_model_calls();
  const int ratio = config.num_train_timesteps / steps;
  auto x = x0.clone();
  for (int64_t k = n - 1, done = 0; k >= 0; --k, ++done) {
    int64_t t = ddim->timesteps()[k].item<int64_t>();
    int64_t below = t - ratio;
    float a_from = below >= 0 ? abar.at(below) : final_abar;
    float a_to = abar.at(t);
    auto tt = ddim->timesteps()[k].reshape({1}).expand({x.size(0)});
    auto out = model.predict(x, tt, cond);
    check_finite(out, "model output during inversion", done, n);
    // The prediction is read at the level x is at, then x moves to the level of t.
    auto s_from = torch::scalar_tensor(std::sqrt(1.0f - a_from)), r_from = torch::scalar_tensor(std::sqrt(a_from));
    auto s_to = torch::scalar_tensor(std::sqrt(1.0f - a_to)), r_to = torch::scalar_tensor(std::sqrt(a_to));
    auto eps = prediction_to_epsilon(model.prediction_type(), out, x, r_from, s_from);
    auto pred_x0 = prediction_to_x0(model.prediction_type(), out, x, r_from, s_from);
    x = r_to * pred_x0 + s_to * eps;
    check_finite(x, "inverted latent", done, n);
    if (progress && progress({"inverting", done + 1, n, 0.0, ""}) == ProgressAction::stop) throw Cancelled();
  }
  return x;
}

}  // namespace gen
