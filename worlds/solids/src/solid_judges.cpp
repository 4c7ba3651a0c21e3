#include <gen/solids/solid_judges.h>

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <gen/assets.h>
#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/nn/f16_weights.h>

#include "point_classifier.h"
#include "world_config.h"

namespace gen::solids {

namespace fs = std::filesystem;

struct SolidJudges::State {
  fs::path dir;
  nlohmann::json config;
  PointClassifier classifier{nullptr};
};

SolidJudges::SolidJudges(std::shared_ptr<State> state) : state_(std::move(state)) {}

SolidJudges SolidJudges::load(const fs::path& dir) {
  auto s = std::make_shared<State>();
  s->dir = dir;
  s->config = read_json_file(dir / "config.json", "3D judge config");
  if (!s->config.is_object() || !s->config.contains("architecture"))
    throw InputError((dir / "config.json").string() + ": no \"architecture\"");
  try {
    s->classifier = PointClassifier(PointClassifierArchitecture::from_json(s->config["architecture"]));
  } catch (const InputError& e) {
    throw InputError((dir / "config.json").string() + ": " + e.what());
  }
  for (const auto& shape : s->classifier->architecture.shapes)
    if (std::find(solid_shapes().begin(), solid_shapes().end(), shape) == solid_shapes().end())
      throw InputError((dir / "config.json").string() + ": shape \"" + shape + "\" is not one of the solids world's");
  nn::load_f16_weights(dir / "judges.safetensors", *s->classifier);
  s->classifier->eval();
  return SolidJudges(std::move(s));
}

SolidJudges SolidJudges::load_default() {
  const auto dir = find_asset("judge-3d", "judges.safetensors");
  if (dir.empty()) throw InputError("no 3D judges found (looked in " + asset_places("judge-3d") + ")");
  return load(dir);
}

const nlohmann::json& SolidJudges::config() const { return state_->config; }

namespace {

std::string nearest_color(const torch::Tensor& rgb) {
  const auto median = std::get<0>(rgb.median(0));
  std::string best;
  double best_distance = std::numeric_limits<double>::infinity();
  for (const auto& name : solid_colors()) {
    const auto c = solid_rgb(name);
    const double d = (median - torch::tensor({c[0], c[1], c[2]})).pow(2).sum().item<double>();
    if (d < best_distance) best_distance = d, best = name;
  }
  return best;
}

// The word of `options` (a config object of word -> value) whose value is nearest to
// `value` on a log scale.
std::string nearest_word(const nlohmann::json& options, double value) {
  std::string best;
  double best_distance = std::numeric_limits<double>::infinity();
  for (const auto& [word, v] : options.items()) {
    const double d = std::abs(std::log(std::max(value, 1e-9) / v.get<double>()));
    if (d < best_distance) best_distance = d, best = word;
  }
  return best;
}

// Size and aspect from the geometry, whatever the shape was read as and robust to a few
// stray points: extents are between the 0.5% and 99.5% quantiles, and the width is the
// least horizontal extent over turns about y (a turned cube's bounding box is wider than
// the cube; its narrowest turn is its side).
void read_form(const torch::Tensor& xyz, SolidReading& r) {
  const auto q = torch::tensor({0.005, 0.995}, torch::kFloat64);
  const auto p = xyz.to(torch::kFloat64);
  auto extent = [&](const torch::Tensor& v) {
    const auto e = torch::quantile(v, q);
    return (e[1] - e[0]).item<double>();
  };
  const double height = extent(p.select(1, 1));
  double width = std::numeric_limits<double>::infinity();
  constexpr int kTurns = 36;  // over a quarter turn: 2.5 degrees apart
  for (int i = 0; i < kTurns; ++i) {
    const double a = M_PI / 2 * i / kTurns;
    const auto u = p.select(1, 0) * std::cos(a) + p.select(1, 2) * std::sin(a);
    const auto v = p.select(1, 2) * std::cos(a) - p.select(1, 0) * std::sin(a);
    width = std::min(width, std::max(extent(u), extent(v)));
  }
  r.size = nearest_word(config_at(world_config(), "sizes"), std::max(height, width));
  r.aspect = nearest_word(config_at(world_config(), "shapes/" + r.shape + "/heights"), height / std::max(width, 1e-9));
}

}  // namespace

std::vector<SolidReading> SolidJudges::read(const std::vector<shape3d::PointCloud>& clouds) const {
  std::vector<SolidReading> out;
  torch::NoGradGuard no_grad;
  for (const auto& cloud : clouds) {
    shape3d::check_point_cloud(cloud, "a cloud to judge");
    if (cloud.size() < 16) throw InputError("a cloud to judge needs at least 16 points");
    SolidReading r;
    const auto [embedding, logits] = state_->classifier->forward(normalise_for_judge(cloud.xyz).unsqueeze(0));
    r.shape = state_->classifier->architecture.shapes.at(static_cast<size_t>(logits.argmax(1).item<int64_t>()));
    if (cloud.has_colors()) r.color = nearest_color(cloud.rgb);
    read_form(cloud.xyz, r);
    out.push_back(std::move(r));
  }
  return out;
}

SolidScores score_readings(const std::vector<SolidSpec>& specs, const std::vector<SolidReading>& readings) {
  if (specs.size() != readings.size()) throw UsageError("score_readings: one reading per spec");
  SolidScores s;
  s.clouds = static_cast<int64_t>(specs.size());
  if (specs.empty()) return s;
  for (size_t i = 0; i < specs.size(); ++i) {
    const bool shape = specs[i].shape == readings[i].shape, color = specs[i].color == readings[i].color;
    s.shape += shape;
    s.color += color;
    s.shape_and_color += shape && color;
    s.size += specs[i].size == readings[i].size;
    s.aspect += shape && specs[i].aspect == readings[i].aspect;
  }
  const double n = static_cast<double>(specs.size());
  s.shape /= n, s.color /= n, s.shape_and_color /= n, s.size /= n, s.aspect /= n;
  return s;
}

nlohmann::json SolidScores::to_json() const {
  return {{"clouds", clouds}, {"shape", shape}, {"color", color}, {"shape_and_color", shape_and_color},
          {"size", size}, {"aspect", aspect}};
}

}  // namespace gen::solids
