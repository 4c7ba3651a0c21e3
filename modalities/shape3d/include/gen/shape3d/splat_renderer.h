// A differentiable point renderer: every point an isotropic Gaussian splat, the splats
// alpha-composited front to back at every pixel (3D Gaussian splatting's compositing,
// with round splats), so the image's gradient reaches every point's position and colour.
// Score distillation (`gen 3d --sds`) optimises clouds through it. Dense over pixels x
// points: meant for the small images an SDS critic sees (64-128 px, a few thousand points).
#pragma once
#include <torch/types.h>

#include <gen/export.h>

namespace gen::shape3d {

// A camera on a sphere around `target`, looking at it, y up; azimuth 0 looks from +z.
struct OrbitCamera {
  double azimuth_deg = 0;
  double elevation_deg = 15;
  double distance = 2.5;
  double fov_deg = 40;   // vertical
  double target[3] = {0, 0, 0};
};

struct SplatOptions {
  int width = 64, height = 64;
  double radius = 0.02;      // each splat's standard deviation, in world units
  double opacity = 0.95;     // a splat's alpha at its centre
  double background[3] = {1, 1, 1};
};

// xyz [N, 3], rgb [N, 3] in [0, 1] -> image [3, H, W] in [0, 1], differentiable in both.
// gen::UsageError for bad options or shapes.
GEN_API torch::Tensor splat_render(const torch::Tensor& xyz, const torch::Tensor& rgb, const OrbitCamera& camera,
                                   const SplatOptions& options = {});

// The same before the background: [4, H, W], the splats' colour over black and their
// coverage (1 - what shows through), so a caller can put any background — a learned
// one, differentiably — behind them: image = rgb + (1 - coverage) * background.
GEN_API torch::Tensor splat_render_rgba(const torch::Tensor& xyz, const torch::Tensor& rgb, const OrbitCamera& camera,
                                        const SplatOptions& options = {});

// rgba [4, H, W] from splat_render_rgba over `background` [3, 1, 1] or [3, H, W]:
// rgb + (1 - coverage) * background, differentiable in both.
GEN_API torch::Tensor composite(const torch::Tensor& rgba, const torch::Tensor& background);

}  // namespace gen::shape3d
