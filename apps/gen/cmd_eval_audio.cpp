// gen eval audio: text-to-audio evaluation on the sounds world through its judges
// (gen/sounds/sound_evaluation.h) — one markdown row per split x source on stdout, the
// report as JSON with -o — and, with --train-judges DIR, the training of those judges
// (gen/sounds/sound_judge_training.h), printing how well they read fresh real renders.
#include <cstdio>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/sounds/sound_evaluation.h>
#include <gen/sounds/sound_judge_training.h>

#include "commands.h"
#include "plugin_host.h"
#include "progress_bar.h"
#include "world_eval_flags.h"

namespace gen::cli {

namespace {

struct AudioEvalArgs {
  sounds::SoundEvaluationSettings settings;
  sounds::SoundJudgeTrainingOptions training;
  std::string output;
  std::string train_judges;
  bool real_only = false;
};

std::string share(const sounds::Share& s) {
  if (!s.value()) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", *s.value());
  return text;
}

void print_audio_table_header(const char* first) {
  std::printf("| %s | sampler | steps | class | source | loudness | pitch | note | register | onset | duration | tempo | FD "
              "| s/clip |\n",
              first);
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
}

void print_scores(const std::string& split, const std::string& sampler, int steps, const sounds::SoundScores& s,
                  double seconds) {
  char fd[32] = "-";
  if (s.fd) std::snprintf(fd, sizeof fd, "%.3f", *s.fd);
  std::printf("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f |\n", split.c_str(), sampler.c_str(),
              steps, share(s.sound_class).c_str(), share(s.source).c_str(), share(s.loudness).c_str(), share(s.pitch).c_str(),
              share(s.note).c_str(), share(s.pitch_register).c_str(), share(s.onset).c_str(), share(s.duration).c_str(),
              share(s.tempo).c_str(), fd, seconds);
  std::fflush(stdout);
}

int run_evaluation(AudioEvalArgs a, const CommonFlags& flags) {
  if (a.real_only) a.settings.generate = false;
  install_interrupt_handler();
  // Only a generating run needs the plugins.
  const auto registry = a.settings.generate ? discover_plugins() : PluginRegistry{};
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  bool header_printed = false;
  const auto on_row = [&](const sounds::SoundEvaluationRow& row) {
    bar.finish();
    if (!header_printed) print_audio_table_header("split"), header_printed = true;
    print_scores(row.split, row.sampler, row.steps, row.scores, row.seconds_per_clip);
  };
  const auto report = sounds::evaluate_audio_model(registry, a.settings, on_row, bar.callback());
  bar.finish();
  if (report.vocoder)
    std::printf("\nvocoder resynthesis of %d real clips, judges' log-mel L1: HiFi-GAN %s, Griffin-Lim %s\n",
                report.vocoder->clips,
                report.vocoder->hifigan ? std::to_string(*report.vocoder->hifigan).c_str() : "-",
                report.vocoder->griffin_lim ? std::to_string(*report.vocoder->griffin_lim).c_str() : "-");
  if (!a.output.empty()) write_file_atomic(a.output, report.to_json().dump(2) + "\n");
  return kExitOk;
}

int run_training(AudioEvalArgs a, const CommonFlags& flags) {
  install_interrupt_handler();
  a.training.data = a.settings.data;
  a.training.output = a.train_judges;
  a.training.seed = static_cast<uint64_t>(a.settings.seed);
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  const auto report = sounds::train_sound_judges(a.training, bar.callback());
  bar.finish();
  print_audio_table_header("fresh real");
  for (const auto& v : report.validation) print_scores(v.split, "real renders", 0, v.scores, 0);
  std::printf("%s\n", a.train_judges.c_str());
  if (!a.output.empty()) write_file_atomic(a.output, report.to_json().dump(2) + "\n");
  return kExitOk;
}

}  // namespace

SubcommandRunner add_audio_eval_command(CLI::App& eval, CommonFlags& flags) {
  auto* cmd = eval.add_subcommand("audio", "Text-to-audio evaluation on the sounds world, or training its judges");
  auto a = std::make_shared<AudioEvalArgs>();
  add_world_eval_flags(*cmd, *a,
                       {"audio", "assets/judge-audio", "clips", "silence and real clips of other captions",
                        "Optimiser steps of the classifier"});
  auto& s = a->settings;
  cmd->add_option("--count", s.count, "Captions per split")->check(CLI::Range(2, 100000));
  cmd->add_option("--vocoder-clips", s.vocoder_clips, "Real clips resynthesised to measure the vocoder (0: skip)")
      ->check(CLI::Range(0, 100000));
  add_common_flags(*cmd, flags);
  return {cmd, [a, &flags]() -> int {
            apply_common_flags(flags, true);
            return a->train_judges.empty() ? run_evaluation(*a, flags) : run_training(*a, flags);
          }};
}

}  // namespace gen::cli
