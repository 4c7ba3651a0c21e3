// gen: one binary, a subcommand per modality plus plugins, train and bench.
// Errors become one line on stderr and an exit code (2 usage, 3 bad input,
// 4 model or plugin); never a stack dump.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <map>

#include <gen/error.h>
#include <gen/runtime.h>

#include "commands.h"
#include "config_file.h"

namespace {

int report_error(const std::string& message, int code) {
  std::fprintf(stderr, "gen: error: %s\n", message.c_str());
  return code;
}

void setup_logging() {
  auto logger = spdlog::stderr_color_mt("gen");
  logger->set_pattern("gen: %^%l%$: %v");
  spdlog::set_default_logger(logger);
}

int run(int argc, char** argv) {
  using namespace gen;
  CLI::App app{"gen: diffusion-based generation of images, video, audio, 3D shapes and motion", "gen"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_string());
  // The last value of a single-valued option wins: that is how the command line
  // overrides a --config file (whose options are placed first).
  app.option_defaults()->always_capture_default()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);

  cli::CommonFlags flags;
  std::map<CLI::App*, cli::Runner> runners;
  auto add = [&](cli::Runner runner) { runners[app.get_subcommands({}).back()] = std::move(runner); };
  add(cli::add_generate_command(app, Modality::image, "Generate images (PNG)", flags));
  add(cli::add_generate_command(app, Modality::video, "Generate video (MP4)", flags));
  add(cli::add_generate_command(app, Modality::audio, "Generate audio (WAV)", flags));
  add(cli::add_generate_command(app, Modality::shape3d, "Generate 3D shapes: point clouds (.ply), meshes (.obj, .glb), turntables (.gif, .mp4)", flags));
  add(cli::add_generate_command(app, Modality::motion, "Generate human motion (BVH)", flags));
  add(cli::add_plugins_command(app, flags));
  add(cli::add_train_command(app, flags));
  add(cli::add_bench_command(app, flags));
  add(cli::add_data_command(app, flags));
  add(cli::add_eval_command(app, flags));

  std::vector<std::string> args(argv, argv + argc);
  args = cli::expand_config_files(args);
  std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);  // CLI11 wants them reversed, without argv[0]
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return report_error(std::string(e.what()) + " (run with --help for usage)", kExitUsage);
  }
  for (auto& [cmd, runner] : runners)
    if (cmd->parsed()) return runner();
  return report_error("no command given", kExitUsage);
}

}  // namespace

// Called by the `gen` launcher (launcher.cpp) once the thread-pool environment is set.
extern "C" __attribute__((visibility("default"))) int gen_cli_main(int argc, char** argv) {
  setup_logging();
  try {
    return run(argc, argv);
  } catch (const gen::Cancelled& e) {
    return report_error("cancelled", e.exit_code());
  } catch (const gen::Error& e) {
    return report_error(e.what(), e.exit_code());
  } catch (const c10::Error& e) {
    return report_error(e.what_without_backtrace(), gen::kExitModel);
  } catch (const std::exception& e) {
    return report_error(e.what(), gen::kExitFailure);
  }
}
