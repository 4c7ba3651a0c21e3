// The flags that every world's evaluation command shares (gen eval audio, gen eval motion):
// the model, the data and the judges; which splits, samplers and steps; the seed, the
// report, the baselines; and --train-judges, which trains the judges instead. `Args` holds
// `settings` (model, data, judges, splits, samplers, steps, cfg_scale, seed, baselines),
// `training` (steps, validation), `output`, `train_judges` and `real_only`.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

namespace gen::cli {

struct WorldEvalWords {
  std::string modality;   // "audio"
  std::string judges;     // "assets/judge-audio"
  std::string real;       // "clips": what the world makes
  std::string baselines;  // "silence and real clips of other captions"
  std::string judge_steps;  // help of --judge-steps
};

template <class Args>
void add_world_eval_flags(CLI::App& cmd, Args& a, const WorldEvalWords& w) {
  auto& s = a.settings;
  cmd.add_option("-m,--model", s.model, "Model to evaluate (default: the " + w.modality + " modality's default model)");
  cmd.add_option("-d,--data", s.data, "A `gen data " + w.modality + "` folder")->required()->check(CLI::ExistingDirectory);
  cmd.add_option("--judges", s.judges, "Judge folder (default: the shipped " + w.judges + ")")->check(CLI::ExistingDirectory);
  cmd.add_option("--splits", s.splits, "Dataset splits")->delimiter(',')->check(CLI::IsMember({"train", "heldout"}));
  cmd.add_option("--samplers,--sampler", s.samplers, "Samplers (default: the model's)")->delimiter(',');
  cmd.add_option("--steps", s.steps, "Step counts (default: the model's)")->delimiter(',')->check(CLI::Range(1, 1000));
  cmd.add_option("--cfg-scale", s.cfg_scale, "Classifier-free guidance scale (default: the model's)")
      ->check(CLI::Range(0.0, 100.0));
  cmd.add_option("-s,--seed", s.seed, "Seed of the first caption (caption i uses seed + i); with --train-judges, the training seed")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd.add_option("-o,--output", a.output, "JSON report");
  cmd.add_flag("--baselines", s.baselines, "Also score " + w.baselines);
  cmd.add_flag("--real-only", a.real_only, "Score only the real " + w.real + " (the reference); no model is loaded");
  auto* train = cmd.add_option("--train-judges", a.train_judges,
                               "Train the judges on the dataset's real " + w.real + " into this folder instead of evaluating");
  cmd.add_option("--judge-steps", a.training.steps, w.judge_steps + " (with --train-judges)")
      ->check(CLI::Range(1, 1000000))->needs(train);
  cmd.add_option("--judge-validation", a.training.validation, "Fresh real " + w.real + " per split the judges are checked on")
      ->check(CLI::Range(2, 100000))->needs(train);
}

}  // namespace gen::cli
