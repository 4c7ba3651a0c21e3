#include <gen/error.h>
#include <gen/train_parts.h>

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

}  // namespace gen
