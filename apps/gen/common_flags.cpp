#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

#include <thread>

#include <gen/error.h>
#include <gen/runtime.h>

#include "commands.h"

namespace gen::cli {

void add_common_flags(CLI::App& cmd, CommonFlags& flags) {
  cmd.add_flag("-v,--verbose", flags.verbose, "Log debug details");
  cmd.add_flag("-q,--quiet", flags.quiet, "Print nothing but errors (no progress)");
  cmd.add_option("--threads", flags.threads, "CPU threads (0 = all cores)")
      ->check(CLI::Range(0, 1024));
}

void parse_option_pairs(const std::vector<std::string>& pairs, std::map<std::string, std::string>& options) {
  for (const auto& kv : pairs) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--option expects key=value, got '" + kv + "'");
    options[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
}

void apply_common_flags(const CommonFlags& flags, bool heavy_work) {
  spdlog::set_level(flags.quiet ? spdlog::level::err
                                : flags.verbose ? spdlog::level::debug : spdlog::level::info);
  set_num_threads(flags.threads);
  if (heavy_work)
    if (auto warning = blas_warning(); !warning.empty()) spdlog::warn("{}", warning);
}

}  // namespace gen::cli
