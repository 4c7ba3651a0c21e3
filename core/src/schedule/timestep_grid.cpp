// Inference grids and sigma spacings, in float64 as diffusers computes them with numpy.
#include <gen/schedule.h>

#include <cmath>

#include <gen/error.h>

namespace gen {

// numpy.linspace: start + i*step, the last value set to stop exactly.
std::vector<double> linspace(double start, double stop, int num) {
  std::vector<double> y(std::max(num, 0));
  if (num == 1) y[0] = start;
  if (num < 2) return y;
  double step = (stop - start) / (num - 1);
  for (int i = 0; i < num; ++i) y[i] = i * step + start;
  y[num - 1] = stop;
  return y;
}

std::vector<double> timestep_grid(const std::string& spacing, int n_train, int n, int steps_offset,
                                  bool round_to_int) {
  if (n < 1) throw UsageError("the number of steps must be at least 1");
  if (n > n_train) {
    throw UsageError("cannot take " + std::to_string(n) + " steps on a schedule of " +
                     std::to_string(n_train) + " training timesteps");
  }
  std::vector<double> t;
  if (spacing == "linspace") {
    t = linspace(0, n_train - 1, n);
    if (round_to_int) for (double& v : t) v = std::nearbyint(v);  // numpy rounds half to even
    std::reverse(t.begin(), t.end());
  } else if (spacing == "leading") {
    int ratio = n_train / n;
    for (int i = n - 1; i >= 0; --i) t.push_back(static_cast<double>(i) * ratio + steps_offset);
  } else if (spacing == "trailing") {
    double ratio = static_cast<double>(n_train) / n;
    for (int i = 0; n_train - i * ratio > 0; ++i) t.push_back(std::nearbyint(n_train - i * ratio) - 1);
  } else {
    throw UsageError("unknown timestep_spacing '" + spacing + "' (valid: leading, trailing, linspace)");
  }
  return t;
}

// numpy.interp on the grid xp = 0..size-1: exact hits return the table value, and the
// slope form slope*(x - x_j) + y_j is kept for bit-identical results.
double interp_table(double x, const std::vector<float>& table) {
  const auto last = static_cast<double>(table.size() - 1);
  if (std::isnan(x)) return x;
  if (x <= 0) return table.front();
  if (x >= last) return table.back();
  auto j = static_cast<size_t>(std::floor(x));
  if (static_cast<double>(j) == x) return table[j];
  double slope = (static_cast<double>(table[j + 1]) - table[j]) / 1.0;
  return slope * (x - static_cast<double>(j)) + table[j];
}

std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int n, double rho) {
  auto ramp = linspace(0, 1, n);
  double min_inv_rho = std::pow(sigma_min, 1 / rho), max_inv_rho = std::pow(sigma_max, 1 / rho);
  std::vector<double> s(n);
  for (int i = 0; i < n; ++i) s[i] = std::pow(max_inv_rho + ramp[i] * (min_inv_rho - max_inv_rho), rho);
  return s;
}

std::vector<double> exponential_sigmas(double sigma_min, double sigma_max, int n) {
  auto logs = linspace(std::log(sigma_max), std::log(sigma_min), n);
  for (double& v : logs) v = std::exp(v);
  return logs;
}

double sigma_to_timestep(double sigma, const std::vector<float>& log_sigmas) {
  double log_sigma = std::log(std::max(sigma, 1e-10));
  // Index of the last table entry not above log_sigma (0 if none), kept below the end.
  size_t low = 0;
  for (size_t i = 0; i < log_sigmas.size(); ++i)
    if (log_sigma - log_sigmas[i] >= 0) low = i;
  low = std::min(low, log_sigmas.size() - 2);
  double lo = log_sigmas[low], hi = log_sigmas[low + 1];
  double w = std::clamp((lo - log_sigma) / (lo - hi), 0.0, 1.0);
  return (1 - w) * static_cast<double>(low) + w * static_cast<double>(low + 1);
}

}  // namespace gen
