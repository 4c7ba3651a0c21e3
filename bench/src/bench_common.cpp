// gen bench sgemm|unet|vae|text|sampler: speed and memory of the pieces of a
// generation run. sgemm is the machine's matrix-product rate, the yardstick the
// networks' achieved GFLOP/s is compared with (docs/benchmarks.md).
#include <ATen/ATen.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include <gen/error.h>
#include <gen/runtime.h>

#include "bench_common.h"
#include "commands.h"

namespace gen::cli {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Timing time_runs(int repeats, const std::function<void()>& fn) {
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return {*std::min_element(ms.begin(), ms.end()), median(ms)};
}

namespace {

double status_mb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(std::strlen(key))) / 1024.0;  // kB
  return 0;
}

}  // namespace

double peak_rss_mb() { return status_mb("VmHWM:"); }
double rss_mb() { return status_mb("VmRSS:"); }

bool reset_peak_rss() {
  malloc_trim(0);  // hand freed heap pages back, so an earlier run's leftovers do not hide this one's growth
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

std::string fmt(const char* format, ...) {
  va_list args, again;
  va_start(args, format);
  va_copy(again, args);
  std::string out(static_cast<size_t>(std::vsnprintf(nullptr, 0, format, args)), '\0');
  std::vsnprintf(out.data(), out.size() + 1, format, again);
  va_end(again);
  va_end(args);
  return out;
}

void print_result(const std::string& what, const std::string& fields) {
  std::printf("bench %s: %s\n", what.c_str(), fields.c_str());
  std::fflush(stdout);
}

SgemmProbe::SgemmProbe(int n) : n_(n), x_(at::randn({n, n})), y_(at::randn({n, n})), out_(at::empty({n, n})) {
  at::mm_out(out_, x_, y_);  // warm-up: thread pool, page faults of the output
}

Timing SgemmProbe::time(int repeats) {
  return time_runs(repeats, [&] { at::mm_out(out_, x_, y_); });
}

double SgemmProbe::gflops(int repeats) { return flops() / time(repeats).best_ms / 1e6; }

int run_sgemm(const BenchArgs& a) {
  SgemmProbe probe(a.size > 0 ? a.size : 2048);
  const auto t = probe.time(a.repeats > 0 ? a.repeats : 10);
  print_result("sgemm", fmt("size=%d threads=%d best=%.2fms median=%.2fms rate=%.1fGFLOP/s", probe.size(),
                            num_threads(), t.best_ms, t.median_ms, probe.flops() / t.best_ms / 1e6));
  return kExitOk;
}

Runner add_bench_command(CLI::App& app, CommonFlags& flags) {
  auto* cmd = app.add_subcommand("bench", "Benchmarks (results go to docs/benchmarks.md)");
  auto a = std::make_shared<BenchArgs>();
  cmd->add_option("what", a->what, "What to measure: sgemm, unet, vae, text, sampler, txt2img")
      ->check(CLI::IsMember({"sgemm", "unet", "vae", "text", "sampler", "txt2img"}));
  // Not --config: that name reads an options file for every subcommand (config_file.h).
  cmd->add_option("-a,--arch", a->arch, "Network: sd15, sd21, tiny, or a config.json (file or its folder)");
  cmd->add_option("--size", a->size, "sgemm: matrix size (2048); others: image size in pixels (512)")
      ->check(CLI::Range(0, 16384));
  cmd->add_option("--batch", a->batch, "Batch (0: unet 2 = one CFG step, text 2, vae 1, sampler 2)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--repeats", a->repeats, "Timed runs after a warm-up (0: sgemm 10, sampler 5, networks 3)")
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--tile", a->tile, "vae: also run tiled with this latent tile size (0 = off)")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--overlap", a->overlap, "vae: latent overlap between tiles")->check(CLI::Range(0, 4096));
  cmd->add_flag("--encode", a->encode, "vae: measure encode instead of decode");
  cmd->add_flag("--profile", a->profile, "unet/vae/text: time per top-level op and per matrix-op shape (one extra run)");
  cmd->add_option("--steps", a->steps, "sampler, txt2img: inference steps per run (0: sampler 30, txt2img 4)")
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--unet-ms", a->unet_ms, "sampler: UNet step time to compare with (0 = measure --arch)")
      ->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--save-model", a->save_model,
                  "txt2img: write the random-weight --arch model (a diffusers folder) to this directory and stop");
  add_common_flags(*cmd, flags);
  return [a, &flags] {
    apply_common_flags(flags, true);
    if (a->what == "sgemm") return run_sgemm(*a);
    if (a->what == "unet") return run_unet(*a);
    if (a->what == "vae") return run_vae(*a);
    if (a->what == "text") return run_text(*a);
    if (a->what == "sampler") return run_sampler(*a);
    if (a->what == "txt2img") return run_txt2img(*a);
    throw UsageError("unknown benchmark '" + a->what + "'");
  };
}

}  // namespace gen::cli
