#include <gen/error.h>
#include <gen/train_parts.h>

#include <algorithm>
#include <cmath>

namespace gen {

torch::Tensor training_target(PredictionType type, const torch::Tensor& x0, const torch::Tensor& eps,
                              const torch::Tensor& a, const torch::Tensor& s) {
  switch (type) {
    case PredictionType::epsilon: return eps;
    case PredictionType::v_prediction: return a * eps - s * x0;
    case PredictionType::sample: return x0;
    case PredictionType::flow: return eps - x0;
  }
  throw UsageError("unknown prediction type");
}

torch::Tensor min_snr_weight(PredictionType type, const torch::Tensor& snr, double gamma) {
  if (gamma <= 0) return torch::ones_like(snr);
  auto clipped = snr.clamp_max(gamma);
  switch (type) {
    case PredictionType::epsilon: return clipped / snr;
    case PredictionType::v_prediction: return clipped / (snr + 1);
    case PredictionType::sample: return clipped;
    case PredictionType::flow: return clipped / snr;  // same as epsilon up to a constant factor
  }
  throw UsageError("unknown prediction type");
}

torch::Tensor timestep_bias_weights(int64_t count, const std::string& strategy, double multiplier, double portion) {
  if (strategy != "none" && strategy != "later" && strategy != "earlier")
    throw UsageError("timestep_bias must be none, later or earlier, not '" + strategy + "'");
  if (!(multiplier > 0 && multiplier <= 1000)) throw UsageError("timestep_bias_multiplier must be in (0, 1000]");
  if (!(portion > 0 && portion <= 1)) throw UsageError("timestep_bias_portion must be in (0, 1]");
  auto weights = torch::ones({count}, torch::kFloat64);
  if (strategy == "none") return weights;
  const auto biased = std::max<int64_t>(1, static_cast<int64_t>(std::lround(portion * static_cast<double>(count))));
  weights.narrow(0, strategy == "later" ? count - biased : 0, biased).mul_(multiplier);
  return weights;
}

}  // namespace gen
