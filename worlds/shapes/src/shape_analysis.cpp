#include <gen/shapes/shape_analysis.h>

#include <torch/nn/functional/upsampling.h>

#include <array>
#include <cmath>
#include <deque>
#include <mutex>
#include <random>

#include <gen/error.h>

namespace gen::shapes {
namespace {

constexpr int kSize = 64;  // analysis resolution (the dataset's)
using Rgb = std::array<float, 3>;

double distance(const Rgb& a, const Rgb& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

std::string nearest_color(const Rgb& c, const std::vector<std::string>& names) {
  std::string best;
  double best_d = 1e30;
  for (const auto& n : names)
    if (double d = distance(c, color_rgb(n)); d < best_d) best_d = d, best = n;
  return best;
}

// The image as float RGB at kSize x kSize (area-averaged when larger).
std::vector<Rgb> pixels_at_analysis_size(const image::Image& image) {
  auto t = image.pixels.to(torch::kFloat32).permute({2, 0, 1}).unsqueeze(0);
  if (t.size(2) != kSize || t.size(3) != kSize)
    t = torch::nn::functional::interpolate(
        t, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{kSize, kSize}).mode(torch::kArea));
  auto hwc = t.squeeze(0).permute({1, 2, 0}).contiguous();
  std::vector<Rgb> px(kSize * kSize);
  std::memcpy(px.data(), hwc.data_ptr<float>(), px.size() * sizeof(Rgb));
  return px;
}

// Per-channel median of the border pixels: the background shows at the edges.
Rgb border_color(const std::vector<Rgb>& px) {
  std::array<std::vector<float>, 3> ch;
  for (int i = 0; i < kSize; ++i)
    for (int idx : {i, (kSize - 1) * kSize + i, i * kSize, i * kSize + kSize - 1})
      for (int c = 0; c < 3; ++c) ch[c].push_back(px[idx][c]);
  Rgb out;
  for (int c = 0; c < 3; ++c) {
    std::nth_element(ch[c].begin(), ch[c].begin() + ch[c].size() / 2, ch[c].end());
    out[c] = ch[c][ch[c].size() / 2];
  }
  return out;
}

struct Component {
  std::vector<int> pixels;
  int x0 = kSize, y0 = kSize, x1 = -1, y1 = -1;
};

// A component of these pixels, with their bounding box.
Component component_of(const std::vector<int>& pixels) {
  Component c;
  c.pixels = pixels;
  for (int p : pixels) {
    int x = p % kSize, y = p / kSize;
    c.x0 = std::min(c.x0, x), c.x1 = std::max(c.x1, x), c.y0 = std::min(c.y0, y), c.y1 = std::max(c.y1, y);
  }
  return c;
}

std::vector<Component> components(const std::vector<bool>& fg) {
  std::vector<int> label(fg.size(), -1);
  std::vector<Component> out;
  for (int start = 0; start < kSize * kSize; ++start) {
    if (!fg[start] || label[start] >= 0) continue;
    std::vector<int> pixels;
    std::deque<int> queue{start};
    label[start] = static_cast<int>(out.size());
    while (!queue.empty()) {
      int p = queue.front();
      queue.pop_front();
      pixels.push_back(p);
      int x = p % kSize, y = p / kSize;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          int nx = x + dx, ny = y + dy, q = ny * kSize + nx;
          if (nx < 0 || ny < 0 || nx >= kSize || ny >= kSize || !fg[q] || label[q] >= 0) continue;
          label[q] = label[start];
          queue.push_back(q);
        }
    }
    out.push_back(component_of(pixels));
  }
  return out;
}

// Scale-free shape features: fill of the bounding box, enclosed hole, vertical
// centroid offset, aspect ratio, boundary length relative to sqrt(area), and overlap
// with the upside-down copy (stars and triangles point up; crosses, squares, circles
// and rings are the same both ways — the one cue left when blur rounds a cross's corners).
using Features = std::array<double, 6>;

double up_down_overlap(const Component& c) {
  std::vector<bool> own(kSize * kSize, false);
  for (int p : c.pixels) own[p] = true;
  double same = 0;
  for (int p : c.pixels) same += own[(c.y0 + c.y1 - p / kSize) * kSize + p % kSize];
  return same / static_cast<double>(c.pixels.size());
}

Features features(const Component& c, const std::vector<bool>& fg) {
  const int w = c.x1 - c.x0 + 1, h = c.y1 - c.y0 + 1;
  const double area = static_cast<double>(c.pixels.size());
  double cy = 0, boundary = 0;
  for (int p : c.pixels) {
    int x = p % kSize, y = p / kSize;
    cy += y;
    bool edge = false;
    for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
      int nx = x + dx, ny = y + dy;
      edge |= nx < 0 || ny < 0 || nx >= kSize || ny >= kSize || !fg[ny * kSize + nx];
    }
    boundary += edge;
  }
  cy /= area;
  // Holes: background inside the box not reachable from the box's frame.
  std::vector<bool> outside(static_cast<size_t>((w + 2) * (h + 2)), false);
  auto inside_fg = [&](int bx, int by) {
    int x = c.x0 + bx - 1, y = c.y0 + by - 1;
    return x >= c.x0 && x <= c.x1 && y >= c.y0 && y <= c.y1 && fg[y * kSize + x];
  };
  std::deque<std::pair<int, int>> q{{0, 0}};
  outside[0] = true;
  while (!q.empty()) {
    auto [bx, by] = q.front();
    q.pop_front();
    for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
      int nx = bx + dx, ny = by + dy;
      if (nx < 0 || ny < 0 || nx >= w + 2 || ny >= h + 2) continue;
      size_t i = static_cast<size_t>(ny * (w + 2) + nx);
      if (outside[i] || inside_fg(nx, ny)) continue;
      outside[i] = true;
      q.emplace_back(nx, ny);
    }
  }
  double holes = 0;
  for (int by = 1; by <= h; ++by)
    for (int bx = 1; bx <= w; ++bx) holes += !outside[static_cast<size_t>(by * (w + 2) + bx)] && !inside_fg(bx, by);
  return {area / (w * h),
          holes / area,
          (cy - (c.y0 + c.y1) / 2.0) / h,
          static_cast<double>(w) / h,
          boundary / std::sqrt(area),
          up_down_overlap(c)};
}

struct Analysed {
  Rgb background;
  std::vector<bool> fg;
  std::vector<Component> parts;
};

// Objects of a group stand in a row (horizontal or vertical), so objects that touch form
// one component about k times as long as it is wide. It is cut into k where it
// narrows: near each of the k-1 evenly spaced cut lines, at the thinnest slice across
// the row, if that is at most 60% of the widest slice. A single elongated blob has no
// such neck and stays whole.
std::vector<Component> split_touching(const Component& c) {
  const int w = c.x1 - c.x0 + 1, h = c.y1 - c.y0 + 1;
  const bool across_x = w >= h;
  const int length = across_x ? w : h, breadth = across_x ? h : w;
  const int k = static_cast<int>(std::lround(static_cast<double>(length) / breadth));
  if (k < 2 || k > 3) return {c};
  std::vector<int> profile(static_cast<size_t>(length), 0);  // pixels per slice across the row
  for (int p : c.pixels) ++profile[static_cast<size_t>(across_x ? p % kSize - c.x0 : p / kSize - c.y0)];
  const int widest = *std::max_element(profile.begin(), profile.end());
  std::vector<int> cuts;
  for (int i = 1; i < k; ++i) {
    const int centre = i * length / k, reach = std::max(1, length / (4 * k));
    int best = centre;
    for (int t = std::max(0, centre - reach); t <= std::min(length - 1, centre + reach); ++t)
      if (profile[static_cast<size_t>(t)] < profile[static_cast<size_t>(best)]) best = t;
    if (profile[static_cast<size_t>(best)] > 0.6 * widest) return {c};
    cuts.push_back(best);
  }
  std::vector<std::vector<int>> parts(static_cast<size_t>(k));  // a cut slice goes to the part before it
  for (int p : c.pixels) {
    const int t = across_x ? p % kSize - c.x0 : p / kSize - c.y0;
    parts[static_cast<size_t>(std::lower_bound(cuts.begin(), cuts.end(), t) - cuts.begin())].push_back(p);
  }
  std::vector<Component> out;
  for (const auto& part : parts)
    if (!part.empty()) out.push_back(component_of(part));
  return out;
}

// Colour of an object: its pixels far from the background (not anti-aliased edges).
Rgb core_color(const Component& c, const std::vector<Rgb>& px, const Rgb& bg) {
  double far = 0;
  for (int p : c.pixels) far = std::max(far, distance(px[p], bg));
  Rgb sum{0, 0, 0};
  int n = 0;
  for (int p : c.pixels)
    if (distance(px[p], bg) >= 0.8 * far) {
      for (int k = 0; k < 3; ++k) sum[k] += px[p][k];
      ++n;
    }
  for (auto& v : sum) v /= static_cast<float>(std::max(n, 1));
  return sum;
}

Analysed segment(const std::vector<Rgb>& px) {
  Analysed a;
  a.background = border_color(px);
  a.fg.resize(px.size());
  for (size_t i = 0; i < px.size(); ++i) a.fg[i] = distance(px[i], a.background) > 60;
  // A soft (blurred or anti-aliased) edge is cut half-way between background and
  // object colour, so an object's outline does not depend on its contrast.
  for (const auto& c : components(a.fg)) {
    const double cut = std::max(60.0, 0.5 * distance(core_color(c, px, a.background), a.background));
    for (int p : c.pixels) a.fg[p] = distance(px[p], a.background) > cut;
  }
  for (const auto& c : components(a.fg))
    for (auto& part : split_touching(c)) a.parts.push_back(std::move(part));
  std::sort(a.parts.begin(), a.parts.end(), [](auto& l, auto& r) { return l.pixels.size() > r.pixels.size(); });
  // Specks (noise, anti-aliasing debris) are not objects.
  const size_t largest = a.parts.empty() ? 0 : a.parts[0].pixels.size();
  a.parts.erase(std::remove_if(a.parts.begin(), a.parts.end(),
                               [&](auto& c) { return c.pixels.size() < 6 || c.pixels.size() * 4 < largest; }),
                a.parts.end());
  return a;
}

// Reference features of every shape, from the dataset's own renderer at random sizes,
// sharp and softened by a blur (as any decoder softens small shapes).
const std::vector<std::pair<Features, std::string>>& prototypes() {
  static std::vector<std::pair<Features, std::string>> refs;
  static std::once_flag once;
  std::call_once(once, [] {
    std::mt19937_64 rng(12345);
    for (const auto& shape : shape_names())
      for (int i = 0; i < 40; ++i) {
        ShapeScene s;
        s.shape = shape, s.color = "white", s.background = "black", s.count = 1;
        s.radius = 0.09 + 0.16 * std::uniform_real_distribution<double>(0, 1)(rng);
        s.centres = {{0.5 + std::uniform_real_distribution<double>(-0.1, 0.1)(rng),
                      0.5 + std::uniform_real_distribution<double>(-0.1, 0.1)(rng)}};
        const auto sharp = render_scene(s, kSize);
        for (double sigma : {0.0, 0.6, 1.0}) {
          auto a = segment(pixels_at_analysis_size(image::gaussian_blur(sharp, sigma)));
          if (!a.parts.empty()) refs.emplace_back(features(a.parts[0], a.fg), shape);
        }
      }
  });
  return refs;
}

std::string classify_shape(const Features& f) {
  static const Features scale{0.1, 0.1, 0.05, 0.15, 0.5, 0.1};  // typical spread of each feature
  std::vector<std::pair<double, std::string>> d;
  for (const auto& [g, name] : prototypes()) {
    double s = 0;
    for (size_t k = 0; k < f.size(); ++k) s += std::pow((f[k] - g[k]) / scale[k], 2);
    d.emplace_back(s, name);
  }
  const size_t k = std::min<size_t>(5, d.size());
  std::partial_sort(d.begin(), d.begin() + static_cast<long>(k), d.end());
  std::map<std::string, int> votes;
  for (size_t i = 0; i < k; ++i) ++votes[d[i].second];
  return std::max_element(votes.begin(), votes.end(), [](auto& l, auto& r) { return l.second < r.second; })->first;
}

std::string nearest_position(double x, double y) {
  std::string best;
  double best_d = 1e30;
  for (const auto& name : shape_positions()) {
    auto [ax, ay] = position_anchor(name);
    if (double d = std::hypot(x - ax, y - ay); d < best_d) best_d = d, best = name;
  }
  return best;
}

}  // namespace

SceneAnalysis analyse_scene(const image::Image& image) {
  if (image.pixels.dim() != 3 || image.pixels.size(2) != 3) throw UsageError("analyse_scene needs an RGB image");
  auto px = pixels_at_analysis_size(image);
  auto a = segment(px);
  SceneAnalysis out;
  out.background = nearest_color(a.background, background_colors());
  out.background_rgb = a.background;
  double mx = 0, my = 0;
  for (const auto& c : a.parts) {
    DetectedObject o;
    for (int p : c.pixels) o.cx += (p % kSize + 0.5) / kSize, o.cy += (p / kSize + 0.5) / kSize;
    o.cx /= c.pixels.size(), o.cy /= c.pixels.size();
    o.area = static_cast<double>(c.pixels.size()) / (kSize * kSize);
    o.rgb = core_color(c, px, a.background);
    o.contrast = distance(o.rgb, a.background);
    o.color = nearest_color(o.rgb, shape_colors());
    o.shape = classify_shape(features(c, a.fg));
    mx += o.cx, my += o.cy;
    out.objects.push_back(o);
  }
  if (!out.objects.empty()) out.position = nearest_position(mx / out.objects.size(), my / out.objects.size());
  return out;
}

AdherenceCheck check_adherence(const SceneAnalysis& found, const ShapeScene& wanted) {
  AdherenceCheck c;
  c.background = found.background == wanted.background;
  c.count = static_cast<int>(found.objects.size()) == wanted.count;
  c.position = found.position == wanted.position;
  if (found.objects.empty()) return c;
  c.color = found.objects[0].color == wanted.color;
  c.shape = found.objects[0].shape == wanted.shape;
  return c;
}

}  // namespace gen::shapes
