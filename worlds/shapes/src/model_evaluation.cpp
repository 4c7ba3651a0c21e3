#include <gen/shapes/model_evaluation.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include <gen/generation.h>
#include <gen/image/image_io.h>

#include "evaluation_request.h"

namespace gen::shapes {

namespace {

namespace fs = std::filesystem;

// A folder of this process's, removed however the evaluation ends.
struct ScratchDir {
  fs::path path = fs::temp_directory_path() / ("gen-eval-" + std::to_string(::getpid()));
  ScratchDir() { fs::create_directories(path); }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// <dir>/<split>-<sampler>-<steps>-<i>.png, so failures can be looked at.
void save_images(const std::vector<image::Image>& images, const EvaluationSettings& s, const EvaluationRow& row) {
  if (s.save_images.empty()) return;
  fs::create_directories(s.save_images);
  std::string tag = row.sampler;
  std::replace(tag.begin(), tag.end(), ' ', '_');
  for (size_t i = 0; i < images.size(); ++i) {
    char index[16];
    std::snprintf(index, sizeof index, "%03zu", i);
    const auto name = row.split + "-" + tag + "-" + std::to_string(row.steps) + "-" + index + ".png";
    image::write_png(s.save_images / name, images[i]);
  }
}

// One image per case, case i with seed + i. With `init_dir`, case i starts from
// <init_dir>/<i>.png at the smallest strength (an autoencoder round trip).
std::vector<image::Image> generate_all(GenerationSession& session, const std::vector<EvalCase>& cases,
                                       const std::string& sampler, int steps, const EvaluationSettings& s,
                                       const fs::path& init_dir = {}) {
  std::vector<image::Image> out;
  for (size_t i = 0; i < cases.size(); ++i) {
    auto r = evaluation_request(session, Modality::image, cases[i].prompt, sampler, steps, s.cfg_scale,
                                s.seed + static_cast<int64_t>(i));
    r.image.width = r.image.height = static_cast<int>(cases[i].real.width());
    if (!init_dir.empty()) {
      r.image.init_image = (init_dir / (std::to_string(i) + ".png")).string();
      r.image.strength = 0.001;
    }
    out.push_back(image::Image{generate(session, r).front().data});
  }
  return out;
}

// Scores one set of images and hands the row on.
class RowScorer {
 public:
  RowScorer(const EvaluationSettings& settings, EvaluationReport& report,
            const std::function<void(const EvaluationRow&)>& on_row)
      : settings_(settings), report_(report), on_row_(on_row) {
    if (!settings.clip.empty()) clip_.emplace(settings.clip);
  }

  void score(const std::string& split, const std::string& sampler, int steps, const std::vector<image::Image>& images,
             const std::vector<EvalCase>& cases) {
    EvaluationRow row{split, sampler, steps, {}};
    save_images(images, settings_, row);
    row.result = score_generated(images, cases, clip_ ? &*clip_ : nullptr);
    report_.rows.push_back(std::move(row));
    if (on_row_) on_row_(report_.rows.back());
  }

 private:
  const EvaluationSettings& settings_;
  EvaluationReport& report_;
  const std::function<void(const EvaluationRow&)>& on_row_;
  std::optional<ClipScorer> clip_;
};

// Ceilings for the generated rows: the analyser on the dataset's own pixels, and on
// those pixels passed through the model's autoencoder (img2img at strength 0.001 of
// 1000 steps: one step from t = 1, where the noise is 3% of the signal), which is the
// best a latent model can reproduce.
void score_baselines(GenerationSession& session, const std::vector<EvalCase>& cases, const std::string& split,
                     const EvaluationSettings& s, const fs::path& scratch, RowScorer& scorer) {
  std::vector<image::Image> real;
  const fs::path init_dir = scratch / "real";
  fs::create_directories(init_dir);
  for (size_t i = 0; i < cases.size(); ++i) {
    real.push_back(cases[i].real);
    image::write_png(init_dir / (std::to_string(i) + ".png"), cases[i].real);
  }
  scorer.score(split, "real images", 0, real, cases);
  scorer.score(split, "autoencoder", 1, generate_all(session, cases, "ddim", 1000, s, init_dir), cases);
}

}  // namespace

nlohmann::json EvaluationRow::to_json() const {
  auto j = result.to_json();
  j["split"] = split, j["sampler"] = sampler, j["steps"] = steps;
  return j;
}

nlohmann::json EvaluationReport::to_json() const {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& row : rows) runs.push_back(row.to_json());
  return {{"model", model}, {"plugin", plugin}, {"cfg_scale", cfg_scale},
          {"count", count}, {"seed", seed},     {"runs", runs}};
}

EvaluationReport evaluate_prompt_adherence(const PluginRegistry& registry, const EvaluationSettings& s,
                                           const std::function<void(const EvaluationRow&)>& on_row) {
  Request request;
  request.modality = Modality::image;
  request.model = s.model;
  auto session = open_session(registry, request);
  EvaluationReport report{session.model, session.plugin->info().name, s.cfg_scale, s.count, s.seed, {}};
  RowScorer scorer(s, report, on_row);
  const ScratchDir scratch;
  for (const auto& split : s.splits) {
    const auto cases = eval_cases(s.data, split, s.count);
    if (s.baselines) score_baselines(session, cases, split, s, scratch.path, scorer);
    for (const auto& sampler : s.samplers)
      for (int steps : s.steps)
        scorer.score(split, sampler, steps, generate_all(session, cases, sampler, steps, s), cases);
  }
  return report;
}

}  // namespace gen::shapes
