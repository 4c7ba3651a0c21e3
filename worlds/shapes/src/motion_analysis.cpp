#include <gen/shapes/motion_analysis.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/shapes/clip_scorer.h>

namespace gen::shapes {

namespace {

// Thresholds in frame sides. Every real clip moves at least 0.3 (translations), falls
// at least 0.3 and rebounds at least 0.17 (bounces), and scales its area at least 2.7x
// (growing, shrinking): the thresholds sit at about half of that, so a generated clip
// that makes the motion half-heartedly still counts, and the analyser's centroid noise
// (well under 0.01 on real clips) never does.
constexpr double kMinTravel = 0.15, kMinFall = 0.15, kMinRebound = 0.08;
constexpr double kMinAreaRatio = 1.6;
constexpr double kStillTravel = 0.05, kStillAreaRatio = 1.25;
// An object at this share of its peak contrast counts as solid; a first frame below
// kFaint of it as not yet there.
constexpr double kSolid = 0.8, kFaint = 0.5;
constexpr double kConsistent = 0.9;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<long>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2) return *mid;
  return (*mid + *std::max_element(v.begin(), mid)) / 2;
}

// Theil-Sen: the median slope over all pairs of points. One misread frame among many
// moves it little, where a least-squares line would follow the outlier.
double robust_slope(const std::vector<double>& t, const std::vector<double>& v) {
  std::vector<double> slopes;
  for (size_t i = 0; i < t.size(); ++i)
    for (size_t j = i + 1; j < t.size(); ++j)
      if (t[j] > t[i]) slopes.push_back((v[j] - v[i]) / (t[j] - t[i]));
  return median(std::move(slopes));
}

// Each value replaced by the median of it and its neighbours: a single misread frame
// cannot fake a fall and a rise.
std::vector<double> median3(const std::vector<double>& v) {
  if (v.size() < 3) return v;
  std::vector<double> out(v);
  for (size_t i = 1; i + 1 < v.size(); ++i) out[i] = median({v[i - 1], v[i], v[i + 1]});
  return out;
}

// The lowest point k (largest y) that is reached by the largest fall and left by the
// largest rise, weighing each against its threshold.
std::pair<double, double> fall_and_rebound(const std::vector<double>& y) {
  double best = -1, fall = 0, rebound = 0;
  for (size_t k = 0; k < y.size(); ++k) {
    const double f = y[k] - *std::min_element(y.begin(), y.begin() + static_cast<long>(k) + 1);
    const double r = y[k] - *std::min_element(y.begin() + static_cast<long>(k), y.end());
    if (const double score = std::min(f / kMinFall, r / kMinRebound); score > best) best = score, fall = f, rebound = r;
  }
  return {fall, rebound};
}

template <class T>
std::pair<T, double> majority(const std::vector<T>& values) {
  if (values.empty()) return {T{}, 0.0};
  std::map<T, int> votes;
  for (const auto& v : values) ++votes[v];
  const auto top = std::max_element(votes.begin(), votes.end(), [](auto& l, auto& r) { return l.second < r.second; });
  return {top->first, static_cast<double>(top->second) / values.size()};
}

std::string read_motion(const ClipAnalysis& a, const std::vector<double>& contrast, double peak) {
  if (peak <= 0) return "none";
  // Appearing: faint or absent first, solid over the last quarter.
  const size_t n = contrast.size(), tail = std::max<size_t>(1, n / 4);
  double late = 0;
  for (size_t f = n - tail; f < n; ++f) late += contrast[f] / peak;
  if (a.first_contrast < kFaint && late / tail >= kSolid) return "appearing";
  if (a.fall >= kMinFall && a.rebound >= kMinRebound) return "bouncing";
  const double ax = std::abs(a.dx), ay = std::abs(a.dy);
  if (std::hypot(a.dx, a.dy) >= kMinTravel) {
    if (ax >= 2 * ay) return a.dx > 0 ? "right" : "left";
    if (ay >= 2 * ax) return a.dy > 0 ? "down" : "up";
    return "unclear";
  }
  if (a.area_ratio >= kMinAreaRatio) return "growing";
  if (a.area_ratio <= 1 / kMinAreaRatio) return "shrinking";
  if (std::hypot(a.dx, a.dy) < kStillTravel && a.area_ratio < kStillAreaRatio && a.area_ratio > 1 / kStillAreaRatio &&
      a.rebound < kMinRebound / 2)
    return "none";
  return "unclear";
}

// Pixels of a frame that any object of the clip covers in some frame: a disk around
// each object's centroid of twice the radius of a circle of its area (enough for a
// star's points, whose area is small for their reach) plus a pixel and a half.
torch::Tensor object_region(const ClipAnalysis& a, int64_t height, int64_t width) {
  auto y = (torch::arange(height, torch::kFloat32).unsqueeze(1) + 0.5) / height;
  auto x = (torch::arange(width, torch::kFloat32).unsqueeze(0) + 0.5) / width;
  auto covered = torch::zeros({height, width}, torch::kBool);
  for (const auto& frame : a.frames)
    for (const auto& o : frame.objects) {
      const double reach = 2 * std::sqrt(o.area / M_PI) + 1.5 / std::min(height, width);
      covered |= (x - o.cx).pow(2) + (y - o.cy).pow(2) <= reach * reach;
    }
  return covered;
}

}  // namespace

ClipAnalysis analyse_clip(const video::Video& clip) {
  const auto& px = clip.frames;
  if (!px.defined() || px.dim() != 4 || px.size(3) != 3 || px.size(0) < 2 || px.scalar_type() != torch::kUInt8)
    throw UsageError("analyse_clip needs an RGB uint8 clip [F, H, W, 3] of at least 2 frames");
  ClipAnalysis a;
  const int64_t n = px.size(0);
  std::vector<double> t, cx, cy, log_area, contrast(static_cast<size_t>(n), 0.0);
  std::vector<std::pair<std::string, std::string>> looks;  // colour, shape of solid frames
  std::vector<int> counts;
  std::vector<std::string> backgrounds;
  for (int64_t f = 0; f < n; ++f) {
    a.frames.push_back(analyse_scene(image::Image{px[f]}));
    const auto& s = a.frames.back();
    backgrounds.push_back(s.background);
    if (s.objects.empty()) continue;
    const auto& o = s.objects.front();
    t.push_back(static_cast<double>(f) / (n - 1));
    cx.push_back(o.cx), cy.push_back(o.cy), log_area.push_back(std::log(o.area));
    contrast[static_cast<size_t>(f)] = o.contrast;
    counts.push_back(static_cast<int>(s.objects.size()));
  }
  const double peak = *std::max_element(contrast.begin(), contrast.end());
  a.visible = static_cast<double>(t.size()) / n;
  if (!t.empty()) {
    a.dx = robust_slope(t, cx), a.dy = robust_slope(t, cy);
    a.area_ratio = std::exp(robust_slope(t, log_area));
    std::tie(a.fall, a.rebound) = fall_and_rebound(median3(cy));
    a.first_contrast = contrast.front() / peak;
  }
  a.motion = t.size() < 2 ? "none" : read_motion(a, contrast, peak);
  for (int64_t f = 0; f < n; ++f)
    if (contrast[static_cast<size_t>(f)] >= kSolid * peak && peak > 0)
      looks.emplace_back(a.frames[static_cast<size_t>(f)].objects[0].color, a.frames[static_cast<size_t>(f)].objects[0].shape);
  const auto [look, look_share] = majority(looks);
  const auto [count, count_share] = majority(counts);
  const auto background_share = majority(backgrounds).second;
  a.color = look.first, a.shape = look.second, a.count = count;
  a.agreement = t.empty() ? 0 : std::min({look_share, count_share, background_share});
  a.consistent = a.agreement >= kConsistent;
  const auto frames = px.to(torch::kFloat32);
  const auto steps = (frames.narrow(0, 1, n - 1) - frames.narrow(0, 0, n - 1)).abs();  // [F-1, H, W, 3]
  a.change = steps.mean().item<double>();
  const auto still = object_region(a, px.size(1), px.size(2)).logical_not();
  // When objects cover the whole frame somewhere, no pixel is background throughout;
  // the change of every pixel is then the best estimate of flicker.
  a.flicker = still.any().item<bool>() ? steps.index({torch::indexing::Slice(), still}).mean().item<double>() : a.change;
  return a;
}

ClipAdherence check_clip_adherence(const ClipAnalysis& found, const ShapeClip& wanted) {
  ClipAdherence c;
  const size_t n = found.frames.size();
  if (n == 0) return c;
  const size_t first = wanted.motion == "appearing" ? n - std::max<size_t>(1, n / 4) : 0;
  for (size_t f = first; f < n; ++f) {
    const auto& s = found.frames[f];
    c.background += s.background == wanted.background;
    if (s.objects.empty()) continue;
    const bool color = s.objects[0].color == wanted.color, shape = s.objects[0].shape == wanted.shape;
    c.color += color, c.shape += shape, c.color_and_shape += color && shape;
  }
  const double judged = static_cast<double>(std::max<size_t>(1, n - first));
  for (double* v : {&c.color, &c.shape, &c.color_and_shape, &c.background}) *v /= judged;
  c.motion = found.motion == wanted.motion;
  c.consistent = found.consistent;
  return c;
}

torch::Tensor clip_features(const ClipAnalysis& a) {
  std::vector<double> f(kClipFeatures, 0.0);
  double objects = 0, size = 0, count = 0;
  for (const auto& s : a.frames) {
    for (int k = 0; k < 3; ++k) f[static_cast<size_t>(k)] += s.background_rgb[static_cast<size_t>(k)] / 255.0 / a.frames.size();
    if (s.objects.empty()) continue;
    for (int k = 0; k < 3; ++k) f[static_cast<size_t>(3 + k)] += s.objects[0].rgb[static_cast<size_t>(k)] / 255.0;
    size += std::sqrt(s.objects[0].area), count += static_cast<double>(s.objects.size()), ++objects;
  }
  for (int k = 3; k < 6; ++k) f[static_cast<size_t>(k)] /= std::max(objects, 1.0);
  const double rest[] = {a.dx,      a.dy,         std::log(a.area_ratio),         a.fall,
                         a.rebound, a.first_contrast, a.visible,                   size / std::max(objects, 1.0),
                         count / std::max(objects, 1.0) / 3, a.agreement, a.change / 32, a.flicker / 32};
  std::copy(std::begin(rest), std::end(rest), f.begin() + 6);
  return torch::tensor(f, torch::kFloat64);
}

double clip_frechet_distance(const std::vector<ClipAnalysis>& a, const std::vector<ClipAnalysis>& b) {
  auto stack = [](const std::vector<ClipAnalysis>& set) {
    std::vector<torch::Tensor> rows;
    for (const auto& x : set) rows.push_back(clip_features(x));
    if (rows.empty()) throw UsageError("the Fréchet distance needs clips in both sets");
    return torch::stack(rows);
  };
  return frechet_distance(stack(a), stack(b));
}

nlohmann::json to_json(const ClipAnalysis& a) {
  auto frames = nlohmann::json::array();
  for (const auto& s : a.frames) {
    auto objects = nlohmann::json::array();
    for (const auto& o : s.objects)
      objects.push_back({{"shape", o.shape}, {"color", o.color}, {"cx", o.cx}, {"cy", o.cy}, {"area", o.area},
                         {"contrast", o.contrast}});
    frames.push_back({{"background", s.background}, {"objects", objects}});
  }
  return {{"motion", a.motion},       {"dx", a.dx},           {"dy", a.dy},
          {"area_ratio", a.area_ratio}, {"fall", a.fall},     {"rebound", a.rebound},
          {"first_contrast", a.first_contrast}, {"visible", a.visible}, {"color", a.color},
          {"shape", a.shape},         {"count", a.count},     {"agreement", a.agreement},
          {"consistent", a.consistent}, {"flicker", a.flicker}, {"change", a.change},
          {"frames", frames}};
}

}  // namespace gen::shapes
