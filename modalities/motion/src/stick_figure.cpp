#include <gen/motion/stick_figure.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <gen/error.h>

#include "canvas.h"

namespace gen::motion {
namespace {

using detail::Canvas;
using detail::Rgb;

const Rgb kBackground{246, 246, 243}, kGrid{212, 212, 206}, kPathAhead{200, 200, 196}, kPathWalked{140, 140, 136};
const Rgb kShadow{120, 120, 118}, kLeft{33, 102, 172}, kRight{214, 64, 52}, kCentre{60, 60, 64};
constexpr double kHeadRadius = 0.09;  // metres
constexpr int64_t kMaxBytes = int64_t{2} << 30;

enum class Side { left, right, centre };

Side side_of(const std::string& name) {
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  const auto starts = [&](const char* p) { return lower.rfind(p, 0) == 0; };
  const bool camel_l = name.size() > 1 && name[0] == 'l' && std::isupper(static_cast<unsigned char>(name[1]));
  const bool camel_r = name.size() > 1 && name[0] == 'r' && std::isupper(static_cast<unsigned char>(name[1]));
  if (lower.find("left") != std::string::npos || starts("l_") || camel_l) return Side::left;
  if (lower.find("right") != std::string::npos || starts("r_") || camel_r) return Side::right;
  return Side::centre;
}

Rgb color_of(Side s) { return s == Side::left ? kLeft : s == Side::right ? kRight : kCentre; }

struct Vec3 {
  double x = 0, y = 0, z = 0;
};
Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
double dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Vec3 cross(Vec3 a, Vec3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
Vec3 unit(Vec3 a) {
  const double n = std::sqrt(dot(a, a));
  return {a.x / n, a.y / n, a.z / n};
}

// The orthographic camera: screen axes and the viewing direction (away from the camera).
struct Camera {
  Vec3 right, up, view;
  double pixels_per_metre = 1, cx = 0, cy = 0;
  struct Point {
    double x, y, depth;
  };
  Point project(Vec3 p, Vec3 centre) const {
    const Vec3 q = p - centre;
    return {cx + dot(q, right) * pixels_per_metre, cy - dot(q, up) * pixels_per_metre, dot(q, view)};
  }
};

Camera make_camera(const StickFigureOptions& o) {
  const double az = o.azimuth * M_PI / 180, el = o.elevation * M_PI / 180;
  Camera cam;
  const Vec3 towards_camera{std::sin(az) * std::cos(el), std::sin(el), std::cos(az) * std::cos(el)};
  cam.view = {-towards_camera.x, -towards_camera.y, -towards_camera.z};
  cam.right = unit(cross(cam.view, {0, 1, 0}));
  cam.up = cross(cam.right, cam.view);
  cam.cx = o.width / 2.0;
  cam.cy = o.height / 2.0;
  return cam;
}

class Scene {
 public:
  Scene(const Motion& m, const StickFigureOptions& o) : m_(m), o_(o), cam_(make_camera(o)) {
    p_ = m.positions.to(torch::kFloat64).contiguous();
    frames_ = p_.size(0);
    joints_ = p_.size(1);
    floor_ = p_.select(2, 1).min().item<double>();
    const double top = p_.select(2, 1).max().item<double>();
    mid_y_ = floor_ + 0.42 * (top - floor_);  // below the middle: room for the floor in front
    for (const auto& name : m.skeleton.joints) sides_.push_back(side_of(name));
    for (int j = 0; j < joints_; ++j) {
      std::string lower;
      for (char c : m.skeleton.joints[j]) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (lower.size() >= 4 && lower.compare(lower.size() - 4, 4, "head") == 0 && sides_[j] == Side::centre) head_ = j;
    }
    fit_scale();
  }

  void draw(int64_t t, uint8_t* out) const {
    Canvas canvas(o_.width, o_.height, kBackground);
    const Vec3 centre = centre_of(t);
    const double bone_width = std::max(2.0, o_.height / 100.0);
    if (o_.grid > 0) grid(canvas, centre);
    if (o_.trajectory) path(canvas, centre, t);
    if (o_.shadow) shadow(canvas, centre, t, bone_width);
    figure(canvas, centre, t, bone_width);
    const double progress = frames_ > 1 ? double(t) / double(frames_ - 1) : 1.0;
    canvas.segment(0, o_.height - 1.5, o_.width * progress, o_.height - 1.5, 2, kPathWalked);
    canvas.copy_to(out);
  }

 private:
  Vec3 at(int64_t t, int64_t j) const {
    const double* v = p_.data_ptr<double>() + (t * joints_ + j) * 3;
    return {v[0], v[1], v[2]};
  }
  Vec3 centre_of(int64_t t) const { return {at(t, 0).x, mid_y_, at(t, 0).z}; }

  // One scale for the clip: the widest the figure gets around its centre, in any frame.
  void fit_scale() {
    double extent = 0.3;
    Camera unit_cam = cam_;
    unit_cam.cx = unit_cam.cy = 0;
    for (int64_t t = 0; t < frames_; ++t)
      for (int64_t j = 0; j < joints_; ++j) {
        const auto q = unit_cam.project(at(t, j), centre_of(t));
        extent = std::max({extent, std::abs(q.x), std::abs(q.y)});
      }
    cam_.pixels_per_metre = 0.4 * std::min(o_.width, o_.height) / (extent + kHeadRadius);
  }

  void grid(Canvas& canvas, Vec3 centre) const {
    const double sine = std::max(std::abs(std::sin(o_.elevation * M_PI / 180)), 0.2);
    const double reach = std::max(o_.width, o_.height) / cam_.pixels_per_metre / sine;
    const int lines = static_cast<int>(std::min(reach / o_.grid, 200.0));
    const double x0 = std::round(centre.x / o_.grid) * o_.grid, z0 = std::round(centre.z / o_.grid) * o_.grid;
    for (int k = -lines; k <= lines; ++k) {
      const double x = x0 + k * o_.grid, z = z0 + k * o_.grid;
      line(canvas, centre, {x, floor_, z0 - reach}, {x, floor_, z0 + reach}, 1, kGrid, 1);
      line(canvas, centre, {x0 - reach, floor_, z}, {x0 + reach, floor_, z}, 1, kGrid, 1);
    }
  }

  void path(Canvas& canvas, Vec3 centre, int64_t t) const {
    const int64_t step = std::max<int64_t>(1, frames_ / 500);  // a long clip's path in at most ~500 pieces
    for (int64_t s = step; s < frames_ + step - 1; s += step) {
      const int64_t b_frame = std::min(s, frames_ - 1), a_frame = s - step;
      const Vec3 a{at(a_frame, 0).x, floor_, at(a_frame, 0).z}, b{at(b_frame, 0).x, floor_, at(b_frame, 0).z};
      const bool walked = b_frame <= t;
      line(canvas, centre, a, b, walked ? 2.5 : 1.5, walked ? kPathWalked : kPathAhead, 1);
    }
  }

  void shadow(Canvas& canvas, Vec3 centre, int64_t t, double width) const {
    for (int64_t j = 1; j < joints_; ++j) {
      const Vec3 a = at(t, m_.skeleton.parents[j]), b = at(t, j);
      line(canvas, centre, {a.x, floor_, a.z}, {b.x, floor_, b.z}, width, kShadow, 0.2);
    }
  }

  void figure(Canvas& canvas, Vec3 centre, int64_t t, double width) const {
    std::vector<int64_t> bones(joints_ > 0 ? joints_ - 1 : 0);
    std::iota(bones.begin(), bones.end(), 1);
    std::vector<double> depth(joints_);
    for (int64_t j = 0; j < joints_; ++j) depth[j] = cam_.project(at(t, j), centre).depth;
    // Far to near, so nearer limbs cover farther ones.
    std::sort(bones.begin(), bones.end(), [&](int64_t a, int64_t b) {
      return depth[a] + depth[m_.skeleton.parents[a]] > depth[b] + depth[m_.skeleton.parents[b]];
    });
    for (int64_t j : bones) {
      const Rgb color = color_of(sides_[j]);
      line(canvas, centre, at(t, m_.skeleton.parents[j]), at(t, j), width, color, 1);
      const auto q = cam_.project(at(t, j), centre);
      canvas.disc(q.x, q.y, width * 0.9, color);
    }
    if (head_ >= 0) {
      const auto q = cam_.project(at(t, head_), centre);
      canvas.disc(q.x, q.y, kHeadRadius * cam_.pixels_per_metre, kCentre);
    }
  }

  void line(Canvas& canvas, Vec3 centre, Vec3 a, Vec3 b, double width, Rgb color, double opacity) const {
    const auto p = cam_.project(a, centre), q = cam_.project(b, centre);
    canvas.segment(p.x, p.y, q.x, q.y, width, color, opacity);
  }

  const Motion& m_;
  const StickFigureOptions& o_;
  Camera cam_;
  torch::Tensor p_;
  int64_t frames_ = 0, joints_ = 0;
  double floor_ = 0, mid_y_ = 0;
  std::vector<Side> sides_;
  int head_ = -1;
};

void check_options(const StickFigureOptions& o) {
  if (o.width < 16 || o.width > 4096 || o.height < 16 || o.height > 4096)
    throw UsageError("stick figure size must be 16..4096 pixels, got " + std::to_string(o.width) + "x" +
                     std::to_string(o.height));
  if (!(std::abs(o.elevation) <= 80) || !std::isfinite(o.azimuth))
    throw UsageError("stick figure camera: elevation must be within -80..80 degrees and azimuth finite");
  if (!(o.grid >= 0 && o.grid <= 100)) throw UsageError("stick figure grid spacing must be 0..100 metres");
}

}  // namespace

torch::Tensor render_stick_figure(const Motion& motion, const StickFigureOptions& options) {
  check_options(options);
  check_motion(motion);
  const int64_t frame_bytes = int64_t{options.width} * options.height * 3;
  if (motion.frame_count() > kMaxBytes / frame_bytes)
    throw UsageError("a stick-figure video of " + std::to_string(motion.frame_count()) + " frames at " +
                     std::to_string(options.width) + "x" + std::to_string(options.height) +
                     " would exceed 2 GiB; write .bvh, .json or .npy instead");
  Scene scene(motion, options);
  auto frames = torch::empty({motion.frame_count(), options.height, options.width, 3}, torch::kUInt8);
  auto* data = frames.data_ptr<uint8_t>();
  for (int64_t t = 0; t < motion.frame_count(); ++t) scene.draw(t, data + t * frame_bytes);
  return frames;
}

}  // namespace gen::motion
