#include <cmath>

#include "template.h"

namespace gen_template {

gen::GaussianMixture mixture_from_spec(const MixtureSpec& spec) {
  const int k = spec.components;
  auto means = torch::empty({k, 2}, torch::kFloat64);
  if (spec.layout == "ring") {
    for (int i = 0; i < k; ++i) {
      const double a = 2.0 * M_PI * i / k;
      means[i][0] = 0.8 * std::cos(a);
      means[i][1] = 0.8 * std::sin(a);
    }
  } else {  // grid: the smallest square holding k points, filled row by row
    const int side = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(k))));
    for (int i = 0; i < k; ++i) {
      const double step = side > 1 ? 1.6 / (side - 1) : 0.0;
      means[i][0] = side > 1 ? -0.8 + step * (i % side) : 0.0;
      means[i][1] = side > 1 ? 0.8 - step * (i / side) : 0.0;
    }
  }
  gen::GaussianMixture mixture;
  mixture.means = means;
  mixture.variance = spec.spread * spec.spread;
  mixture.weights = torch::full({1, k}, 1.0 / k, torch::kFloat64);
  return mixture;
}

}  // namespace gen_template
