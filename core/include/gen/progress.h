// Progress reporting with cancellation: long work calls the callback after each unit
// of work; returning ProgressAction::stop makes the work throw gen::Cancelled.
#pragma once
#include <functional>
#include <string>

namespace at {
class Tensor;
}

namespace gen {

struct Progress {
  std::string stage;      // e.g. "sampling", "decoding", "training"
  int64_t step = 0;       // completed units, 1-based after the first unit
  int64_t total = 0;      // 0 when unknown
  double elapsed_s = 0.0; // since the stage began
  std::string message;    // optional extra (loss, current file, ...)
  // A cheap look at the work so far, in the modality's data layout (gen/sample.h),
  // valid during the call; the host writes it beside the output. Null when none.
  const at::Tensor* preview = nullptr;
};

enum class ProgressAction { proceed, stop };

using ProgressCallback = std::function<ProgressAction(const Progress&)>;

}  // namespace gen
