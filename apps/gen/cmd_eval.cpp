// gen eval image: generates the prompts of a shapes-dataset split with a model for
// each sampler and step count, and reports prompt adherence read from the pixels,
// the CLIP score and the Fréchet distance to the real images (a markdown table on
// stdout, everything in a JSON report with -o).
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/image/image_io.h>
#include <gen/image/prompt_adherence.h>

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
};

std::vector<image::Image> generate_all(Generator& generator, const std::vector<image::EvalCase>& cases,
                                       const std::string& sampler, int steps, const EvalArgs& a,
                                       const fs::path& scratch) {
  std::vector<image::Image> out;
  for (size_t i = 0; i < cases.size(); ++i) {
    Request r;
    r.prompt = cases[i].prompt;
    r.sampler = sampler;
    r.steps = steps;
    r.cfg_scale = a.cfg_scale;
    r.seed = a.seed + static_cast<int64_t>(i);
    r.width = r.height = static_cast<int>(cases[i].real.width());
    r.output = (scratch / "eval.png").string();
    auto result = generator.run(r, {});
    if (result.artifacts.empty()) throw ModelError("the generator wrote no image");
    out.push_back(image::read_image(result.artifacts.front().path));
  }
  return out;
}

int run_eval(const EvalArgs& a, const CommonFlags& flags) {
  apply_common_flags(flags, true);
  auto registry = discover_plugins();
  auto target = registry.resolve(Modality::image, a.model);
  auto generator = target.plugin->create_generator(target.model, {});
  std::optional<image::ClipScorer> scorer;
  if (!a.clip.empty()) scorer.emplace(a.clip);
  const fs::path scratch = fs::temp_directory_path() / ("gen-eval-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  nlohmann::json report = {{"model", target.model}, {"plugin", target.plugin->info().name}, {"cfg_scale", a.cfg_scale},
                           {"count", a.count}, {"seed", a.seed}, {"runs", nlohmann::json::array()}};
  std::printf("| split | sampler | steps | colour | shape | colour+shape | count | position | CLIP score | FD (CLIP) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& split : a.splits) {
    auto cases = image::eval_cases(a.data, split, a.count);
    for (const auto& sampler : a.samplers)
      for (int steps : a.steps) {
        auto images = generate_all(*generator, cases, sampler, steps, a, scratch);
        auto r = image::score_generated(images, cases, scorer ? &*scorer : nullptr);
        std::printf("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s |\n", split.c_str(), sampler.c_str(),
                    steps, r.color, r.shape, r.color_and_shape, r.count, r.position,
                    r.clip_score ? fmt::format("{:.1f}", *r.clip_score).c_str() : "-",
                    r.frechet ? fmt::format("{:.3f}", *r.frechet).c_str() : "-");
        std::fflush(stdout);
        auto j = r.to_json();
        j["split"] = split, j["sampler"] = sampler, j["steps"] = steps;
        report["runs"].push_back(j);
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
  add_common_flags(*cmd, flags);
  return [a, &flags, cmd]() -> int {
    if (!cmd->parsed()) return kExitOk;
    return run_eval(*a, flags);
  };
}

}  // namespace gen::cli
