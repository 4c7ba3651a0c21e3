// The sampling loop every plugin runs: seeded noise, txt2img / img2img / inpainting by
// latent blending, previews, progress with cancellation and an early, named error on
// NaN/Inf. Guidance is not the loop's business: wrap the Denoiser (gen/guidance.h).
#pragma once
#include <functional>

#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/export.h>
#include <gen/progress.h>
#include <gen/sampler.h>

namespace gen {

struct SamplingOptions {
  int steps = 25;
  // img2img: the clean starting point in diffusion space, and how much of the schedule
  // is re-run (1 = from pure noise, which ignores `init` except where `mask` keeps it).
  torch::Tensor init;
  double strength = 1.0;
  // Inpainting by latent blending: 1 where new content is generated, 0 where `init` is
  // kept (re-noised to each step's level); broadcastable to the latent.
  torch::Tensor mask;
  // Previews: every `preview_every` model calls the current x0 estimate is handed over.
  int preview_every = 0;
  std::function<void(int64_t call, const torch::Tensor& x0)> on_preview;
  ProgressCallback progress;
  std::string stage = "sampling";
};

// Runs `sampler` over `model` from `noise` (standard normal, the latent's shape).
// `step_noise` feeds stochastic samplers and the re-noising of kept regions.
GEN_API torch::Tensor sample(Denoiser& model, const Conditioning& cond, Sampler& sampler,
                             const torch::Tensor& noise, NoiseSource& step_noise,
                             const SamplingOptions& options);

// The first model call an img2img run of `strength` starts at (diffusers' rule:
// skip steps - floor(steps * strength) whole inference steps).
GEN_API int64_t img2img_start(const Sampler& sampler, double strength);

// DDIM inversion (Song et al. 2021; diffusers' DDIMInverseScheduler): runs the
// deterministic DDIM ODE backwards from a clean x0 to the x_T that regenerates it with
// make_sampler("ddim", config) at the same number of steps and eta = 0.
GEN_API torch::Tensor ddim_invert(Denoiser& model, const Conditioning& cond, const torch::Tensor& x0,
                                  const SchedulerConfig& config, int steps, const ProgressCallback& progress = {});

// Throws NumericError naming `what` and the step when x holds a NaN or Inf.
GEN_API void check_finite(const torch::Tensor& x, const std::string& what, int64_t call, int64_t total);

}  // namespace gen
