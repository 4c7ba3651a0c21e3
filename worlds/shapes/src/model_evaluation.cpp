// gen eval image: generates the prompts of a shapes-dataset split with a model for
// each sampler and step count, and reports prompt adherence read from the pixels,
// the CLIP score and the Fréchet distance to the real images (a markdown table on
// stdout, everything in a JSON report with -o).
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/generation.h>
#include <gen/image/image_io.h>
#include <gen/shapes/prompt_adherence.h>

#include "commands.h"
#include "plugin_host.h"

namespace gen::cli {

namespace {

namespace fs = std::filesystem;

struct EvalArgs {
  std::string model;
  std::string data;
  std::string clip;
  std::vector<std::string> splits{"train", "heldout"};
  std::vector<std::string> samplers{"ddim", "euler", "dpmpp_2m"};
  std::vector<int> steps{5, 10, 25, 50};
  int count = 100;
  double cfg_scale = 5.0;
  int64_t seed = 0;
  std::string output;
  bool baselines = false;
  std::string save_images;
};

// <dir>/<split>-<sampler>-<steps>-<i>.png, so failures can be looked at.
void save_images(const std::vector<image::Image>& images, const EvalArgs& a, const std::string& split,
                 const std::string& sampler, int steps) {
  if (a.save_images.empty()) return;
  fs::create_directories(a.save_images);
  std::string tag = sampler;
  std::replace(tag.begin(), tag.end(), ' ', '_');
  for (size_t i = 0; i < images.size(); ++i)
    image::write_png(fs::path(a.save_images) / fmt::format("{}-{}-{}-{:03d}.png", split, tag, steps, i), images[i]);
}

bool reads(const GenerationSession& session, const std::string& field) {
  const auto& inputs = session.plugin->info().inputs;
  return std::find(inputs.begin(), inputs.end(), field) != inputs.end();
}

std::vector<image::Image> generate_all(GenerationSession& session, const std::vector<shapes::EvalCase>& cases,
                                       const std::string& sampler, int steps, const EvalArgs& a,
                                       const fs::path& init_dir = {}) {
  std::vector<image::Image> out;
  for (size_t i = 0; i < cases.size(); ++i) {
    Request r;
    r.modality = Modality::image;
    r.prompt = cases[i].prompt;
    r.sampler = sampler;
    r.steps = steps;
    if (reads(session, "cfg-scale")) r.cfg_scale = a.cfg_scale;
    r.seed = a.seed + static_cast<int64_t>(i);
    r.image.width = r.image.height = static_cast<int>(cases[i].real.width());
    if (!init_dir.empty()) {
      r.image.init_image = (init_dir / (std::to_string(i) + ".png")).string();
      r.image.strength = 0.001;
    }
    out.push_back(image::Image{generate(session, r).front().data});
  }
  return out;
}

void report_row(nlohmann::json& report, const EvalArgs& a, const std::string& split, const std::string& sampler,
                int steps, const std::vector<image::Image>& images, const std::vector<shapes::EvalCase>& cases,
                shapes::ClipScorer* scorer) {
  save_images(images, a, split, sampler, steps);
  const auto r = shapes::score_generated(images, cases, scorer);
  std::printf("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s |\n", split.c_str(), sampler.c_str(),
              steps, r.color, r.shape, r.color_and_shape, r.count, r.position, r.background,
              r.clip_score ? fmt::format("{:.1f}", *r.clip_score).c_str() : "-",
              r.frechet ? fmt::format("{:.3f}", *r.frechet).c_str() : "-");
  std::fflush(stdout);
  auto j = r.to_json();
  j["split"] = split, j["sampler"] = sampler, j["steps"] = steps;
  report["runs"].push_back(j);
}

// Ceilings for the generated rows: the analyser on the dataset's own pixels, and on
// those pixels passed through the model's autoencoder (img2img at strength 0.001 of
// 1000 steps: one step from t = 1, where the noise is 3% of the signal), which is the
// best a latent model can reproduce.
void report_baselines(GenerationSession& session, const std::vector<shapes::EvalCase>& cases, const std::string& split,
                      const EvalArgs& a, const fs::path& scratch, shapes::ClipScorer* scorer, nlohmann::json& report) {
  std::vector<image::Image> real;
  const fs::path init_dir = scratch / "real";
  fs::create_directories(init_dir);
  for (size_t i = 0; i < cases.size(); ++i) {
    real.push_back(cases[i].real);
    image::write_png(init_dir / (std::to_string(i) + ".png"), cases[i].real);
  }
  report_row(report, a, split, "real images", 0, real, cases, scorer);
  auto decoded = generate_all(session, cases, "ddim", 1000, a, init_dir);
  report_row(report, a, split, "autoencoder", 1, decoded, cases, scorer);
}

int run_eval(const EvalArgs& a, const CommonFlags& flags) {
  apply_common_flags(flags, true);
  auto registry = discover_plugins();
  Request request;
  request.modality = Modality::image;
  request.model = a.model;
  auto session = open_session(registry, request);
  std::optional<shapes::ClipScorer> scorer;
  if (!a.clip.empty()) scorer.emplace(a.clip);
  const fs::path scratch = fs::temp_directory_path() / ("gen-eval-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  nlohmann::json report = {{"model", session.model}, {"plugin", session.plugin->info().name}, {"cfg_scale", a.cfg_scale},
                           {"count", a.count}, {"seed", a.seed}, {"runs", nlohmann::json::array()}};
  std::printf("| split | sampler | steps | colour | shape | colour+shape | count | position | background | CLIP score | FD (CLIP) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& split : a.splits) {
    auto cases = shapes::eval_cases(a.data, split, a.count);
    if (a.baselines) report_baselines(session, cases, split, a, scratch, scorer ? &*scorer : nullptr, report);
    for (const auto& sampler : a.samplers)
      for (int steps : a.steps) {
        auto images = generate_all(session, cases, sampler, steps, a);
        report_row(report, a, split, sampler, steps, images, cases, scorer ? &*scorer : nullptr);
      }
  }
  fs::remove_all(scratch);
  if (!a.output.empty()) write_file_atomic(a.output, report.dump(2) + "\n");
  return kExitOk;
}

}  // namespace

Runner add_eval_command(CLI::App& app, CommonFlags& flags) {
  auto* eval = app.add_subcommand("eval", "Evaluate a model (see docs/benchmarks.md)");
  auto* cmd = eval->add_subcommand("image", "Prompt adherence on the shapes dataset");
  eval->require_subcommand(1);
  auto a = std::make_shared<EvalArgs>();
  cmd->add_option("-m,--model", a->model, "Model to evaluate (default: the embedded model)");
  cmd->add_option("--data", a->data, "A `gen data image` folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--clip", a->clip, "Folder with clip_vision/, text_encoder/, tokenizer/ for CLIP score and FD")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--splits", a->splits, "Dataset splits")->delimiter(',')->check(CLI::IsMember({"train", "heldout"}));
  cmd->add_option("--samplers", a->samplers, "Samplers")->delimiter(',');
  cmd->add_option("--steps", a->steps, "Step counts")->delimiter(',')->check(CLI::Range(1, 1000));
  cmd->add_option("--count", a->count, "Prompts per split")->check(CLI::Range(1, 100000));
  cmd->add_option("--cfg-scale", a->cfg_scale, "Classifier-free guidance scale")->check(CLI::Range(0.0, 100.0));
  cmd->add_option("-s,--seed", a->seed, "Seed of the first prompt (prompt i uses seed + i)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_option("-o,--output", a->output, "JSON report");
  cmd->add_option("--save-images", a->save_images, "Write every scored image to this folder");
  cmd->add_flag("--baselines", a->baselines,
                "Also score the real images and their autoencoder round trip (the ceilings for the model)");
  add_common_flags(*cmd, flags);
  return [a, &flags, cmd]() -> int {
    if (!cmd->parsed()) return kExitOk;
    return run_eval(*a, flags);
  };
}

}  // namespace gen::cli
