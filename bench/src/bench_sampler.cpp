// The sampler benchmark: what every sampler costs per model call besides the network, at
// SD-sized latents, as a share of one UNet step. The network is a stand-in that returns
// a fixed prediction, so everything timed is sampler, loop and guidance arithmetic.
#include <c10/core/InferenceMode.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <gen/error.h>
#include <gen/guidance.h>
#include <gen/runtime.h>
#include <gen/sampler.h>
#include <gen/sampling.h>

#include "bench_common.h"

namespace gen::bench {

namespace {

// Returns the same prediction on every call (one per batch size, made on first use).
class FixedDenoiser : public Denoiser {
 public:
  explicit FixedDenoiser(PredictionType type) : type_(type) {}
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor&, const Conditioning&) override {
    if (!out_.defined() || out_.sizes() != x_t.sizes()) out_ = torch::randn(x_t.sizes()) * 0.5;
    return out_;
  }
  PredictionType prediction_type() const override { return type_; }

 private:
  PredictionType type_;
  torch::Tensor out_;
};

struct SamplerTimes {
  double step_us = 0;  // set_timesteps, scale_model_input, step
  double loop_us = 0;  // gen::sample: the above plus NaN checks and timestep batching
  int64_t calls = 0;
};

SamplerTimes time_sampler(Sampler& s, const torch::Tensor& x0, int steps, int repeats) {
  FixedDenoiser net(s.prediction_type());
  GeneratorNoise noise(0);
  s.set_timesteps(steps);
  SamplerTimes r;
  r.calls = s.num_model_calls();
  const auto out = net.predict(x0, {}, {});
  auto bare = [&] {
    s.set_timesteps(steps);
    auto x = x0 * s.init_noise_sigma();
    for (int64_t i = 0; i < s.num_model_calls(); ++i) {
      (void)s.scale_model_input(x, i);  // what the network would be fed
      x = s.step(out, i, x, noise);
    }
  };
  SamplingOptions o;
  o.steps = steps;
  auto loop = [&] { sample(net, {}, s, x0, noise, o); };
  bare();  // warm-up
  r.step_us = time_runs(repeats, bare).best_ms * 1e3 / static_cast<double>(r.calls);
  r.loop_us = time_runs(repeats, loop).best_ms * 1e3 / static_cast<double>(r.calls);
  return r;
}

// Classifier-free guidance around the stand-in: batch doubling, context stacking and
// the combination, per model call, for `latents` (the network then sees 2x the batch).
double time_cfg_us(const torch::Tensor& latents, int repeats) {
  FixedDenoiser net(PredictionType::epsilon);
  Conditioning cond, uncond;
  cond.context = torch::randn({latents.size(0), 77, 768});
  uncond.context = torch::randn({latents.size(0), 77, 768});
  ClassifierFreeGuidance cfg(net, uncond, CfgOptions{});
  auto t = torch::full({latents.size(0)}, 999.0);
  cfg.predict(latents, t, cond);  // warm-up
  return time_runs(repeats * 10, [&] { cfg.predict(latents, t, cond); }).best_ms * 1e3;
}

}  // namespace

void run_sampler(const BenchSettings& a, const BenchOutput& out) {
  const int size = a.size > 0 ? a.size : 512;
  if (size % 8 != 0) throw UsageError("--size " + std::to_string(size) + " is not a multiple of 8");
  const int batch = a.batch > 0 ? a.batch : 2, latent = size / 8;
  const int repeats = a.repeats > 0 ? a.repeats : 5;
  double unet_ms = a.unet_ms;
  if (unet_ms <= 0) {
    spdlog::info("timing one UNet step (--arch {}) to compare with; --unet-ms skips this", a.arch);
    unet_ms = measure_unet_step_ms(a);
  }
  c10::InferenceMode inference;
  torch::manual_seed(0);
  auto x0 = torch::randn({batch, 4, latent, latent});
  const int steps = a.steps > 0 ? a.steps : 30;
  const std::string shape = fmt("latent=%dx4x%dx%d", batch, latent, latent);
  for (const auto& name : sampler_names()) {
    std::unique_ptr<Sampler> s;
    SamplerTimes r;
    try {
      s = make_sampler(name, SchedulerConfig::stable_diffusion());
      r = time_sampler(*s, x0, steps, repeats);
    } catch (const Error& e) {  // a sampler that cannot run the SD schedule is reported, not fatal
      report_result(out, "sampler", "name=" + name + " skipped: " + e.what());
      continue;
    }
    report_result(out, "sampler",
                  fmt("name=%s %s steps=%d calls=%d threads=%d step=%.1fus loop=%.1fus unet=%.0fms overhead=%.4f%%",
                      name.c_str(), shape.c_str(), steps, static_cast<int>(r.calls), num_threads(), r.step_us,
                      r.loop_us, unet_ms, 100.0 * r.loop_us / 1e3 / unet_ms));
  }
  const double cfg_us = time_cfg_us(x0, repeats);
  report_result(out, "sampler", fmt("name=cfg_combine %s threads=%d call=%.1fus unet=%.0fms overhead=%.4f%%",
                                    shape.c_str(), num_threads(), cfg_us, unet_ms, 100.0 * cfg_us / 1e3 / unet_ms));
}

}  // namespace gen::bench
