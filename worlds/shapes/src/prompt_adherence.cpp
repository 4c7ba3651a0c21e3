#include <gen/shapes/prompt_adherence.h>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/shapes/shape_analysis.h>

namespace gen::shapes {

std::vector<EvalCase> eval_cases(const std::filesystem::path& data_dir, const std::string& split, int n) {
  auto data = read_shapes_split(data_dir, split);
  if (n < 1 || n > static_cast<int>(data.scenes.size()))
    throw UsageError("--count must be in 1.." + std::to_string(data.scenes.size()) + " for split " + split);
  std::vector<EvalCase> cases;
  for (int i = 0; i < n; ++i)
    cases.push_back({data.scenes[static_cast<size_t>(i)], caption_scene(data.scenes[static_cast<size_t>(i)], 0),
                     image::Image{data.images[i].clone()}});
  return cases;
}

namespace {

nlohmann::json verdict_json(const ImageVerdict& v) {
  nlohmann::json missed = nlohmann::json::array();
  for (auto [ok, name] : {std::pair{v.check.color, "color"}, {v.check.shape, "shape"}, {v.check.count, "count"},
                          {v.check.position, "position"}, {v.check.background, "background"}})
    if (!ok) missed.push_back(name);
  nlohmann::json objects = nlohmann::json::array();
  for (const auto& o : v.found.objects)
    objects.push_back({{"shape", o.shape}, {"color", o.color}, {"cx", o.cx}, {"cy", o.cy}, {"area", o.area}});
  return {{"prompt", v.prompt},
          {"missed", missed},
          {"found", {{"background", v.found.background}, {"position", v.found.position}, {"objects", objects}}}};
}

}  // namespace

nlohmann::json AdherenceReport::to_json() const {
  nlohmann::json j = {{"images", images},   {"color", color},       {"shape", shape},
                      {"color_and_shape", color_and_shape},         {"count", count},
                      {"position", position}, {"background", background}};
  if (clip_score) j["clip_score"] = *clip_score;
  if (frechet) j["frechet_clip"] = *frechet;
  j["failures"] = nlohmann::json::array();
  for (size_t i = 0; i < verdicts.size(); ++i)
    if (auto f = verdict_json(verdicts[i]); !f["missed"].empty()) f["index"] = i, j["failures"].push_back(f);
  return j;
}

AdherenceReport score_generated(const std::vector<image::Image>& generated, const std::vector<EvalCase>& cases,
                                ClipScorer* scorer) {
  if (generated.size() != cases.size() || generated.empty())
    throw UsageError("score_generated needs one generated image per case");
  AdherenceReport r;
  r.images = static_cast<int>(generated.size());
  for (size_t i = 0; i < generated.size(); ++i) {
    auto found = analyse_scene(generated[i]);
    auto c = check_adherence(found, cases[i].scene);
    r.verdicts.push_back({cases[i].prompt, c, std::move(found)});
    r.color += c.color, r.shape += c.shape, r.color_and_shape += c.color_and_shape();
    r.count += c.count, r.position += c.position, r.background += c.background;
  }
  for (double* v : {&r.color, &r.shape, &r.color_and_shape, &r.count, &r.position, &r.background}) *v /= r.images;
  if (scorer) {
    std::vector<std::string> prompts;
    std::vector<image::Image> real;
    for (const auto& c : cases) prompts.push_back(c.prompt), real.push_back(c.real);
    r.clip_score = scorer->score(generated, prompts).mean().item<double>();
    if (generated.size() >= 2)
      r.frechet = frechet_distance(scorer->image_features(generated), scorer->image_features(real));
  }
  return r;
}

}  // namespace gen::shapes
