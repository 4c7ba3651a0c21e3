#include <gen/sampling.h>

#include <chrono>

#include <gen/error.h>

namespace gen {
namespace {

class Stopwatch {
 public:
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

void report(const SamplingOptions& o, int64_t done, int64_t total, const Stopwatch& clock) {
  if (o.progress && o.progress({o.stage, done, total, clock.seconds(), ""}) == ProgressAction::stop)
    throw Cancelled();
}

// The model's timestep for call i, as a [B] tensor of the sampler's dtype.
torch::Tensor batch_timestep(const Sampler& sampler, int64_t i, int64_t batch) {
  return sampler.timesteps()[i].reshape({1}).expand({batch});
}

}  // namespace

void check_finite(const torch::Tensor& x, const std::string& what, int64_t call, int64_t total) {
  if (!torch::isfinite(x).all().item<bool>()) {
    throw NumericError("NaN or Inf in the " + what + " at step " + std::to_string(call + 1) + "/" +
                       std::to_string(total) + " (try another sampler, fewer steps or a lower cfg scale)");
  }
}

int64_t img2img_start(const Sampler& sampler, double strength) {
  if (!(strength > 0.0 && strength <= 1.0)) throw UsageError("strength must be in (0, 1]");
  const int n = sampler.num_inference_steps();
  const int init_steps = std::min(static_cast<int>(n * strength), n);
  const int skip = std::max(n - init_steps, 0);
  return std::min<int64_t>(static_cast<int64_t>(skip) * sampler.order(), sampler.num_model_calls());
}

torch::Tensor sample(Denoiser& model, const Conditioning& cond, Sampler& sampler, const torch::Tensor& noise,
                     NoiseSource& step_noise, const SamplingOptions& o) {
  const bool has_init = o.init.defined();
  if (has_init && o.init.sizes() != noise.sizes())
    throw UsageError("init latent shape does not match the noise shape");
  if (o.mask.defined() && !has_init) throw UsageError("a mask needs an init image");
  if (o.strength < 1.0 && !has_init) throw UsageError("strength < 1 needs an init image");
  check_finite(noise, "initial noise", -1, o.steps);
  if (has_init) check_finite(o.init, "init latent", -1, o.steps);

  sampler.set_timesteps(o.steps);
  const int64_t total = sampler.num_model_calls();
  const int64_t start = has_init ? img2img_start(sampler, o.strength) : 0;
  if (start >= total) throw UsageError("strength too low: no denoising step left at " + std::to_string(o.steps) + " steps");
  torch::Tensor mask = o.mask.defined() ? o.mask.to(noise.scalar_type()) : torch::Tensor();

  torch::Tensor x = (has_init && start > 0) ? sampler.add_noise(o.init, noise, start)
                                            : noise * sampler.init_noise_sigma();
  Stopwatch clock;
  const int64_t batch = x.size(0);
  for (int64_t i = start; i < total; ++i) {
    auto t = batch_timestep(sampler, i, batch);
    auto out = model.predict(sampler.scale_model_input(x, i), t, cond);
    check_finite(out, "model output", i, total);
    bool preview = o.on_preview && o.preview_every > 0 && ((i - start + 1) % o.preview_every == 0);
    if (preview) o.on_preview(i, sampler.predict_x0(out, i, x));
    x = sampler.step(out, i, x, step_noise);
    check_finite(x, "sample", i, total);
    if (mask.defined()) {
      // Keep the known region on the trajectory: the init noised to the next level.
      auto known = i + 1 < total ? sampler.add_noise(o.init, noise, i + 1) : o.init;
      x = mask * x + (1 - mask) * known;
    }
    report(o, i - start + 1, total - start, clock);
  }
  return x;
}

}  // namespace gen
