#include <gen/error.h>
#include <gen/shapes/shapes_dataset.h>
#include <gen/solids/solid_spec.h>

#include <algorithm>
#include <cmath>

#include "world_config.h"

namespace gen::solids {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::vector<std::string> keys(const nlohmann::json& object) {
  std::vector<std::string> out;
  for (const auto& [k, v] : object.items()) out.push_back(k);
  return out;
}

std::string draw_weighted(Rng& rng, const nlohmann::json& weights) {
  double total = 0;
  for (const auto& [k, w] : weights.items()) total += w.get<double>();
  double u = rng.uniform() * total;
  for (const auto& [k, w] : weights.items()) {
    u -= w.get<double>();
    if (u < 0) return k;
  }
  return weights.items().begin().key();
}

// Size, aspect and yaw: drawn the same way for both splits.
void draw_form(Rng& rng, SolidSpec& s) {
  s.size = draw_weighted(rng, config_at(world_config(), "size_weights"));
  const auto aspects = solid_aspects(s.shape);
  if (aspects.size() > 1 && rng.chance(config_number(world_config(), "aspect_probability")))
    s.aspect = aspects[1 + static_cast<size_t>(rng.uniform() * static_cast<double>(aspects.size() - 1))];
  s.yaw = rng.uniform(0, 2 * M_PI);
}

}  // namespace

const std::vector<std::string>& solid_shapes() {
  // Config order is the judges' class order; nlohmann sorts object keys, so list them.
  static const std::vector<std::string> v{"cube", "sphere", "cylinder", "cone", "pyramid", "torus", "capsule"};
  return v;
}

const std::vector<std::string>& solid_colors() {
  static const auto v = config_strings(world_config(), "colors");
  return v;
}

std::vector<std::string> solid_aspects(const std::string& shape) {
  if (!contains(solid_shapes(), shape)) throw InputError("unknown solid shape \"" + shape + "\"");
  auto v = keys(config_at(world_config(), "shapes/" + shape + "/heights"));
  std::sort(v.begin(), v.end());  // "" first
  return v;
}

std::array<float, 3> solid_rgb(const std::string& color) {
  if (!contains(solid_colors(), color)) throw InputError("unknown solid colour \"" + color + "\"");
  auto rgb = shapes::color_rgb(color);
  for (auto& c : rgb) c /= 255.f;
  return rgb;
}

void check_solid_spec(const SolidSpec& s) {
  if (!contains(solid_shapes(), s.shape)) throw InputError("unknown solid shape \"" + s.shape + "\"");
  if (!contains(solid_colors(), s.color)) throw InputError("unknown solid colour \"" + s.color + "\"");
  if (!config_at(world_config(), "sizes").contains(s.size)) throw InputError("unknown solid size \"" + s.size + "\"");
  if (!contains(solid_aspects(s.shape), s.aspect))
    throw InputError("a " + s.shape + " cannot be \"" + s.aspect + "\"");
  if (!std::isfinite(s.yaw)) throw InputError("a solid's yaw must be finite");
}

std::string split_name(Split split) { return split == Split::train ? "train" : "heldout"; }

const std::vector<std::pair<std::string, std::string>>& heldout_pairs() {
  static const auto pairs = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& p : config_at(splits_config(), "heldout")) out.emplace_back(p.at(0), p.at(1));
    return out;
  }();
  return pairs;
}

bool is_heldout(const SolidSpec& spec) {
  const auto& pairs = heldout_pairs();
  return std::find(pairs.begin(), pairs.end(), std::make_pair(spec.shape, spec.color)) != pairs.end();
}

SolidSpec sample_solid_spec(Rng& rng, Split split) {
  SolidSpec s;
  if (split == Split::heldout) {
    const auto& pair = rng.pick(heldout_pairs());
    s.shape = pair.first;
    s.color = pair.second;
  } else {
    do {
      s.shape = rng.pick(solid_shapes());
      s.color = rng.pick(solid_colors());
    } while (is_heldout(s));
  }
  draw_form(rng, s);
  return s;
}

std::string solid_caption(const SolidSpec& spec, Rng& rng) {
  std::string adjectives = spec.size;
  if (!spec.aspect.empty()) adjectives += (adjectives.empty() ? "" : " ") + spec.aspect;
  const auto templates = config_strings(captions_config(), adjectives.empty() ? "plain" : "described");
  std::string text = rng.pick(templates);
  auto fill = [&](const std::string& key, const std::string& value) {
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key)) text.replace(at, key.size(), value);
  };
  fill("{adjectives}", adjectives);
  fill("{color}", spec.color);
  fill("{shape}", spec.shape);
  return text;
}

}  // namespace gen::solids
