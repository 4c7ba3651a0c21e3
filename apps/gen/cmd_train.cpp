// gen train PLUGIN: runs the plugin's training with the core trainer.
#include <malloc.h>

#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/output.h>

#include "commands.h"
#include "plugin_host.h"
#include "progress_bar.h"

namespace gen::cli {

namespace {

struct TrainArgs {
  std::string plugin;
  TrainRequest request;
  std::vector<std::string> options;
};

// A training step frees and allocates the same tensors every time. Left to itself,
// glibc hands blocks above its mmap threshold back to the kernel and trims the heap,
// and faulting the pages in again cost a quarter of a step of the default image model.
void keep_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

// `gen train PLUGIN --help`: the plugin's stages and their options, from its declaration.
std::string stages_help(const std::string& plugin_name) {
  if (plugin_name.empty()) return "Run `gen train PLUGIN --help` for a plugin's stages and options.";
  auto registry = discover_plugins();
  const LoadedPlugin* plugin = registry.find(plugin_name);
  if (!plugin) return "No plugin named '" + plugin_name + "' is installed (see `gen plugins`).";
  const auto& stages = plugin->info().training;
  if (stages.empty()) return "Plugin '" + plugin_name + "' cannot train models.";
  std::string text = "Training stages of " + plugin_name + " (-m STAGE), each with its -O options:\n";
  for (const auto& stage : stages) {
    text += "\n  " + stage.name + ": " + stage.help + "\n";
    for (const auto& o : stage.options)
      text += "    -O " + o.name + "=<" + o.describe() + ">  " + o.help +
              (o.default_value.empty() ? "" : " (default " + o.default_value + ")") + "\n";
  }
  return text;
}

int run_train(TrainArgs& a, const CommonFlags& flags) {
  apply_common_flags(flags, true);
  keep_freed_memory();
  parse_option_pairs(a.options, a.request.options);
  a.request.threads = flags.threads;
  a.request.seed = resolve_seed(a.request.seed);
  auto registry = discover_plugins();
  const LoadedPlugin* plugin = registry.find(a.plugin);
  if (!plugin) throw ModelError("no plugin named '" + a.plugin + "' is installed" + failure_hint(registry));
  install_interrupt_handler();
  ProgressBar bar(ProgressBar::detect(flags.quiet));
  plugin->train(a.request, bar.callback());
  bar.finish();
  std::printf("%s\n", a.request.output.c_str());
  return kExitOk;
}

}  // namespace

Runner add_train_command(CLI::App& app, CommonFlags& flags) {
  auto* cmd = app.add_subcommand("train", "Train a model of a plugin's family");
  auto args = std::make_shared<TrainArgs>();
  cmd->add_option("plugin", args->plugin, "Plugin whose model to train (see `gen plugins`)")->required();
  cmd->add_option("-m,--model", args->request.model, "Training stage (see `gen train PLUGIN --help`)");
  cmd->add_option("-o,--output", args->request.output, "Checkpoint directory")->required();
  cmd->add_option("-s,--seed", args->request.seed, "Random seed (-1 = random)")
      ->check(CLI::Range(int64_t{-1}, int64_t{0x7fffffffffffffff}));
  cmd->add_option("-O,--option", args->options, "Training option key=value (plugin-specific)");
  add_common_flags(*cmd, flags);
  cmd->add_option("--config", "Read options from a JSON or YAML file (the command line wins)");
  cmd->footer([args] { return stages_help(args->plugin); });
  return [args, &flags] { return run_train(*args, flags); };
}

}  // namespace gen::cli
