#include <gen/shapes/shapes_dataset.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/staged_folder.h>
#include <gen/image/image_io.h>
#include <gen/safetensors.h>

namespace gen::shapes {

namespace {

struct PaletteColor {
  float r, g, b;
};

const std::map<std::string, PaletteColor>& palette() {
  static const std::map<std::string, PaletteColor> colors{
      {"red", {220, 30, 30}},    {"green", {40, 170, 60}},  {"blue", {40, 80, 220}},   {"yellow", {240, 210, 40}},
      {"purple", {140, 60, 190}}, {"orange", {245, 140, 30}}, {"white", {245, 245, 245}}, {"black", {20, 20, 20}},
      {"pink", {240, 120, 180}},  {"cyan", {40, 200, 210}},  {"gray", {128, 128, 128}}};
  return colors;
}

// One held-out colour per shape, each colour at most once.
const std::vector<std::pair<std::string, std::string>>& heldout_pairs() {
  static const std::vector<std::pair<std::string, std::string>> pairs{
      {"circle", "purple"}, {"square", "orange"}, {"triangle", "green"},
      {"star", "blue"},     {"ring", "yellow"},   {"cross", "pink"}};
  return pairs;
}

template <class T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

double jitter(std::mt19937_64& rng, double amount) {
  return std::uniform_real_distribution<double>(-amount, amount)(rng);
}

}  // namespace

std::pair<double, double> position_anchor(const std::string& position) {
  static const std::map<std::string, std::pair<double, double>> anchors{
      {"centre", {0.5, 0.5}}, {"left", {0.27, 0.5}}, {"right", {0.73, 0.5}}, {"top", {0.5, 0.27}}, {"bottom", {0.5, 0.73}}};
  auto it = anchors.find(position);
  if (it == anchors.end()) throw UsageError("unknown position '" + position + "'");
  return it->second;
}

std::array<float, 3> color_rgb(const std::string& name) {
  auto it = palette().find(name);
  if (it == palette().end()) throw UsageError("unknown colour '" + name + "'");
  return {it->second.r, it->second.g, it->second.b};
}

namespace {

void place(ShapeScene& s, std::mt19937_64& rng) {
  auto [ax, ay] = position_anchor(s.position);
  ax += jitter(rng, 0.03);
  ay += jitter(rng, 0.03);
  // Several objects line up across the region: vertically on the left/right,
  // horizontally elsewhere.
  const bool vertical = s.position == "left" || s.position == "right";
  const double spacing = 2.3 * s.radius;
  for (int i = 0; i < s.count; ++i) {
    const double offset = (i - (s.count - 1) / 2.0) * spacing;
    s.centres.emplace_back(vertical ? ax : ax + offset, vertical ? ay + offset : ay);
  }
}

// Whether the point (dx, dy) from a shape's centre (x right, y down) is inside it.
// Plain scalar code: a scene is a few thousand samples near each shape, and per-sample
// tensor ops would cost more in dispatch than in arithmetic.
struct ShapeTest {
  enum Kind { circle, ring, square, cross, triangle, star } kind;
  double r;

  ShapeTest(const std::string& shape, double radius) : r(radius) {
    static const std::map<std::string, Kind> kinds{{"circle", circle}, {"ring", ring},         {"square", square},
                                                   {"cross", cross},   {"triangle", triangle}, {"star", star}};
    auto it = kinds.find(shape);
    if (it == kinds.end()) throw UsageError("unknown shape '" + shape + "'");
    kind = it->second;
  }

  bool inside(double dx, double dy) const {
    const double rho2 = dx * dx + dy * dy;
    switch (kind) {
      case circle: return rho2 < r * r;
      case ring: return rho2 < r * r && rho2 > 0.36 * r * r;
      case square: return std::abs(dx) < 0.8 * r && std::abs(dy) < 0.8 * r;
      case cross: {
        const double w = 0.33 * r;
        return (std::abs(dx) < w && std::abs(dy) < r) || (std::abs(dy) < w && std::abs(dx) < r);
      }
      case triangle: {  // equilateral, pointing up, circumradius r
        for (int k = 0; k < 3; ++k) {
          const double a = -M_PI / 2 + k * 2 * M_PI / 3;  // outward normal of the edge opposite vertex k
          if (-(dx * std::cos(a) + dy * std::sin(a)) >= 0.5 * r) return false;
        }
        return true;
      }
      case star: return inside_star(dx, dy);
    }
    return false;
  }

  // Five points, inner radius 0.45 r, a point straight up: the boundary radius along a
  // direction is where the ray meets the edge from an outer to the next inner vertex.
  bool inside_star(double dx, double dy) const {
    const double inner = 0.45 * r, sector = 2 * M_PI / 5;
    const double theta = std::atan2(dx, -dy);  // 0 = up, clockwise
    const double local = theta - sector * std::floor(theta / sector);
    const double alpha = std::min(local, sector - local);  // angle from the nearest outer vertex
    const double p2x = inner * std::cos(sector / 2), p2y = inner * std::sin(sector / 2);
    const double ex = p2x - r, ey = p2y;
    const double den = std::cos(alpha) * ey - std::sin(alpha) * ex;
    return std::sqrt(dx * dx + dy * dy) < r * ey / den;
  }
};

}  // namespace

const std::vector<std::string>& shape_names() {
  static const std::vector<std::string> v{"circle", "square", "triangle", "star", "ring", "cross"};
  return v;
}
const std::vector<std::string>& shape_colors() {
  static const std::vector<std::string> v{"red", "green", "blue", "yellow", "purple", "orange", "white", "black", "pink", "cyan"};
  return v;
}
const std::vector<std::string>& background_colors() {
  static const std::vector<std::string> v{"black", "white", "gray", "blue", "green", "red", "yellow", "purple"};
  return v;
}
const std::vector<std::string>& shape_positions() {
  static const std::vector<std::string> v{"centre", "left", "right", "top", "bottom"};
  return v;
}

bool is_heldout_pair(const std::string& shape, const std::string& color) {
  for (const auto& [s, c] : heldout_pairs())
    if (s == shape && c == color) return true;
  return false;
}

ShapeScene random_scene(std::mt19937_64& rng, bool heldout) {
  ShapeScene s;
  if (heldout) {
    const auto& pair = pick(rng, heldout_pairs());
    s.shape = pair.first;
    s.color = pair.second;
  } else {
    do {
      s.shape = pick(rng, shape_names());
      s.color = pick(rng, shape_colors());
    } while (is_heldout_pair(s.shape, s.color));
  }
  do {
    s.background = pick(rng, background_colors());
  } while (s.background == s.color);
  s.count = std::uniform_int_distribution<int>(1, 3)(rng);
  // Groups are small so they fit; single objects come in both sizes.
  s.size = s.count == 1 && std::uniform_int_distribution<int>(0, 1)(rng) ? "large" : "small";
  s.radius = s.size == "large" ? 0.22 + jitter(rng, 0.02) : 0.11 + jitter(rng, 0.015);
  s.position = pick(rng, shape_positions());
  place(s, rng);
  return s;
}

image::Image render_scene(const ShapeScene& scene, int size, int supersample) {
  if (size < 8 || supersample < 1) throw UsageError("render_scene needs size >= 8 and supersample >= 1");
  const ShapeTest test(scene.shape, scene.radius);
  const PaletteColor bg = palette().at(scene.background), fg = palette().at(scene.color);
  const double step = 1.0 / (size * supersample), inv_samples = 1.0 / (supersample * supersample);
  image::Image img{torch::empty({size, size, 3}, torch::kUInt8)};
  auto* out = img.pixels.data_ptr<uint8_t>();
  for (int py = 0; py < size; ++py) {
    for (int px = 0; px < size; ++px) {
      // Shapes whose bounding box (radius r) touches this pixel; usually none.
      const double x0 = static_cast<double>(px) / size, y0 = static_cast<double>(py) / size, cell = 1.0 / size;
      std::vector<std::pair<double, double>> near;
      for (const auto& [cx, cy] : scene.centres)
        if (x0 - cx <= scene.radius && y0 - cy <= scene.radius && x0 + cell - cx >= -scene.radius &&
            y0 + cell - cy >= -scene.radius)
          near.emplace_back(cx, cy);
      int hits = 0;
      for (int sy = 0; !near.empty() && sy < supersample; ++sy)
        for (int sx = 0; sx < supersample; ++sx) {
          const double x = x0 + (sx + 0.5) * step, y = y0 + (sy + 0.5) * step;
          for (const auto& [cx, cy] : near)
            if (test.inside(x - cx, y - cy)) {
              ++hits;
              break;
            }
        }
      const double c = hits * inv_samples;
      uint8_t* p = out + (static_cast<int64_t>(py) * size + px) * 3;
      p[0] = static_cast<uint8_t>(std::lround(std::clamp(bg.r * (1 - c) + fg.r * c, 0.0, 255.0)));
      p[1] = static_cast<uint8_t>(std::lround(std::clamp(bg.g * (1 - c) + fg.g * c, 0.0, 255.0)));
      p[2] = static_cast<uint8_t>(std::lround(std::clamp(bg.b * (1 - c) + fg.b * c, 0.0, 255.0)));
    }
  }
  return img;
}

int caption_phrasings() { return 4; }

const std::string& position_phrase(const std::string& position) {
  static const std::map<std::string, std::string> kWhere{{"centre", "in the centre"},
                                                        {"left", "on the left"},
                                                        {"right", "on the right"},
                                                        {"top", "at the top"},
                                                        {"bottom", "at the bottom"}};
  auto it = kWhere.find(position);
  if (it == kWhere.end()) throw UsageError("unknown position '" + position + "'");
  return it->second;
}

std::string caption_scene(const ShapeScene& s, int phrasing) {
  static const char* kCounts[] = {"", "a", "two", "three"};
  const std::string noun = s.count == 1 ? s.shape : s.shape == "cross" ? "crosses" : s.shape + "s";
  // "an orange", "an orange", but "a red": the article follows the next word's sound.
  const std::string next = phrasing % caption_phrasings() == 0 || phrasing % caption_phrasings() == 2 ? s.size : s.color;
  const std::string count = s.count == 1 && std::string("aeiou").find(next[0]) != std::string::npos ? "an" : kCounts[s.count];
  const std::string& where = position_phrase(s.position);
  switch (phrasing % caption_phrasings()) {
    case 0: return count + " " + s.size + " " + s.color + " " + noun + " " + where + " on a " + s.background + " background";
    case 1: return count + " " + s.color + " " + noun + " " + where + ", " + s.background + " background";
    case 2: return s.background + " background with " + count + " " + s.size + " " + s.color + " " + noun + " " + where;
    default: return count + " " + s.color + " " + noun + " on a " + s.background + " background";
  }
}

namespace {

nlohmann::json scene_json(const ShapeScene& s, const std::string& caption) {
  return {{"caption", caption},   {"shape", s.shape},      {"color", s.color},     {"size", s.size},
          {"position", s.position}, {"background", s.background}, {"count", s.count}};
}

void write_split(const std::filesystem::path& dir, const std::string& name, int64_t count, bool heldout,
                 std::mt19937_64& rng, const ShapesDatasetOptions& o, const ProgressCallback& progress,
                 torch::Tensor* preview) {
  auto images = torch::empty({count, o.size, o.size, 3}, torch::kUInt8);
  std::string lines;
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < count; ++i) {
    auto scene = random_scene(rng, heldout);
    const int phrasing = std::uniform_int_distribution<int>(0, caption_phrasings() - 1)(rng);
    images[i] = render_scene(scene, o.size).pixels;
    lines += scene_json(scene, caption_scene(scene, phrasing)).dump() + "\n";
    if (progress && (i + 1) % 256 == 0 || i + 1 == count) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (progress && progress({"rendering " + name, i + 1, count, elapsed, ""}) == ProgressAction::stop)
        throw Cancelled();
    }
  }
  save_safetensors(dir / (name + ".safetensors"), {{"images", images}},
                   {{"split", name}, {"seed", std::to_string(o.seed)}});
  write_file_atomic(dir / (name + ".jsonl"), lines);
  if (preview && count > 0) *preview = images.narrow(0, 0, std::min<int64_t>(64, count));
}

}  // namespace

void write_shapes_dataset(const std::filesystem::path& dir, const ShapesDatasetOptions& o,
                          const ProgressCallback& progress) {
  if (o.train_count < 1 || o.heldout_count < 0) throw UsageError("the dataset needs at least one training image");
  StagedFolder out(dir, "dataset.json", "shapes dataset");
  std::mt19937_64 rng(o.seed);
  torch::Tensor preview;
  write_split(out.path(), "train", o.train_count, false, rng, o, progress, &preview);
  write_split(out.path(), "heldout", o.heldout_count, true, rng, o, progress, nullptr);
  // An 8-wide grid of the first training images, for a quick look.
  const int64_t n = preview.size(0), cols = 8, rows = (n + cols - 1) / cols;
  auto grid = torch::zeros({rows * o.size, cols * o.size, 3}, torch::kUInt8);
  for (int64_t i = 0; i < n; ++i)
    grid.narrow(0, (i / cols) * o.size, o.size).narrow(1, (i % cols) * o.size, o.size).copy_(preview[i]);
  image::write_png(out / "preview.png", {grid});
  nlohmann::json meta{{"name", "gen-shapes"}, {"version", 1}, {"seed", o.seed}, {"size", o.size},
                      {"train", o.train_count}, {"heldout", o.heldout_count},
                      {"shapes", shape_names()}, {"colors", shape_colors()}, {"backgrounds", background_colors()},
                      {"positions", shape_positions()}, {"heldout_pairs", heldout_pairs()}};
  write_file_atomic(out / "dataset.json", meta.dump(2) + "\n");
  out.commit();
}

ShapesSplit read_shapes_split(const std::filesystem::path& dir, const std::string& split) {
  const auto images_path = dir / (split + ".safetensors"), meta_path = dir / (split + ".jsonl");
  if (!std::filesystem::exists(images_path) || !std::filesystem::exists(meta_path))
    throw InputError("no shapes dataset split '" + split + "' in " + dir.string() + " (expected " + split +
                     ".safetensors and " + split + ".jsonl; make one with `gen data image -o " + dir.string() + "`)");
  ShapesSplit out;
  auto tensors = load_safetensors(images_path);
  auto it = tensors.find("images");
  if (it == tensors.end() || it->second.dim() != 4 || it->second.size(3) != 3 ||
      it->second.scalar_type() != torch::kUInt8)
    throw InputError(images_path.string() + " has no uint8 'images' tensor [N, H, W, 3]");
  out.images = it->second.contiguous();
  std::ifstream in(meta_path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      auto j = nlohmann::json::parse(line);
      ShapeScene s;
      s.shape = j.at("shape");
      s.color = j.at("color");
      s.size = j.at("size");
      s.position = j.at("position");
      s.background = j.at("background");
      s.count = j.at("count");
      out.scenes.push_back(s);
    } catch (const nlohmann::json::exception& e) {
      throw InputError(meta_path.string() + ": line " + std::to_string(out.scenes.size() + 1) + ": " + e.what());
    }
  }
  if (static_cast<int64_t>(out.scenes.size()) != out.images.size(0))
    throw InputError(meta_path.string() + " has " + std::to_string(out.scenes.size()) + " entries for " +
                     std::to_string(out.images.size(0)) + " images");
  return out;
}

}  // namespace gen::shapes
