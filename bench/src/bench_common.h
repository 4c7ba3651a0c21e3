// What every benchmark measures with: timing statistics, memory readings, the sgemm
// probe, and the key=value result fields (scripts/bench_sd.sh picks them out by name).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include <gen/bench/benchmarks.h>

namespace gen::bench {

struct Timing {
  double best_ms = 0, median_ms = 0;
};

double median(std::vector<double> v);
// Runs fn `repeats` times; best and median wall time.
Timing time_runs(int repeats, const std::function<void()>& fn);

// Peak resident memory (VmHWM) and current (VmRSS) of this process, MB.
double peak_rss_mb();
double rss_mb();
// Returns free heap memory to the system (glibc malloc_trim), then restarts the peak at
// the current RSS (Linux clear_refs "5"); false where that is unsupported, and then
// peaks of later runs include earlier ones.
bool reset_peak_rss();

// One result line for `what` ("unet", ...) to the output.
void report_result(const BenchOutput& out, const std::string& what, const std::string& fields);
std::string fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));

// sgemm of n x n matrices into a preallocated output: probing the machine's rate between
// network runs allocates nothing (peak RSS stays the network's).
class SgemmProbe {
 public:
  explicit SgemmProbe(int n = 2048);
  Timing time(int repeats);
  double gflops(int repeats);  // from the best of `repeats`
  double flops() const { return 2.0 * n_ * n_ * static_cast<double>(n_); }
  int size() const { return n_; }

 private:
  int n_;
  at::Tensor x_, y_, out_;
};

void run_sgemm(const BenchSettings& a, const BenchOutput& out);
void run_unet(const BenchSettings& a, const BenchOutput& out);
void run_vae(const BenchSettings& a, const BenchOutput& out);
void run_text(const BenchSettings& a, const BenchOutput& out);
void run_vocoder(const BenchSettings& a, const BenchOutput& out);
void run_sampler(const BenchSettings& a, const BenchOutput& out);
void run_txt2img(const BenchSettings& a, const BenchOutput& out);
// One UNet step (best of a.repeats) at the latent size and batch of `a`, ms.
double measure_unet_step_ms(const BenchSettings& a);

}  // namespace gen::bench
