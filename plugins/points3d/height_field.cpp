// The height-field codec: a cloud read into a field (encode) and a field's surface
// sampled back into a cloud (decode). Loops over cells, not tensor ops: the fields are
// small (32 x 32) and every cell's work is a different shape of branch.
#include "height_field.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include <nlohmann/json.hpp>

#include <gen/error.h>

namespace points3d {
namespace {

constexpr double kSdfClamp = 2.0;    // cells; the field's first channel is sdf / kSdfClamp
constexpr int kWindow = 3;           // cells a point's distance is tracked over
constexpr double kFacing = 0.2;      // |normal.y| above this: a top or bottom point, not a wall

struct Grid {
  int64_t g;
  std::vector<double> v;
  explicit Grid(int64_t size, double fill = 0) : g(size), v(static_cast<size_t>(size * size), fill) {}
  double& at(int64_t row, int64_t col) { return v[static_cast<size_t>(row * g + col)]; }
  double at(int64_t row, int64_t col) const { return v[static_cast<size_t>(row * g + col)]; }
  // Bilinear at (u = column, v = row) in cell-centre units, clamped to the grid.
  double sample(double u, double vv) const {
    u = std::clamp(u, 0.0, static_cast<double>(g - 1));
    vv = std::clamp(vv, 0.0, static_cast<double>(g - 1));
    const auto c0 = std::min<int64_t>(static_cast<int64_t>(u), g - 2), r0 = std::min<int64_t>(static_cast<int64_t>(vv), g - 2);
    const double fu = u - c0, fv = vv - r0;
    return (1 - fv) * ((1 - fu) * at(r0, c0) + fu * at(r0, c0 + 1)) + fv * ((1 - fu) * at(r0 + 1, c0) + fu * at(r0 + 1, c0 + 1));
  }
};

// Cells no point reached (weight 0) take the mean of their reached neighbours, ring by
// ring outwards, so the field continues smoothly past the silhouette.
void fill_unreached(std::vector<Grid*> channels, std::vector<double> weight, int64_t g) {
  for (int pass = 0; pass < 2 * g; ++pass) {
    std::vector<double> next = weight;
    bool missing = false;
    for (int64_t r = 0; r < g; ++r)
      for (int64_t c = 0; c < g; ++c) {
        if (weight[static_cast<size_t>(r * g + c)] > 0) continue;
        missing = true;
        std::vector<double> sum(channels.size(), 0.0);
        int n = 0;
        for (auto [dr, dc] : {std::pair{-1, 0}, {1, 0}, {0, -1}, {0, 1}, {-1, -1}, {-1, 1}, {1, -1}, {1, 1}}) {
          const int64_t rr = r + dr, cc = c + dc;
          if (rr < 0 || cc < 0 || rr >= g || cc >= g || weight[static_cast<size_t>(rr * g + cc)] <= 0) continue;
          for (size_t k = 0; k < channels.size(); ++k) sum[k] += channels[k]->at(rr, cc);
          ++n;
        }
        if (n == 0) continue;
        for (size_t k = 0; k < channels.size(); ++k) channels[k]->at(r, c) = sum[k] / n;
        next[static_cast<size_t>(r * g + c)] = 1;
      }
    weight.swap(next);
    if (!missing) return;
  }
}

}  // namespace

nlohmann::json HeightFieldConfig::to_json() const {
  return {{"_class_name", "HeightField"}, {"grid", grid}, {"extent", extent}, {"height_radius", height_radius}};
}

HeightFieldConfig HeightFieldConfig::from_json(const nlohmann::json& j) {
  HeightFieldConfig c;
  try {
    c.grid = j.value("grid", c.grid);
    c.extent = j.value("extent", c.extent);
    c.height_radius = j.value("height_radius", c.height_radius);
  } catch (const nlohmann::json::exception& e) {
    throw gen::ModelError(std::string("height field config: ") + e.what());
  }
  c.validate();
  return c;
}

void HeightFieldConfig::validate() const {
  if (grid < 4 || grid > 1024) throw gen::ModelError("height field grid must be 4..1024 cells, got " + std::to_string(grid));
  if (!(extent > 0 && extent < 1e6)) throw gen::ModelError("height field extent must be positive, got " + std::to_string(extent));
  if (!(height_radius >= 0.5 && height_radius <= kWindow))
    throw gen::ModelError("height field height_radius must be 0.5..3 cells, got " + std::to_string(height_radius));
}

torch::Tensor encode_height_field(const torch::Tensor& points, const HeightFieldConfig& c) {
  if (points.dim() != 2 || points.size(1) != 9)
    throw gen::InputError("a cloud to read as a height field must be [N, 9] (xyz, rgb, normals), got " + c10::str(points.sizes()));
  if (points.size(0) == 0) throw gen::InputError("an empty cloud has no height field");
  const auto p = points.to(torch::kFloat64).contiguous();
  if (!torch::isfinite(p).all().item<bool>()) throw gen::InputError("the cloud holds NaN or Inf");
  const auto a = p.accessor<double, 2>();
  const int64_t g = c.grid;
  const double cell = 2 * c.extent / static_cast<double>(g);
  Grid nearest(g, kWindow + 1.0), top(g), bottom(g), red(g), green(g), blue(g);
  std::vector<double> top_n(static_cast<size_t>(g * g), 0.0), bottom_n = top_n, colour_n = top_n;
  int64_t facing = 0;
  for (int64_t k = 0; k < a.size(0); ++k) {
    const double x = a[k][0], y = a[k][1], z = a[k][2];
    if (std::abs(x) > c.extent || std::abs(z) > c.extent)
      throw gen::InputError("the cloud leaves the height field's square (|x|, |z| <= " + std::to_string(c.extent) + ")");
    const double u = (x + c.extent) / cell - 0.5, v = (z + c.extent) / cell - 0.5;
    const double nx = a[k][6], ny = a[k][7], nz = a[k][8];
    facing += std::abs(ny) > kFacing;
    for (auto row = std::max<int64_t>(0, static_cast<int64_t>(std::floor(v)) - kWindow);
         row <= std::min<int64_t>(g - 1, static_cast<int64_t>(std::ceil(v)) + kWindow); ++row)
      for (auto col = std::max<int64_t>(0, static_cast<int64_t>(std::floor(u)) - kWindow);
           col <= std::min<int64_t>(g - 1, static_cast<int64_t>(std::ceil(u)) + kWindow); ++col) {
        const double du = col - u, dv = row - v, d = std::hypot(du, dv);
        nearest.at(row, col) = std::min(nearest.at(row, col), d);
        if (d > c.height_radius) continue;
        const auto i = static_cast<size_t>(row * g + col);
        red.at(row, col) += a[k][3], green.at(row, col) += a[k][4], blue.at(row, col) += a[k][5], colour_n[i] += 1;
        if (std::abs(ny) <= kFacing) continue;
        // The height of the point's tangent plane above the cell's centre.
        const double h = y - (nx * du * cell + nz * dv * cell) / ny;
        if (ny > 0) top.at(row, col) += h, top_n[i] += 1;
        else bottom.at(row, col) += h, bottom_n[i] += 1;
      }
  }
  for (size_t i = 0; i < top_n.size(); ++i) {
    if (top_n[i] > 0) top.v[i] /= top_n[i];
    if (bottom_n[i] > 0) bottom.v[i] /= bottom_n[i];
    if (colour_n[i] > 0) red.v[i] /= colour_n[i], green.v[i] /= colour_n[i], blue.v[i] /= colour_n[i];
  }
  fill_unreached({&top}, top_n, g);
  fill_unreached({&bottom}, bottom_n, g);
  fill_unreached({&red, &green, &blue}, colour_n, g);

  // Outside: no point within `reach` of the centre, unless all four neighbours are inside
  // (a gap between sparse points, not a hole in the shape). The reach follows the
  // density of the top and bottom points seen from above: for a Poisson spread of
  // density rho per cell, a disc of radius 1.5 / sqrt(rho) is empty with odds 1 in 1000.
  int64_t covered = 0;
  for (double d : nearest.v) covered += d < 1.5;
  const double rho = static_cast<double>(std::max<int64_t>(facing, 1)) / static_cast<double>(std::max<int64_t>(covered, 1));
  const double reach = std::clamp(1.5 / std::sqrt(rho), 1.0, kWindow - 0.5);
  std::vector<char> outside(static_cast<size_t>(g * g), 0);
  const auto far = [&](int64_t r, int64_t col) { return nearest.at(r, col) > reach; };
  for (int64_t r = 0; r < g; ++r)
    for (int64_t col = 0; col < g; ++col) {
      if (!far(r, col)) continue;
      const bool enclosed = r > 0 && col > 0 && r < g - 1 && col < g - 1 && !far(r - 1, col) && !far(r + 1, col) &&
                            !far(r, col - 1) && !far(r, col + 1);
      outside[static_cast<size_t>(r * g + col)] = !enclosed;
    }
  // The signed distance to the silhouette's edge: from an outside centre q the edge lies
  // nearest(q) away, so for any centre p it is -min_q(|p - q| - nearest(q)) — exact
  // along the edge's normal, and the minimum picks that direction.
  Grid sdf(g);
  for (int64_t r = 0; r < g; ++r)
    for (int64_t col = 0; col < g; ++col) {
      double best = kSdfClamp;
      for (int64_t rr = std::max<int64_t>(0, r - kWindow); rr <= std::min(g - 1, r + kWindow); ++rr)
        for (int64_t cc = std::max<int64_t>(0, col - kWindow); cc <= std::min(g - 1, col + kWindow); ++cc)
          if (outside[static_cast<size_t>(rr * g + cc)])
            best = std::min(best, std::hypot(static_cast<double>(rr - r), static_cast<double>(cc - col)) - nearest.at(rr, cc));
      sdf.at(r, col) = std::clamp(-best, -kSdfClamp, kSdfClamp);
    }

  auto field = torch::empty({HeightFieldConfig::kChannels, g, g}, torch::kFloat64);
  auto f = field.accessor<double, 3>();
  for (int64_t r = 0; r < g; ++r)
    for (int64_t col = 0; col < g; ++col) {
      f[0][r][col] = sdf.at(r, col) / kSdfClamp;
      f[1][r][col] = top.at(r, col) / c.extent;
      f[2][r][col] = bottom.at(r, col) / c.extent;
      f[3][r][col] = 2 * red.at(r, col) - 1;
      f[4][r][col] = 2 * green.at(r, col) - 1;
      f[5][r][col] = 2 * blue.at(r, col) - 1;
    }
  return field.to(torch::kFloat32);
}

namespace {

// A piece of the decoded surface with its area: a cell's top or bottom, or a wall over
// one marching-squares segment of the silhouette's edge.
struct Patch {
  enum Kind { top, bottom, wall } kind;
  int64_t row, col;
  double u0 = 0, v0 = 0, u1 = 0, v1 = 0;  // a wall's segment, in cell-centre units
};

struct DecodedField {
  Grid sdf, top, bottom, red, green, blue;
  explicit DecodedField(int64_t g) : sdf(g), top(g), bottom(g), red(g), green(g), blue(g) {}
};

DecodedField unpack(const torch::Tensor& field, const HeightFieldConfig& c) {
  const int64_t g = c.grid;
  DecodedField d(g);
  const auto f = field.to(torch::kFloat64).contiguous();
  const auto a = f.accessor<double, 3>();
  for (int64_t r = 0; r < g; ++r)
    for (int64_t col = 0; col < g; ++col) {
      d.sdf.at(r, col) = a[0][r][col] * kSdfClamp;
      double t = a[1][r][col] * c.extent, b = a[2][r][col] * c.extent;
      if (t < b) t = b = (t + b) / 2;  // a crossed top and bottom meet in the middle
      d.top.at(r, col) = t, d.bottom.at(r, col) = b;
      d.red.at(r, col) = std::clamp((a[3][r][col] + 1) / 2, 0.0, 1.0);
      d.green.at(r, col) = std::clamp((a[4][r][col] + 1) / 2, 0.0, 1.0);
      d.blue.at(r, col) = std::clamp((a[5][r][col] + 1) / 2, 0.0, 1.0);
    }
  // A field with no cell inside still says where the shape would most be: its edge is
  // drawn half a cell around the lowest distance rather than nowhere.
  const double lowest = *std::min_element(d.sdf.v.begin(), d.sdf.v.end());
  if (lowest >= 0)
    for (double& s : d.sdf.v) s -= lowest + 0.5;
  return d;
}

// The segments where the bilinear sdf of cell (row, col) crosses zero.
std::vector<std::array<double, 4>> edge_segments(const Grid& sdf, int64_t row, int64_t col) {
  const double s[4] = {sdf.at(row, col), sdf.at(row, col + 1), sdf.at(row + 1, col + 1), sdf.at(row + 1, col)};
  const double cu[4] = {0, 1, 1, 0}, cv[4] = {0, 0, 1, 1};  // the corners, counter-clockwise
  std::vector<std::array<double, 2>> cross;                 // one per edge k (corner k to k + 1) that changes sign
  for (int k = 0; k < 4; ++k) {
    const double a = s[k], b = s[(k + 1) % 4];
    if ((a < 0) == (b < 0)) continue;
    const double t = a / (a - b);
    cross.push_back({col + cu[k] + t * (cu[(k + 1) % 4] - cu[k]), row + cv[k] + t * (cv[(k + 1) % 4] - cv[k])});
  }
  std::vector<std::array<double, 4>> out;
  if (cross.size() == 2) out.push_back({cross[0][0], cross[0][1], cross[1][0], cross[1][1]});
  if (cross.size() == 4) {
    // A saddle: the centre's sign says whether corner 0 joins corners 2 across it.
    const bool centre_inside = (s[0] + s[1] + s[2] + s[3]) / 4 < 0;
    const int first = centre_inside == (s[0] < 0) ? 0 : 1;
    for (int k = first; k < first + 4; k += 2)
      out.push_back({cross[k % 4][0], cross[k % 4][1], cross[(k + 1) % 4][0], cross[(k + 1) % 4][1]});
  }
  return out;
}

}  // namespace

torch::Tensor decode_height_field(const torch::Tensor& field, const HeightFieldConfig& c, int64_t count,
                                  at::Generator& generator) {
  const int64_t g = c.grid;
  if (field.dim() != 3 || field.size(0) != HeightFieldConfig::kChannels || field.size(1) != g || field.size(2) != g)
    throw gen::ModelError("a height field must be [6, " + std::to_string(g) + ", " + std::to_string(g) + "], got " +
                          c10::str(field.sizes()));
  if (count < 1) throw gen::UsageError("a height field decodes to at least one point");
  const auto d = unpack(field, c);
  const double cell = 2 * c.extent / static_cast<double>(g);

  std::vector<Patch> patches;
  std::vector<double> areas;
  for (int64_t r = 0; r + 1 < g; ++r)
    for (int64_t col = 0; col + 1 < g; ++col) {
      int inside = 0;
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) inside += d.sdf.sample(col + (j + 0.5) / 4, r + (i + 0.5) / 4) < 0;
      if (inside > 0) {
        for (const auto* h : {&d.top, &d.bottom}) {
          const double gx = (h->at(r, col + 1) - h->at(r, col) + h->at(r + 1, col + 1) - h->at(r + 1, col)) / (2 * cell);
          const double gz = (h->at(r + 1, col) - h->at(r, col) + h->at(r + 1, col + 1) - h->at(r, col + 1)) / (2 * cell);
          patches.push_back({h == &d.top ? Patch::top : Patch::bottom, r, col});
          areas.push_back(cell * cell * inside / 16.0 * std::sqrt(1 + gx * gx + gz * gz));
        }
      }
      for (const auto& s : edge_segments(d.sdf, r, col)) {
        const double height = (std::max(0.0, d.top.sample(s[0], s[1]) - d.bottom.sample(s[0], s[1])) +
                               std::max(0.0, d.top.sample(s[2], s[3]) - d.bottom.sample(s[2], s[3]))) / 2;
        const double length = std::hypot(s[2] - s[0], s[3] - s[1]) * cell;
        if (height * length <= 0) continue;
        patches.push_back({Patch::wall, r, col, s[0], s[1], s[2], s[3]});
        areas.push_back(height * length);
      }
    }
  if (areas.empty()) throw gen::NumericError("the height field has no surface to sample (a NaN in it?)");

  const auto picks = torch::multinomial(torch::tensor(areas, torch::kFloat64), count, true, generator);
  constexpr int kTries = 16;
  const auto uniform = torch::rand({count, kTries, 2}, generator, torch::kFloat64);
  const auto pick = picks.accessor<int64_t, 1>();
  const auto rnd = uniform.accessor<double, 3>();
  auto out = torch::empty({count, 6}, torch::kFloat64);
  auto o = out.accessor<double, 2>();
  for (int64_t k = 0; k < count; ++k) {
    const auto& patch = patches[static_cast<size_t>(pick[k])];
    double u = 0, v = 0, y = 0;
    if (patch.kind == Patch::wall) {
      u = patch.u0 + rnd[k][0][0] * (patch.u1 - patch.u0);
      v = patch.v0 + rnd[k][0][0] * (patch.v1 - patch.v0);
      y = d.bottom.sample(u, v) + rnd[k][0][1] * (d.top.sample(u, v) - d.bottom.sample(u, v));
    } else {
      // A uniform spot of the cell inside the silhouette (the cell's centre if every try missed).
      u = patch.col + 0.5, v = patch.row + 0.5;
      for (int t = 0; t < kTries; ++t) {
        const double tu = patch.col + rnd[k][t][0], tv = patch.row + rnd[k][t][1];
        if (d.sdf.sample(tu, tv) < 0) {
          u = tu, v = tv;
          break;
        }
      }
      y = (patch.kind == Patch::top ? d.top : d.bottom).sample(u, v);
    }
    o[k][0] = -c.extent + (u + 0.5) * cell;
    o[k][1] = y;
    o[k][2] = -c.extent + (v + 0.5) * cell;
    o[k][3] = d.red.sample(u, v), o[k][4] = d.green.sample(u, v), o[k][5] = d.blue.sample(u, v);
  }
  return out.to(torch::kFloat32);
}

}  // namespace points3d
