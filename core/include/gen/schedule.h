// Noise schedules: the training-time tables (betas, alpha_bar, sigmas) and the
// inference grids (which timesteps a sampler visits). Every formula mirrors diffusers
// 0.29.2 down to the float32/float64 boundaries, because samplers are proven exact
// against its reference trajectories (../shared/golden/schedulers).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <gen/denoiser.h>
#include <gen/export.h>

namespace gen {

// The config of a sampler, field for field the keys of a diffusers scheduler_config.json.
// Optional fields take the default of the sampler they are used with (diffusers'
// classes disagree, e.g. DDIM spaces timesteps "leading", Euler "linspace").
struct GEN_API SchedulerConfig {
  int num_train_timesteps = 1000;
  double beta_start = 0.00085;
  double beta_end = 0.012;
  std::string beta_schedule = "scaled_linear";  // linear | scaled_linear | squaredcos_cap_v2
  std::vector<float> trained_betas;             // overrides beta_schedule when not empty
  bool rescale_betas_zero_snr = false;
  PredictionType prediction_type = PredictionType::epsilon;
  std::optional<std::string> timestep_spacing;  // leading | trailing | linspace
  int steps_offset = 0;
  bool set_alpha_to_one = true;
  bool clip_sample = false;
  double clip_sample_range = 1.0;
  bool use_karras_sigmas = false;
  bool use_exponential_sigmas = false;
  std::string final_sigmas_type = "zero";  // zero | sigma_min
  int solver_order = 2;
  // DPM-Solver's algorithm_type (dpmsolver++ | sde-dpmsolver++) and the solver_type of
  // DPM-Solver (midpoint) or UniPC (bh1 | bh2); unset solver_type takes the class default.
  // Kept here so a checkpoint's variant survives the trip through SchedulerConfig.
  std::string algorithm_type = "dpmsolver++";
  std::optional<std::string> solver_type;
  bool lower_order_final = true;
  double lambda_min_clipped = -INFINITY;
  double shift = 1.0;                 // flow matching time shift
  double eta = 0.0;                   // DDIM stochasticity (a step argument in diffusers)
  int original_inference_steps = 50;  // LCM
  double timestep_scaling = 10.0;     // LCM

  // Stable Diffusion 1.x/2.x training schedule (scaled_linear 0.00085..0.012, offset 1).
  static SchedulerConfig stable_diffusion();
  // Reads the keys of a diffusers scheduler_config.json; unknown keys are ignored,
  // keys whose values this runtime cannot honour raise UsageError.
  static SchedulerConfig from_json(const nlohmann::json& config);
  nlohmann::json to_json() const;
  // The CLI's --scheduler: "default"/"discrete" (as configured), "karras", "exponential",
  // or a timestep spacing "leading" | "trailing" | "linspace". Throws UsageError.
  void apply_schedule_name(const std::string& name);
  std::string spacing_or(const std::string& fallback) const {
    return timestep_spacing.value_or(fallback);
  }
};

// Training schedule tables, float32 like diffusers (torch float32 linspace/cumprod).
GEN_API std::vector<float> make_betas(const SchedulerConfig& config);
GEN_API std::vector<float> make_alphas_cumprod(const SchedulerConfig& config);
// sigma_t = sqrt((1 - alpha_bar_t) / alpha_bar_t), evaluated in float32.
GEN_API std::vector<float> sigmas_from_alphas_cumprod(const std::vector<float>& alphas_cumprod);

// Inference grids in float64 before the caller's cast, descending (first = noisiest).
// `leading`: arange(n)*(N//n) + offset; `trailing`: round(arange(N, 0, -N/n)) - 1;
// `linspace`: linspace(0, N-1, n). Integer samplers round (half to even, as numpy).
GEN_API std::vector<double> timestep_grid(const std::string& spacing, int num_train_timesteps,
                                          int num_inference_steps, int steps_offset, bool round_to_int);

// numpy.linspace and numpy.interp (with xp = 0, 1, ..., fp.size()-1), bit-exact.
GEN_API std::vector<double> linspace(double start, double stop, int num);
GEN_API double interp_table(double x, const std::vector<float>& table);

// Karras et al. (2022) rho=7 sigmas and exponentially spaced sigmas between sigma_max and
// sigma_min (float64, descending, n values).
GEN_API std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int n, double rho = 7.0);
GEN_API std::vector<double> exponential_sigmas(double sigma_min, double sigma_max, int n);
// The fractional training timestep of a sigma, by linear interpolation in log sigma
// (log_sigmas is the float32 log of the training sigma table).
GEN_API double sigma_to_timestep(double sigma, const std::vector<float>& log_sigmas);

}  // namespace gen
