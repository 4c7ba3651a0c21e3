// Each `gen` subcommand registers itself on the app and returns the function that
// runs it after parsing. The CLI only parses, dispatches and reports.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <gen/plugin.h>

namespace gen::cli {

// Flags every subcommand takes: -v, -q, --threads.
struct CommonFlags {
  bool verbose = false;
  bool quiet = false;
  int threads = 0;
};

using Runner = std::function<int()>;

void add_common_flags(CLI::App& cmd, CommonFlags& flags);
// Applies -v/-q to spdlog and --threads to LibTorch; warns when BLAS is slow.
void apply_common_flags(const CommonFlags& flags, bool heavy_work);
// -O key=value pairs into `options`; UsageError for a pair without a key.
void parse_option_pairs(const std::vector<std::string>& pairs, std::map<std::string, std::string>& options);

Runner add_generate_command(CLI::App& app, Modality modality, const std::string& description,
                            CommonFlags& flags);
Runner add_plugins_command(CLI::App& app, CommonFlags& flags);
Runner add_train_command(CLI::App& app, CommonFlags& flags);
Runner add_bench_command(CLI::App& app, CommonFlags& flags);
Runner add_data_command(CLI::App& app, CommonFlags& flags);
Runner add_eval_command(CLI::App& app, CommonFlags& flags);

// A subcommand registered on a parent command, and what runs it once it is parsed.
struct SubcommandRunner {
  CLI::App* cmd = nullptr;
  Runner run;
};
// `gen eval motion` (cmd_eval_motion.cpp), added by add_eval_command.
SubcommandRunner add_motion_eval_command(CLI::App& eval, CommonFlags& flags);
SubcommandRunner add_audio_eval_command(CLI::App& eval, CommonFlags& flags);
SubcommandRunner add_3d_eval_command(CLI::App& eval, CommonFlags& flags);

}  // namespace gen::cli
