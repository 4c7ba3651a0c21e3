// gen eval motion: text-to-motion evaluation on the humans world through its judges
// (gen/humans/motion_evaluation.h) — one markdown row per split x source on stdout, the
// report as JSON with -o — and, with --train-judges DIR, the training of those judges
// (gen/humans/judge_training.h), printing how well they read fresh real motions.
#include <cstdio>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/humans/judge_training.h>
#include <gen/humans/motion_evaluation.h>

#include "commands.h"
#include "plugin_host.h"
#include "progress_bar.h"
#include "world_eval_flags.h"

namespace gen::cli {

namespace {

struct MotionEvalArgs {
  humans::MotionEvaluationSettings settings;
  humans::JudgeTrainingOptions training;
  std::string output;
  std::string train_judges;
  bool real_only = false;
};

std::string number(const std::optional<double>& value, int decimals) {
  if (!value) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, *value);
  return text;
}

void print_motion_table_header() {
  std::printf("| split | sampler | steps | actions | specs | R@1 | R@2 | R@3 | FID | diversity | MM | skating | penetration (cm) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
}

void print_row(const humans::MotionEvaluationRow& row) {
  const auto& s = row.scores;
  std::printf("| %s | %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %.3f | %s | %.3f | %.2f |\n", row.split.c_str(),
              row.sampler.c_str(), row.steps, s.readings.action_accuracy(), s.readings.spec_accuracy(), s.r_precision.top1,
              s.r_precision.top2, s.r_precision.top3, number(s.fid, 4).c_str(), s.diversity,
              number(s.multimodality, 3).c_str(), s.skating, 100 * s.penetration);
  std::fflush(stdout);
}

int run_evaluation(MotionEvalArgs a, const CommonFlags& flags) {
  if (a.real_only) a.settings.generate = false;
  install_interrupt_handler();
  // Only a generating run needs the plugins.
  const auto registry = a.settings.generate ? discover_plugins() : PluginRegistry{};
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  bool header_printed = false;
  const auto on_row = [&](const humans::MotionEvaluationRow& row) {
    bar.finish();
    if (!header_printed) print_motion_table_header(), header_printed = true;
    print_row(row);
  };
  const auto report = humans::evaluate_motion_model(registry, a.settings, on_row, bar.callback());
  bar.finish();
  if (!a.output.empty()) write_file_atomic(a.output, report.to_json().dump(2) + "\n");
  return kExitOk;
}

void print_validation(const humans::JudgeTrainingReport& report) {
  std::printf("| split | motions | actions | specs | direction | speed | repetitions | side | R@1 | R@2 | R@3 |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& v : report.validation) {
    const auto j = v.to_json();
    auto head = [&](const char* name) { return j["heads"].contains(name) ? number(j["heads"][name].get<double>(), 3) : "-"; };
    std::printf("| %s | %d | %.3f | %.3f | %s | %s | %s | %s | %.3f | %.3f | %.3f |\n", v.split.c_str(), v.readings.motions,
                v.readings.action_accuracy(), v.readings.spec_accuracy(), head("direction").c_str(), head("speed").c_str(),
                head("repetitions").c_str(), head("side").c_str(), v.r_precision.top1, v.r_precision.top2,
                v.r_precision.top3);
  }
}

int run_training(MotionEvalArgs a, const CommonFlags& flags) {
  install_interrupt_handler();
  a.training.data = a.settings.data;
  a.training.output = a.train_judges;
  a.training.seed = static_cast<uint64_t>(a.settings.seed);
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  const auto report = humans::train_motion_judges(a.training, bar.callback());
  bar.finish();
  print_validation(report);
  std::printf("%s\n", a.train_judges.c_str());
  if (!a.output.empty()) write_file_atomic(a.output, report.to_json().dump(2) + "\n");
  return kExitOk;
}

}  // namespace

SubcommandRunner add_motion_eval_command(CLI::App& eval, CommonFlags& flags) {
  auto* cmd = eval.add_subcommand("motion", "Text-to-motion evaluation on the humans world, or training its judges");
  auto a = std::make_shared<MotionEvalArgs>();
  add_world_eval_flags(*cmd, *a,
                       {"motion", "assets/judge-motion", "motions", "a static pose and real motions of other captions",
                        "Optimiser steps of each judge"});
  auto& s = a->settings;
  cmd->add_option("--count", s.count, "Captions per split (R-precision pools 32 at a time)")->check(CLI::Range(2, 100000));
  cmd->add_option("--mm-prompts", s.mm_prompts, "Captions generated repeatedly for multimodality")->check(CLI::Range(0, 100000));
  cmd->add_option("--mm-repeats", s.mm_repeats, "Motions per such caption (1: no multimodality)")->check(CLI::Range(1, 100));
  add_common_flags(*cmd, flags);
  return {cmd, [a, &flags]() -> int {
            apply_common_flags(flags, true);
            return a->train_judges.empty() ? run_evaluation(*a, flags) : run_training(*a, flags);
          }};
}

}  // namespace gen::cli
