// gen image|video|audio|3d|motion: parse a Request, pick the plugin, run it, report.
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>

#include <gen/error.h>
#include <gen/output.h>
#include <gen/registry.h>

#include "commands.h"
#include "plugin_host.h"
#include "progress_bar.h"

namespace gen::cli {

namespace {

struct GenerateArgs {
  Request request;
  std::vector<std::string> options;  // key=value
};

// CLI::Range lets NaN through (every comparison with NaN is false).
const CLI::Validator kFinite(
    [](std::string& text) -> std::string {
      try {
        return std::isfinite(std::stod(text)) ? "" : "must be a finite number";
      } catch (const std::exception&) {
        return "must be a number";
      }
    },
    "FINITE");

void add_request_options(CLI::App& cmd, GenerateArgs& a) {
  Request& r = a.request;
  cmd.add_option("-p,--prompt", r.prompt, "What to generate");
  cmd.add_option("-n,--negative-prompt", r.negative_prompt, "What to steer away from");
  cmd.add_option("-m,--model", r.model, "Model name or path, or plugin:model (default: the embedded model)");
  cmd.add_option("--steps", r.steps, "Sampling steps (0 = model default)")->check(CLI::Range(0, 10000));
  cmd.add_option("--cfg-scale", r.cfg_scale, "Classifier-free guidance scale (default: model's)")
      ->check(kFinite)->check(CLI::Range(0.0, 100.0));
  cmd.add_option("--sampler,--sampling-method", r.sampler, "Sampler (e.g. euler, euler_a, dpmpp_2m, ddim)");
  cmd.add_option("--scheduler", r.scheduler, "Sigma schedule (e.g. karras, exponential; default: model's)");
  cmd.add_option("-s,--seed", r.seed, "Random seed (-1 = random; batch item i uses seed+i)")
      ->check(CLI::Range(int64_t{-1}, int64_t{0x7fffffffffffffff}));
  cmd.add_option("-W,--width", r.width, "Width in pixels (0 = model default)")->check(CLI::Range(0, 16384));
  cmd.add_option("-H,--height", r.height, "Height in pixels (0 = model default)")->check(CLI::Range(0, 16384));
  cmd.add_option("-b,--batch-count", r.batch_count, "How many outputs (numbered files)")
      ->check(CLI::Range(1, 10000));
  cmd.add_option("--device", r.device, "Compute device")->check(CLI::IsMember({"cpu"}));
  cmd.add_option("-O,--option", a.options, "Plugin option key=value (see `gen plugins`)");
}

void add_modality_options(CLI::App& cmd, Modality modality, GenerateArgs& a) {
  auto& o = a.request.options;
  auto opt = [&](const std::string& flags, const std::string& key, const std::string& help) {
    return cmd.add_option_function<std::string>(flags, [&o, key](const std::string& v) { o[key] = v; }, help);
  };
  if (modality == Modality::image) {
    opt("-i,--init-image", "init_image", "Start from this image (img2img)")->check(CLI::ExistingFile);
    opt("--strength", "strength", "img2img strength in (0, 1]")->check(kFinite)->check(CLI::Range(0.0, 1.0));
    opt("--mask", "mask", "Inpainting mask (white = repaint)")->check(CLI::ExistingFile);
    opt("--pad", "pad", "Outpaint by L,T,R,B pixels around the init image");
    opt("--preview-every", "preview_every", "Write a cheap preview every k steps")->check(CLI::Range(0, 10000));
  } else if (modality == Modality::video || modality == Modality::motion) {
    opt("--frames", "frames", "Number of frames")->check(CLI::Range(1, 100000));
    opt("--fps", "fps", "Frames per second")->check(CLI::Range(1, 1000));
  } else if (modality == Modality::audio) {
    opt("--duration", "duration", "Length in seconds")->check(kFinite)->check(CLI::Range(0.1, 3600.0));
  }
}

std::string default_output(Modality m) {
  switch (m) {
    case Modality::image: return "output.png";
    case Modality::video: return "output.mp4";
    case Modality::audio: return "output.wav";
    case Modality::shape3d: return "output.ply";
    case Modality::motion: return "output.bvh";
  }
  return "output";
}

void parse_plugin_options(GenerateArgs& a) {
  for (const auto& kv : a.options) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--option expects key=value, got '" + kv + "'");
    a.request.options[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
}

int run_generate(Modality modality, GenerateArgs& a, const CommonFlags& flags) {
  apply_common_flags(flags, true);
  parse_plugin_options(a);
  Request& r = a.request;
  if (r.output.empty()) r.output = default_output(modality);
  r.threads = flags.threads;
  r.seed = resolve_seed(r.seed);
  if (auto dir = std::filesystem::path(r.output).parent_path(); !dir.empty() && !std::filesystem::is_directory(dir))
    throw UsageError("output directory does not exist: " + dir.string());

  auto registry = discover_plugins();
  PluginRegistry::Resolved target;
  try {
    target = registry.resolve(modality, r.model);
  } catch (const ModelError& e) {
    throw ModelError(e.what() + failure_hint(registry));
  }
  r.model = target.model;
  spdlog::debug("using plugin {} ({}) model '{}' seed {}", target.plugin->info().name,
                target.plugin->path(), r.model, r.seed);

  install_interrupt_handler();
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  auto generator = target.plugin->create_generator(r.model, bar.callback());
  Result result = generator->run(r, bar.callback());
  bar.finish();
  for (const auto& artifact : result.artifacts) std::printf("%s\n", artifact.path.c_str());
  return kExitOk;
}

}  // namespace

Runner add_generate_command(CLI::App& app, Modality modality, const std::string& description,
                            CommonFlags& flags) {
  auto* cmd = app.add_subcommand(modality_name(modality), description);
  auto args = std::make_shared<GenerateArgs>();
  add_request_options(*cmd, *args);
  add_modality_options(*cmd, modality, *args);
  cmd->add_option("-o,--output", args->request.output,
                  "Output file (default " + default_output(modality) + "; a batch adds _N)");
  add_common_flags(*cmd, flags);
  cmd->add_option("--config", "Read options from a JSON or YAML file (the command line wins)");
  return [modality, args, &flags] { return run_generate(modality, *args, flags); };
}

}  // namespace gen::cli
