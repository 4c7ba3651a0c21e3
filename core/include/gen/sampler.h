// Samplers: one small class each (src/samplers/), all driven through this interface,
// in the diffusers style — set_timesteps(n), then for i in 0..num_model_calls():
//   x_in = scale_model_input(x, i); out = model(x_in, timesteps()[i]); x = step(out, i, x, noise)
// starting from x = noise * init_noise_sigma(). Steps are addressed by index, never by
// timestep value, so repeated timesteps (Heun, PNDM) need no lookup.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/export.h>
#include <gen/schedule.h>

namespace gen {

// Where stochastic samplers get their fresh noise; tests inject recorded noise.
class GEN_API NoiseSource {
 public:
  virtual ~NoiseSource() = default;
  virtual torch::Tensor next(const torch::Tensor& like) = 0;  // standard normal, shape of `like`
};

// Noise from a seeded torch::Generator (CPU), so a seed reproduces a run.
class GEN_API GeneratorNoise : public NoiseSource {
 public:
  explicit GeneratorNoise(uint64_t seed);
  torch::Tensor next(const torch::Tensor& like) override;
  torch::Generator& generator() { return generator_; }

 private:
  torch::Generator generator_;
};

class GEN_API Sampler {
 public:
  explicit Sampler(SchedulerConfig config) : config_(std::move(config)) {}
  virtual ~Sampler() = default;

  // Builds the grid for n inference steps and clears any multistep history.
  virtual void set_timesteps(int num_inference_steps) = 0;
  virtual const char* name() const = 0;

  // Timesteps the network is called with, one per model call (int64, float32 or float64
  // as the diffusers class holds them), and the sigma grid where the sampler has one.
  const torch::Tensor& timesteps() const { return timesteps_; }
  const torch::Tensor& sigmas() const { return sigmas_; }
  int64_t num_model_calls() const { return timesteps_.defined() ? timesteps_.size(0) : 0; }
  double init_noise_sigma() const { return init_noise_sigma_; }
  int num_inference_steps() const { return num_inference_steps_; }
  // Model calls per inference step (2 for Heun): img2img skips whole steps.
  virtual int order() const { return 1; }
  // True when step() draws from the NoiseSource.
  virtual bool stochastic() const { return false; }

  virtual torch::Tensor scale_model_input(const torch::Tensor& x, int64_t i) const { return x; }
  virtual torch::Tensor step(const torch::Tensor& model_output, int64_t i, const torch::Tensor& x,
                             NoiseSource& noise) = 0;
  // The forward process: clean x0 noised to the level of model call i (img2img, inpainting).
  virtual torch::Tensor add_noise(const torch::Tensor& x0, const torch::Tensor& noise, int64_t i) const;
  // x_t -> x0 estimate for previews and inpainting blends, from a model output at call i.
  virtual torch::Tensor predict_x0(const torch::Tensor& model_output, int64_t i, const torch::Tensor& x) const;

  const SchedulerConfig& config() const { return config_; }
  PredictionType prediction_type() const { return config_.prediction_type; }
  // alpha_bar table of the training schedule (empty for flow matching).
  const std::vector<float>& alphas_cumprod() const { return alphas_cumprod_; }

 protected:
  void check_index(int64_t i) const;
  // The noise level of call i as (a, s) with x_t = a x0 + s eps.
  virtual std::pair<float, float> signal_noise(int64_t i) const;

  SchedulerConfig config_;
  std::vector<float> alphas_cumprod_;
  torch::Tensor timesteps_;
  torch::Tensor sigmas_;
  double init_noise_sigma_ = 1.0;
  int num_inference_steps_ = 0;
};

// Creates a sampler by any of its names: diffusers' (`EulerDiscreteScheduler`,
// `dpmsolver++`), k-diffusion's/A1111's ("euler_a", "DPM++ 2M Karras") or ours.
// A name may select a sigma spacing too ("... Karras"). Throws UsageError listing the
// valid names.
GEN_API std::unique_ptr<Sampler> make_sampler(const std::string& name, SchedulerConfig config);
// From a diffusers scheduler_config.json (its "_class_name" picks the sampler).
GEN_API std::unique_ptr<Sampler> make_sampler_from_diffusers(const nlohmann::json& scheduler_config);
// Canonical sampler names (aliases such as "DPM++ 2M Karras" are listed in error messages).
GEN_API std::vector<std::string> sampler_names();

}  // namespace gen
