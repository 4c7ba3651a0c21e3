// Sliding context (AnimateDiff's "uniform" context scheduler, without its loop or
// stride variants): the motion modules were trained on clips of a fixed length and
// their positions end there, so a longer clip is denoised as overlapping windows whose
// predictions are blended frame by frame. Each step re-blends, so neighbouring windows
// agree on the shared frames and the clip stays one scene.
#include <algorithm>

#include <gen/error.h>

#include "video_temporal.h"

namespace video_temporal {

std::vector<ContextWindow> context_windows(int64_t frames, int64_t length, int64_t overlap) {
  if (frames <= 0 || length <= 0) throw gen::UsageError("context windows need frames and a window length");
  if (frames <= length) return {{0, frames}};
  if (overlap < 0 || overlap >= length)
    throw gen::UsageError("context overlap " + std::to_string(overlap) + " must be in [0, " + std::to_string(length) +
                          ")");
  std::vector<ContextWindow> out;
  const int64_t stride = length - overlap;
  for (int64_t start = 0; start + length < frames; start += stride) out.push_back({start, length});
  out.push_back({frames - length, length});
  return out;
}

torch::Tensor window_weights(int64_t length) {
  auto i = torch::arange(length, torch::kFloat32);
  return torch::minimum(i + 1, length - i);  // 1, 2, ..., 2, 1
}

}  // namespace video_temporal
