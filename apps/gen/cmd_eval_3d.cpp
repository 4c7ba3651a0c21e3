// gen eval 3d: the solids world's 3D judges (gen/solids/solid_judges.h) — with
// --train-judges DIR their training, printing how well they read fresh real clouds; with
// -d DATA --real-only their reading of a dataset's real clouds, split by split, and the
// set metrics (MMD-CD, COV, 1-NNA) between two halves of each split: the floor a
// generator is measured against. Scoring a model comes with the points3d plugin.
#include <cstdio>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/shape3d/point_metrics.h>
#include <gen/shape3d/shape_io.h>
#include <gen/solids/solid_dataset.h>
#include <gen/solids/solid_judges.h>

#include "commands.h"
#include "progress_bar.h"

namespace gen::cli {

namespace {

struct Eval3dArgs {
  std::string data, judges, output, train_judges;
  std::vector<std::string> splits{"train", "heldout"};
  int count = 200;
  bool real_only = false;
  int64_t seed = 0;
  solids::SolidJudgeTrainingOptions training;
};

void print_header(const char* first) {
  std::printf("| %s | clouds | shape | colour | shape+colour | size | aspect | MMD-CD | COV | 1-NNA |\n", first);
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
}

void print_row(const std::string& split, const solids::SolidScores& s, const shape3d::SetMetrics* m) {
  char metrics[96] = "- | - | -";
  if (m) std::snprintf(metrics, sizeof metrics, "%.5f | %.3f | %.3f", m->mmd, m->coverage, m->nna);
  std::printf("| %s | %lld | %.3f | %.3f | %.3f | %.3f | %.3f | %s |\n", split.c_str(), static_cast<long long>(s.clouds),
              s.shape, s.color, s.shape_and_color, s.size, s.aspect, metrics);
  std::fflush(stdout);
}

int run_training(Eval3dArgs a, const CommonFlags& flags) {
  install_interrupt_handler();
  a.training.output = a.train_judges;
  a.training.seed = static_cast<uint64_t>(a.seed);
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  const auto report = solids::train_solid_judges(a.training, bar.callback());
  bar.finish();
  print_header("fresh real");
  for (const auto& [split, scores] : report.validation) print_row(split, scores, nullptr);
  std::printf("%s\n", a.train_judges.c_str());
  if (!a.output.empty()) write_file_atomic(a.output, report.to_json().dump(2) + "\n");
  return kExitOk;
}

int run_real(const Eval3dArgs& a) {
  if (!a.real_only)
    throw UsageError("gen eval 3d scores only real clouds (--real-only) or trains its judges (--train-judges) until "
                     "the points3d plugin lands (docs/3d.md)");
  if (a.data.empty()) throw UsageError("--real-only needs -d, a `gen data 3d` folder");
  const auto judges = a.judges.empty() ? solids::SolidJudges::load_default() : solids::SolidJudges::load(a.judges);
  const auto data = solids::load_solid_dataset(a.data);
  nlohmann::json runs = nlohmann::json::array();
  print_header("split (real)");
  for (const auto& split : a.splits) {
    std::vector<solids::SolidSpec> specs;
    std::vector<shape3d::PointCloud> clouds;
    for (const auto& item : data.items) {
      if (item.split != split || static_cast<int>(clouds.size()) >= a.count) continue;
      specs.push_back(item.spec);
      clouds.push_back(shape3d::read_point_cloud(data.root / item.file));
    }
    if (clouds.size() < 4) throw InputError(a.data + " has fewer than 4 " + split + " clouds");
    const auto scores = solids::score_readings(specs, judges.read(clouds));
    // Two halves of the same real split: the set metrics' floor.
    std::vector<torch::Tensor> first, second;
    for (size_t i = 0; i < clouds.size(); ++i) (i % 2 ? second : first).push_back(clouds[i].xyz);
    const auto metrics = shape3d::set_metrics(first, second);
    print_row(split, scores, &metrics);
    auto row = scores.to_json();
    row["split"] = split;
    row["sampler"] = "real";
    row["mmd_cd"] = metrics.mmd;
    row["cov"] = metrics.coverage;
    row["nna"] = metrics.nna;
    runs.push_back(row);
  }
  if (!a.output.empty())
    write_file_atomic(a.output, nlohmann::json{{"data", a.data}, {"judges", judges.config()}, {"runs", runs}}.dump(2) + "\n");
  return kExitOk;
}

}  // namespace

SubcommandRunner add_3d_eval_command(CLI::App& eval, CommonFlags& flags) {
  auto* cmd = eval.add_subcommand("3d", "The solids world's 3D judges on real clouds, or training them");
  auto a = std::make_shared<Eval3dArgs>();
  cmd->add_option("-d,--data", a->data, "A `gen data 3d` folder")->check(CLI::ExistingDirectory);
  cmd->add_option("--judges", a->judges, "Judge folder (default: the shipped assets/judge-3d)")->check(CLI::ExistingDirectory);
  cmd->add_option("--splits", a->splits, "Dataset splits")->delimiter(',')->check(CLI::IsMember({"train", "heldout"}));
  cmd->add_option("--count", a->count, "Clouds per split")->check(CLI::Range(4, 100000));
  cmd->add_flag("--real-only", a->real_only, "Score the dataset's real clouds (the reference); no model is loaded");
  cmd->add_option("-s,--seed", a->seed, "With --train-judges, the training seed")->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_option("-o,--output", a->output, "JSON report");
  auto* train = cmd->add_option("--train-judges", a->train_judges, "Train the judges on fresh real clouds into this folder");
  cmd->add_option("--judge-steps", a->training.steps, "Optimiser steps of the classifier")->check(CLI::Range(1, 1000000))->needs(train);
  cmd->add_option("--judge-validation", a->training.validation, "Fresh real clouds per split the judges are checked on")
      ->check(CLI::Range(2, 100000))->needs(train);
  add_common_flags(*cmd, flags);
  return {cmd, [a, &flags]() -> int {
            apply_common_flags(flags, true);
            return a->train_judges.empty() ? run_real(*a) : run_training(*a, flags);
          }};
}

}  // namespace gen::cli
