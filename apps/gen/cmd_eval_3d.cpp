// gen eval 3d: a 3D model scored on the solids world (gen/solids/shape_evaluation.h) —
// the judges' shape/colour/size/aspect accuracy and the set metrics against the real
// clouds, per split, sampler and step count, after each split's real row; with
// --real-only the real rows alone; with --train-judges DIR the judges' training, printing
// how well they read fresh real clouds.
#include <cstdio>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/shape3d/point_metrics.h>
#include <gen/shape3d/shape_io.h>
#include <gen/solids/solid_dataset.h>
#include <gen/solids/sds_evaluation.h>
#include <gen/solids/shape_evaluation.h>
#include <gen/solids/solid_judges.h>

#include "commands.h"
#include "plugin_host.h"
#include "progress_bar.h"

namespace gen::cli {

namespace {

struct Eval3dArgs {
  solids::ShapeEvaluationSettings settings;
  std::string output, train_judges;
  bool real_only = false;
  solids::SolidJudgeTrainingOptions training;
  // --sds: score distillation judged from its views.
  bool sds = false;
  solids::SdsEvaluationSettings distil;
  std::vector<std::string> prompts, options;
};

void print_scores(const std::string& first, const solids::SolidScores& s, const shape3d::SetMetrics* m) {
  char metrics[96] = "- | - | -";
  if (m) std::snprintf(metrics, sizeof metrics, "%.5f | %.3f | %.3f", m->mmd, m->coverage, m->nna);
  std::printf("| %s | %lld | %.3f | %.3f | %.3f | %.3f | %.3f | %s |\n", first.c_str(), static_cast<long long>(s.clouds),
              s.shape, s.color, s.shape_and_color, s.size, s.aspect, metrics);
  std::fflush(stdout);
}

void print_3d_table_header(const char* first = "split | sampler | steps") {
  std::printf("| %s | clouds | shape | colour | shape+colour | size | aspect | MMD-CD | COV | 1-NNA |\n", first);
  std::printf("|---|%s---|---|---|---|---|---|---|---|---|\n", std::string(first).find('|') != std::string::npos ? "---|---|" : "");
}

void print_row(const solids::ShapeEvaluationRow& row) {
  const auto first = row.split + " | " + row.sampler + " | " + (row.steps > 0 ? std::to_string(row.steps) : "-");
  print_scores(first, row.scores, &row.metrics);
}

int run_training(Eval3dArgs a, const CommonFlags& flags) {
  install_interrupt_handler();
  a.training.output = a.train_judges;
  a.training.seed = static_cast<uint64_t>(a.settings.seed);
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  const auto report = solids::train_solid_judges(a.training, bar.callback());
  bar.finish();
  print_3d_table_header("fresh real");
  for (const auto& [split, scores] : report.validation) print_scores(split, scores, nullptr);
  std::printf("%s\n", a.train_judges.c_str());
  if (!a.output.empty()) write_file_atomic(a.output, report.to_json().dump(2) + "\n");
  return kExitOk;
}

int run_evaluation(Eval3dArgs a, const CommonFlags& flags) {
  if (a.settings.data.empty()) throw UsageError("gen eval 3d needs -d, a `gen data 3d` folder (or --train-judges DIR)");
  if (a.real_only) a.settings.generate = false;
  install_interrupt_handler();
  const auto registry = a.settings.generate ? discover_plugins() : PluginRegistry{};  // only a generating run needs them
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  bool header_printed = false;
  const auto on_row = [&](const solids::ShapeEvaluationRow& row) {
    bar.finish();
    if (!header_printed) print_3d_table_header(), header_printed = true;
    print_row(row);
  };
  const auto report = solids::evaluate_shape_model(registry, a.settings, on_row, bar.callback());
  bar.finish();
  if (!a.output.empty()) write_file_atomic(a.output, report.to_json().dump(2) + "\n");
  return kExitOk;
}

int run_sds_evaluation(Eval3dArgs a, const CommonFlags& flags) {
  if (!a.settings.data.empty() || a.real_only)
    throw UsageError("gen eval 3d --sds judges renders of distilled clouds; it takes no -d or --real-only");
  auto& d = a.distil;
  if (!a.prompts.empty()) d.prompts = a.prompts;
  d.seed = a.settings.seed;
  d.base.model = a.settings.model;
  d.base.cfg_scale = a.settings.cfg_scale;
  d.base.threads = flags.threads;
  parse_option_pairs(a.options, d.base.options);
  install_interrupt_handler();
  const auto registry = discover_plugins();
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  bool header_printed = false;
  const auto on_row = [&](const solids::SdsEvaluationRow& row) {
    bar.finish();
    if (!header_printed) {
      std::printf("| prompt | seed | views | colour | shape | colour+shape | seconds | read |\n|---|---|---|---|---|---|---|---|\n");
      header_printed = true;
    }
    std::string read;
    for (const auto& v : row.views) read += (read.empty() ? "" : ", ") + (v.shape.empty() ? "nothing" : v.color + " " + v.shape);
    std::printf("| %s | %lld | %zu | %.3f | %.3f | %.3f | %.0f | %s |\n", row.prompt.c_str(), static_cast<long long>(row.seed),
                row.views.size(), row.color(), row.shape(), row.color_and_shape(), row.seconds, read.c_str());
    std::fflush(stdout);
  };
  const auto report = solids::evaluate_sds(registry, d, on_row, bar.callback());
  bar.finish();
  if (!a.output.empty()) write_file_atomic(a.output, report.to_json().dump(2) + "\n");
  return kExitOk;
}

}  // namespace

SubcommandRunner add_3d_eval_command(CLI::App& eval, CommonFlags& flags) {
  auto* cmd = eval.add_subcommand("3d", "Score a 3D model on the solids world's captions with judges that never saw it");
  auto a = std::make_shared<Eval3dArgs>();
  auto& s = a->settings;
  cmd->add_option("-m,--model", s.model, "Model to evaluate (default: the 3d modality's default model)");
  cmd->add_option("-d,--data", s.data, "A `gen data 3d` folder")->check(CLI::ExistingDirectory);
  cmd->add_option("--judges", s.judges, "Judge folder (default: the shipped assets/judge-3d)")->check(CLI::ExistingDirectory);
  cmd->add_option("--splits", s.splits, "Dataset splits")->delimiter(',')->check(CLI::IsMember({"train", "heldout"}));
  cmd->add_option("--samplers,--sampler", s.samplers, "Samplers (default: the model's)")->delimiter(',');
  cmd->add_option("--steps", s.steps, "Step counts (default: the model's)")->delimiter(',')->check(CLI::Range(1, 1000));
  cmd->add_option("--cfg-scale", s.cfg_scale, "Classifier-free guidance scale (default: the model's)")->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--count", s.count, "Captions (and real clouds) per split")->check(CLI::Range(4, 100000));
  cmd->add_flag("--real-only", a->real_only, "Score the dataset's real clouds (the reference); no model is loaded");
  cmd->add_option("-s,--seed", s.seed, "Seed of the first caption (caption i uses seed + i); with --train-judges, the training seed")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_option("-o,--output", a->output, "JSON report");
  auto* train = cmd->add_option("--train-judges", a->train_judges, "Train the judges on fresh real clouds into this folder");
  cmd->add_option("--judge-steps", a->training.steps, "Optimiser steps of the classifier")->check(CLI::Range(1, 1000000))->needs(train);
  cmd->add_option("--judge-validation", a->training.validation, "Fresh real clouds per split the judges are checked on")
      ->check(CLI::Range(2, 100000))->needs(train);
  auto* sds = cmd->add_flag("--sds", a->sds,
                             "Judge score distillation instead: distil each -p, render --views orbit views, read them "
                             "with the shapes world's image analyser");
  cmd->add_option("-p,--prompt", a->prompts, "--sds: prompts naming a shapes-world colour and shape (default: \"a red "
                                             "circle on a blue background\")")->needs(sds);
  cmd->add_option("--seeds", a->distil.seeds, "--sds: runs per prompt (seeds -s, -s + 1, ...)")->check(CLI::Range(1, 1000))->needs(sds);
  cmd->add_option("--views", a->distil.views, "--sds: orbit views read per run")->check(CLI::Range(1, 360))->needs(sds);
  cmd->add_option("--sds-steps", a->distil.base.shape3d.sds_steps, "--sds: iterations per run (default: the plugin's)")
      ->check(CLI::Range(1, 100000))->needs(sds);
  cmd->add_option("--points", a->distil.base.shape3d.points, "--sds: splats per run")->check(CLI::Range(16, 100000))->needs(sds);
  cmd->add_option("--prior", a->distil.base.shape3d.prior, "--sds: the image model distilled (PLUGIN[:MODEL])")->needs(sds);
  cmd->add_option("-O,--option", a->options, "--sds: plugin option key=value (-O sds_lr=0.02, ...)")->needs(sds);
  cmd->add_option("--save-views", a->distil.save_views, "--sds: write each run's views as a PNG strip into this folder")->needs(sds);
  add_common_flags(*cmd, flags);
  return {cmd, [a, &flags]() -> int {
            apply_common_flags(flags, true);
            if (a->sds) return run_sds_evaluation(*a, flags);
            return a->train_judges.empty() ? run_evaluation(*a, flags) : run_training(*a, flags);
          }};
}

}  // namespace gen::cli
