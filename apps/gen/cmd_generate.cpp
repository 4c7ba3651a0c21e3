// gen image|video|audio|3d|motion: parse a Request and hand it to the generation
// host (gen/generation.h), which picks the plugin, validates, runs and writes.
#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>

#include <gen/error.h>
#include <gen/generation.h>

#include "commands.h"
#include "output_formats.h"
#include "plugin_host.h"
#include "progress_bar.h"

namespace gen::cli {

namespace {

struct GenerateArgs {
  Request request;
  std::string output;
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
  cmd.add_option("-b,--batch-count", r.batch_count, "How many outputs (numbered files)")
      ->check(CLI::Range(1, 10000));
  cmd.add_option("--device", r.device, "Compute device")->check(CLI::IsMember({"cpu"}));
  cmd.add_option("-O,--option", a.options, "Plugin option key=value (see `gen plugins`)");
}

// The modality's parameter block, flag by flag, from core's declaration of it.
void add_modality_options(CLI::App& cmd, Modality modality, GenerateArgs& a) {
  for (const auto& field : request_fields(modality)) {
    const auto flags = (field.short_flag.empty() ? "" : field.short_flag + ",") + "--" + field.name;
    if (field.type == OptionType::boolean) {
      cmd.add_flag_function(flags, [&a, &field](int64_t) { field.set(a.request, "true"); }, field.help);
      continue;
    }
    auto* opt = cmd.add_option_function<std::string>(
        flags, [&a, &field](const std::string& v) { field.set(a.request, v); }, field.help);
    if (field.existing_file) opt->check(CLI::ExistingFile);
    if (field.type == OptionType::number) opt->check(kFinite);
  }
}

int run_generate(GenerateArgs& a, const CommonFlags& flags) {
  apply_common_flags(flags, true);
  parse_option_pairs(a.options, a.request.options);
  a.request.threads = flags.threads;
  auto registry = discover_plugins();
  OutputFormats formats;
  add_output_formats(formats);
  install_interrupt_handler();
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  std::vector<WrittenFile> written;
  try {
    written = generate_files(registry, a.request, a.output, formats, bar.callback());
  } catch (const PluginError&) {
    throw;
  } catch (const ModelError& e) {
    throw ModelError(e.what() + failure_hint(registry));
  }
  bar.finish();
  for (const auto& file : written) std::printf("%s\n", file.path.c_str());
  return kExitOk;
}

}  // namespace

Runner add_generate_command(CLI::App& app, Modality modality, const std::string& description,
                            CommonFlags& flags) {
  auto* cmd = app.add_subcommand(modality_name(modality), description);
  auto args = std::make_shared<GenerateArgs>();
  args->request.modality = modality;
  add_request_options(*cmd, *args);
  add_modality_options(*cmd, modality, *args);
  cmd->add_option("-o,--output", args->output,
                  std::string("Output file (default output") + default_extension(modality) + "; a batch adds _N)");
  add_common_flags(*cmd, flags);
  cmd->add_option("--config", "Read options from a JSON or YAML file (the command line wins)");
  return [args, &flags] { return run_generate(*args, flags); };
}

}  // namespace gen::cli
