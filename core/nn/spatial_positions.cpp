#include <gen/nn/spatial_positions.h>

#include <cmath>
#include <vector>

namespace gen::nn {

torch::Tensor axis_fourier_features(int64_t n) {
  auto centres = (torch::arange(n, torch::kFloat32) + 0.5) / static_cast<double>(n);
  std::vector<torch::Tensor> parts;
  for (int64_t k = 0; k < kSpatialFrequencies; ++k) {
    auto phase = centres * (M_PI * std::pow(2.0, static_cast<double>(k)));
    parts.push_back(torch::sin(phase));
    parts.push_back(torch::cos(phase));
  }
  return torch::stack(parts, 1);
}

torch::Tensor spatial_fourier_features(int64_t height, int64_t width) {
  auto rows = axis_fourier_features(height).unsqueeze(1).expand({height, width, 2 * kSpatialFrequencies});
  auto cols = axis_fourier_features(width).unsqueeze(0).expand({height, width, 2 * kSpatialFrequencies});
  return torch::cat({rows, cols}, 2).reshape({height * width, kSpatialFeatures});
}

}  // namespace gen::nn
