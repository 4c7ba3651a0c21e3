#include <cmath>

#include <gen/error.h>
#include <gen/train_parts.h>

namespace gen {

double learning_rate_at(int64_t step, int64_t total_steps, int64_t warmup_steps, double base_lr,
                        const std::string& schedule, double min_ratio) {
  if (warmup_steps > 0 && step < warmup_steps)
    return base_lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  if (schedule == "constant") return base_lr;
  if (schedule != "cosine") throw UsageError("unknown learning-rate schedule '" + schedule + "' (constant, cosine)");
  const double span = std::max<int64_t>(1, total_steps - warmup_steps);
  const double progress = std::min(1.0, static_cast<double>(step - warmup_steps) / span);
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * progress));
  return base_lr * (min_ratio + (1.0 - min_ratio) * cosine);
}

}  // namespace gen
