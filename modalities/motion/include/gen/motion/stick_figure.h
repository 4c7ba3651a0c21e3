// Stick-figure frames of a motion, for looking at one: an orthographic camera from the
// front, turned `azimuth` degrees towards the character's left (+x) and looking down
// `elevation` degrees, following the root in xz (so the floor grid slides past a walking
// figure); one scale for the whole clip, chosen so the figure fits in every frame. Left
// limbs are blue, right limbs red, the rest dark grey (sides from joint names: "left_",
// "l_", "Left", "lThigh"...); bones are drawn far to near as anti-aliased round-ended
// lines, the head as a disc. Under the figure: its shadow, the root's path on the floor
// (the part walked so far darker), and a thin time bar along the bottom edge.
#pragma once
#include <torch/types.h>

#include <gen/export.h>
#include <gen/motion/motion.h>

namespace gen::motion {

struct StickFigureOptions {
  int width = 320, height = 320;  // 16..4096 pixels
  double azimuth = 35;            // degrees around y from the front (+z) towards +x
  double elevation = 15;          // degrees above the horizon, -80..80
  double grid = 0.5;              // metres between floor lines; 0 hides the grid
  bool trajectory = true;
  bool shadow = true;
};

// uint8 [F, height, width, 3], one frame per motion frame. A gen::UsageError for bad
// options or when the frames would exceed 2 GiB.
GEN_API torch::Tensor render_stick_figure(const Motion& motion, const StickFigureOptions& options = {});

}  // namespace gen::motion
