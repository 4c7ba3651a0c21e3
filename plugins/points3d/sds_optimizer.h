// Score distillation (DreamFusion; threestudio's defaults): a cloud of splats is rendered
// from a random view, the render goes through the image model's codec, and the frozen
// image denoiser's CFG'd noise error w(t) (eps_pred - eps) is pushed back through the
// codec and the differentiable renderer into every point's position and colour.
#pragma once
#include <array>
#include <string>

#include <gen/parts.h>
#include <gen/progress.h>

namespace points3d {

struct SdsSettings {
  int64_t points = 2048;
  int iterations = 400;
  double cfg_scale = 100;     // threestudio's default for SD
  double lr = 0.01;           // Adam, positions; colours (as logits) learn 5x faster
  double t_min = 0.02, t_max = 0.98;
  std::string weighting = "sds";  // w(t) = 1 - alpha_bar
  double splat_radius = 0.035;  // 0.02 left gaps the image analyser misread (docs/3d.md)
  int resolution = 0;         // render side; 0 = the prior's native size
  // Behind the splats. "learned": one colour optimised with the cloud (so a prompt's
  // backdrop — "on a blue background" — need not be painted with points); "random": a
  // new colour per view (DreamFusion's cue that the object is what stays the same).
  std::string background = "learned";
  int preview_every = 0;      // hand the cloud so far to progress every k iterations
  uint64_t seed = 0;
};

struct SdsResult {
  torch::Tensor points;       // [N, 6]: xyz, rgb in [0, 1]
  double final_loss = 0;      // mean SDS gradient norm over the last 10% of iterations
  int resolution = 0;
  std::array<double, 3> background{1, 1, 1};  // the colour behind the splats at the end (RGB in [0, 1])
};

// gen::UsageError for settings out of range; gen::ModelError for a prior without an
// encoder, codec or denoiser. The progress callback may stop it (gen::Cancelled).
SdsResult distil_cloud(gen::DiffusionPrior& prior, const std::string& prompt, const std::string& negative,
                       const SdsSettings& settings, const gen::ProgressCallback& progress);

}  // namespace points3d
