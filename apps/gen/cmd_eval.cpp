// gen eval image|video|motion|audio: prompt adherence on the shapes world (gen/shapes/model_evaluation.h,
// gen/shapes/video_evaluation.h), one markdown table row per split x sampler x steps
// on stdout, the whole report as JSON with -o; motion on the humans world (cmd_eval_motion.cpp), audio on the sounds world (cmd_eval_audio.cpp).
#include <cstdio>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/shapes/model_evaluation.h>
#include <gen/shapes/video_evaluation.h>

#include "commands.h"
#include "plugin_host.h"

namespace gen::cli {

namespace {

struct EvalArgs {
  shapes::EvaluationSettings settings;
  std::string output;
};

// "-" for a metric that was not measured (no --clip).
std::string optional_number(const std::optional<double>& value, int decimals) {
  if (!value) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, *value);
  return text;
}

void print_image_table_header() {
  std::printf("| split | sampler | steps | colour | shape | colour+shape | count | position | background | CLIP score | FD (CLIP) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
}

void print_row(const shapes::EvaluationRow& row) {
  const auto& r = row.result;
  std::printf("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s |\n", row.split.c_str(),
              row.sampler.c_str(), row.steps, r.color, r.shape, r.color_and_shape, r.count, r.position, r.background,
              optional_number(r.clip_score, 1).c_str(), optional_number(r.frechet, 3).c_str());
  std::fflush(stdout);
}

int run_eval(const EvalArgs& a, const CommonFlags& flags) {
  apply_common_flags(flags, true);
  auto registry = discover_plugins();
  bool header_printed = false;
  const auto report = shapes::evaluate_prompt_adherence(registry, a.settings, [&](const shapes::EvaluationRow& row) {
    if (!header_printed) print_image_table_header(), header_printed = true;
    print_row(row);
  });
  if (!a.output.empty()) write_file_atomic(a.output, report.to_json().dump(2) + "\n");
  return kExitOk;
}

struct VideoEvalArgs {
  shapes::VideoEvaluationSettings settings;
  std::string output;
  std::vector<std::string> options;  // key=value
  bool real_only = false;
};

void print_video_header() {
  std::printf("| split | sampler | steps | colour | shape | colour+shape | background | motion | consistent | flicker | FD (features) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
}

void print_video_row(const shapes::VideoEvaluationRow& row) {
  const auto& r = row.result;
  std::printf("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s |\n", row.split.c_str(),
              row.sampler.c_str(), row.steps, r.color, r.shape, r.color_and_shape, r.background, r.motion,
              r.consistent, r.flicker, optional_number(r.frechet, 3).c_str());
  std::fflush(stdout);
}

int run_video_eval(VideoEvalArgs a, const CommonFlags& flags) {
  apply_common_flags(flags, true);
  if (a.real_only) a.settings.baselines = true, a.settings.generate = false;
  parse_option_pairs(a.options, a.settings.options);
  // Only a generating run needs the plugins.
  const auto registry = a.settings.generate ? discover_plugins() : PluginRegistry{};
  bool header_printed = false;
  const auto report = shapes::evaluate_video_adherence(registry, a.settings, [&](const shapes::VideoEvaluationRow& row) {
    if (!header_printed) print_video_header(), header_printed = true;
    print_video_row(row);
  });
  if (!a.output.empty()) write_file_atomic(a.output, report.to_json().dump(2) + "\n");
  return kExitOk;
}

CLI::App* add_video_eval(CLI::App& eval, VideoEvalArgs& a, CommonFlags& flags) {
  auto* cmd = eval.add_subcommand("video", "Prompt adherence and motion on the shapes-in-motion dataset");
  auto& s = a.settings;
  cmd->add_option("-m,--model", s.model, "Model to evaluate (default: the video modality's default model)");
  cmd->add_option("-d,--data", s.data, "A `gen data video` folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--splits", s.splits, "Dataset splits")->delimiter(',')->check(CLI::IsMember({"train", "heldout"}));
  cmd->add_option("--samplers", s.samplers, "Samplers")->delimiter(',');
  cmd->add_option("--steps", s.steps, "Step counts")->delimiter(',')->check(CLI::Range(1, 1000));
  cmd->add_option("--count", s.count, "Clips per split")->check(CLI::Range(1, 100000));
  cmd->add_option("--cfg-scale", s.cfg_scale, "Classifier-free guidance scale")->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--frames", s.frames, "Frames per generated clip (default: the dataset's)")->check(CLI::Range(2, 256));
  cmd->add_option("-s,--seed", s.seed, "Seed of the first clip (clip i uses seed + i)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_option("-o,--output", a.output, "JSON report");
  cmd->add_option("--save-clips", s.save_clips, "Write every scored clip to this folder (.gif)");
  cmd->add_option("-O,--option", a.options, "Plugin option key=value on every clip (see `gen plugins`)");
  cmd->add_flag("--baselines", s.baselines, "Also score the real clips (the ceiling for the model)");
  cmd->add_flag("--real-only", a.real_only, "Score only the real clips; no model is loaded");
  add_common_flags(*cmd, flags);
  return cmd;
}

}  // namespace

Runner add_eval_command(CLI::App& app, CommonFlags& flags) {
  auto* eval = app.add_subcommand("eval", "Evaluate a model (see docs/benchmarks.md)");
  auto* cmd = eval->add_subcommand("image", "Prompt adherence on the shapes dataset");
  eval->require_subcommand(1);
  auto a = std::make_shared<EvalArgs>();
  auto& s = a->settings;
  cmd->add_option("-m,--model", s.model, "Model to evaluate (default: the embedded model)");
  cmd->add_option("-d,--data", s.data, "A `gen data image` folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--clip", s.clip, "Folder with clip_vision/, text_encoder/, tokenizer/ for CLIP score and FD")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--splits", s.splits, "Dataset splits")->delimiter(',')->check(CLI::IsMember({"train", "heldout"}));
  cmd->add_option("--samplers", s.samplers, "Samplers")->delimiter(',');
  cmd->add_option("--steps", s.steps, "Step counts")->delimiter(',')->check(CLI::Range(1, 1000));
  cmd->add_option("--count", s.count, "Prompts per split")->check(CLI::Range(1, 100000));
  cmd->add_option("--cfg-scale", s.cfg_scale, "Classifier-free guidance scale")->check(CLI::Range(0.0, 100.0));
  cmd->add_option("-s,--seed", s.seed, "Seed of the first prompt (prompt i uses seed + i)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_option("-o,--output", a->output, "JSON report");
  cmd->add_option("--save-images", s.save_images, "Write every scored image to this folder");
  cmd->add_flag("--baselines", s.baselines,
                "Also score the real images and their autoencoder round trip (the ceilings for the model)");
  add_common_flags(*cmd, flags);
  auto video_args = std::make_shared<VideoEvalArgs>();
  auto* video = add_video_eval(*eval, *video_args, flags);
  const auto motion = add_motion_eval_command(*eval, flags);
  const auto audio = add_audio_eval_command(*eval, flags);
  const auto solids = add_3d_eval_command(*eval, flags);
  return [a, video_args, &flags, cmd, video, motion, audio, solids]() -> int {
    if (video->parsed()) return run_video_eval(*video_args, flags);
    if (solids.cmd->parsed()) return solids.run();
    if (motion.cmd->parsed()) return motion.run();
    if (audio.cmd->parsed()) return audio.run();
    if (!cmd->parsed()) return kExitOk;
    return run_eval(*a, flags);
  };
}

}  // namespace gen::cli
