#include <gen/denoiser.h>

#include <gen/error.h>

namespace gen {

PredictionType parse_prediction_type(const std::string& name) {
  if (name == "epsilon") return PredictionType::epsilon;
  if (name == "v_prediction" || name == "v") return PredictionType::v_prediction;
  if (name == "sample" || name == "x0") return PredictionType::sample;
  if (name == "flow" || name == "flow_prediction" || name == "velocity") return PredictionType::flow;
  throw UsageError("unknown prediction type '" + name + "' (valid: epsilon, v_prediction, sample, flow)");
}

const char* prediction_type_name(PredictionType type) {
  switch (type) {
    case PredictionType::epsilon: return "epsilon";
    case PredictionType::v_prediction: return "v_prediction";
    case PredictionType::sample: return "sample";
    case PredictionType::flow: return "flow";
  }
  return "?";
}

// x_t = a x0 + s eps; v = a eps - s x0 (with a^2 + s^2 = 1); flow velocity u = eps - x0
// for x_t = (1 - sigma) x0 + sigma eps (a = 1 - sigma, s = sigma).
torch::Tensor prediction_to_x0(PredictionType type, const torch::Tensor& p, const torch::Tensor& x_t,
                               const torch::Tensor& a, const torch::Tensor& s) {
  switch (type) {
    case PredictionType::epsilon: return (x_t - s * p) / a;
    case PredictionType::v_prediction: return a * x_t - s * p;
    case PredictionType::sample: return p;
    case PredictionType::flow: return x_t - s * p;
  }
  throw UsageError("unknown prediction type");
}

torch::Tensor prediction_to_epsilon(PredictionType type, const torch::Tensor& p, const torch::Tensor& x_t,
                                    const torch::Tensor& a, const torch::Tensor& s) {
  switch (type) {
    case PredictionType::epsilon: return p;
    case PredictionType::v_prediction: return s * x_t + a * p;
    case PredictionType::sample: return (x_t - a * p) / s;
    case PredictionType::flow: return x_t + a * p;
  }
  throw UsageError("unknown prediction type");
}

}  // namespace gen
