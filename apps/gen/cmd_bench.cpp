// gen bench sgemm: the machine's matrix-product rate, the yardstick for network
// benchmarks (achieved GFLOP/s of a UNet step is compared with it).
#include <ATen/ATen.h>

#include <chrono>
#include <cstdio>

#include <gen/error.h>
#include <gen/runtime.h>

#include "commands.h"

namespace gen::cli {

namespace {

struct BenchArgs {
  std::string what = "sgemm";
  int size = 2048;
  int repeats = 10;
};

int run_sgemm(const BenchArgs& a) {
  auto x = at::randn({a.size, a.size});
  auto y = at::randn({a.size, a.size});
  at::mm(x, y);  // warm-up
  double best = 1e30;
  for (int i = 0; i < a.repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    at::mm(x, y);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  const double flops = 2.0 * a.size * a.size * static_cast<double>(a.size);
  std::printf("sgemm %dx%d threads=%d best %.2f ms  %.1f GFLOP/s\n", a.size, a.size, num_threads(),
              best * 1e3, flops / best / 1e9);
  return kExitOk;
}

}  // namespace

Runner add_bench_command(CLI::App& app, CommonFlags& flags) {
  auto* cmd = app.add_subcommand("bench", "Benchmarks (results go to docs/benchmarks.md)");
  auto args = std::make_shared<BenchArgs>();
  cmd->add_option("what", args->what, "What to measure")->check(CLI::IsMember({"sgemm"}));
  cmd->add_option("--size", args->size, "Matrix size")->check(CLI::Range(16, 16384));
  cmd->add_option("--repeats", args->repeats, "Timed repetitions (best is reported)")->check(CLI::Range(1, 1000));
  add_common_flags(*cmd, flags);
  return [args, &flags] {
    apply_common_flags(flags, true);
    if (args->what == "sgemm") return run_sgemm(*args);
    throw UsageError("unknown benchmark '" + args->what + "'");
  };
}

}  // namespace gen::cli
