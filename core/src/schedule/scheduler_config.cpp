// SchedulerConfig <-> diffusers scheduler_config.json.
#include <gen/schedule.h>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/json_file.h>

namespace gen {
namespace {

template <typename T>
void read(const nlohmann::json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw UsageError(std::string("scheduler config: '") + key + "' has the wrong type");
  }
}

}  // namespace

SchedulerConfig SchedulerConfig::stable_diffusion() {
  SchedulerConfig c;
  c.beta_schedule = "scaled_linear";
  c.beta_start = 0.00085;
  c.beta_end = 0.012;
  c.steps_offset = 1;
  c.set_alpha_to_one = false;
  return c;
}

SchedulerConfig SchedulerConfig::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw UsageError("scheduler config must be a JSON object");
  SchedulerConfig c;
  read(j, "num_train_timesteps", c.num_train_timesteps);
  read(j, "beta_start", c.beta_start);
  read(j, "beta_end", c.beta_end);
  read(j, "beta_schedule", c.beta_schedule);
  read(j, "trained_betas", c.trained_betas);
  read(j, "rescale_betas_zero_snr", c.rescale_betas_zero_snr);
  std::string prediction;
  read(j, "prediction_type", prediction);
  if (!prediction.empty()) c.prediction_type = parse_prediction_type(prediction);
  std::string spacing;
  read(j, "timestep_spacing", spacing);
  if (!spacing.empty()) c.timestep_spacing = spacing;
  read(j, "steps_offset", c.steps_offset);
  read(j, "set_alpha_to_one", c.set_alpha_to_one);
  read(j, "clip_sample", c.clip_sample);
  read(j, "clip_sample_range", c.clip_sample_range);
  read(j, "use_karras_sigmas", c.use_karras_sigmas);
  read(j, "use_exponential_sigmas", c.use_exponential_sigmas);
  read(j, "final_sigmas_type", c.final_sigmas_type);
  read(j, "solver_order", c.solver_order);
  read(j, "algorithm_type", c.algorithm_type);
  std::string solver_type;
  read(j, "solver_type", solver_type);
  if (!solver_type.empty()) c.solver_type = solver_type;
  read(j, "lower_order_final", c.lower_order_final);
  if (j.contains("lambda_min_clipped") && !j["lambda_min_clipped"].is_null())
    c.lambda_min_clipped = json_number(j["lambda_min_clipped"], "lambda_min_clipped");
  read(j, "shift", c.shift);
  read(j, "eta", c.eta);
  read(j, "original_inference_steps", c.original_inference_steps);
  read(j, "timestep_scaling", c.timestep_scaling);
  bool thresholding = false;
  read(j, "thresholding", thresholding);
  if (thresholding) throw UsageError("scheduler config: dynamic thresholding is not supported");
  if (c.num_train_timesteps < 2) throw UsageError("scheduler config: num_train_timesteps must be >= 2");
  if (c.final_sigmas_type != "zero" && c.final_sigmas_type != "sigma_min")
    throw UsageError("scheduler config: final_sigmas_type must be 'zero' or 'sigma_min'");
  return c;
}

void SchedulerConfig::apply_schedule_name(const std::string& name) {
  if (name.empty() || name == "default" || name == "discrete") return;
  if (name == "karras") {
    use_karras_sigmas = true;
  } else if (name == "exponential") {
    use_exponential_sigmas = true;
  } else if (name == "leading" || name == "trailing" || name == "linspace") {
    timestep_spacing = name;
  } else {
    throw UsageError("unknown scheduler '" + name +
                     "' (valid: default, karras, exponential, leading, trailing, linspace)");
  }
}

nlohmann::json SchedulerConfig::to_json() const {
  nlohmann::json j = {
      {"num_train_timesteps", num_train_timesteps}, {"beta_start", beta_start}, {"beta_end", beta_end},
      {"beta_schedule", beta_schedule}, {"rescale_betas_zero_snr", rescale_betas_zero_snr},
      {"prediction_type", prediction_type_name(prediction_type)}, {"steps_offset", steps_offset},
      {"set_alpha_to_one", set_alpha_to_one}, {"use_karras_sigmas", use_karras_sigmas},
      {"use_exponential_sigmas", use_exponential_sigmas}, {"final_sigmas_type", final_sigmas_type},
      {"solver_order", solver_order}, {"algorithm_type", algorithm_type}, {"shift", shift}, {"eta", eta}};
  if (timestep_spacing) j["timestep_spacing"] = *timestep_spacing;
  if (solver_type) j["solver_type"] = *solver_type;
  if (!trained_betas.empty()) j["trained_betas"] = trained_betas;
  return j;
}

}  // namespace gen
