// The benchmarks by name, as `gen bench <what>` selects them.
#include <utility>

#include <gen/error.h>

#include "bench_common.h"

namespace gen::bench {

namespace {

using Run = void (*)(const BenchSettings&, const BenchOutput&);

const std::vector<std::pair<std::string, Run>>& benchmarks() {
  static const std::vector<std::pair<std::string, Run>> table = {
      {"sgemm", run_sgemm}, {"unet", run_unet},       {"vae", run_vae},
      {"text", run_text},   {"sampler", run_sampler}, {"txt2img", run_txt2img}, {"vocoder", run_vocoder}};
  return table;
}

}  // namespace

const std::vector<std::string>& benchmark_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : benchmarks()) out.push_back(entry.first);
    return out;
  }();
  return names;
}

void run_benchmark(const BenchSettings& settings, const BenchOutput& output) {
  for (const auto& [name, run] : benchmarks())
    if (settings.what == name) return run(settings, output);
  throw UsageError("unknown benchmark '" + settings.what + "'");
}

}  // namespace gen::bench
