// Shared parts of `gen bench`: its options, timing statistics, memory readings and the
// result line every benchmark prints (key=value fields, so scripts/bench_sd.sh can
// pick them out with grep).
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace gen::cli {

struct BenchArgs {
  std::string what = "sgemm";
  std::string arch = "sd15";  // sd15 | sd21 | tiny | path to a diffusers/transformers config.json
  int size = 0;               // sgemm: matrix size (2048); others: image pixels (512)
  int batch = 0;              // 0: unet 2 (one CFG step), text 2, vae 1, sampler 2
  int repeats = 0;            // 0: sgemm 10, networks 3, sampler 5
  int64_t tile = 0;           // vae: latent tile for decode_tiled / encode_tiled (0 = off)
  int64_t overlap = 8;        // vae: latent overlap between tiles
  bool encode = false;        // vae: measure encode instead of decode
  bool profile = false;       // networks: print time per top-level op
  int steps = 0;              // inference steps per run (0: sampler 30, txt2img 4)
  double unet_ms = 0;         // sampler: UNet step to compare with (0 = measure --arch)
  std::string save_model;     // txt2img: only write the random-weight model folder here
};

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

// "bench <what>: " + fields, one line on stdout.
void print_result(const std::string& what, const std::string& fields);
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

int run_sgemm(const BenchArgs& a);
int run_unet(const BenchArgs& a);
int run_vae(const BenchArgs& a);
int run_text(const BenchArgs& a);
int run_sampler(const BenchArgs& a);
int run_txt2img(const BenchArgs& a);
// A diffusers-layout UNet, VAE, text encoder and byte-level tokenizer of preset `arch`,
// random weights stored F16 (no scheduler or model_index.json).
void write_random_sd_model(const std::string& arch, const std::filesystem::path& dir);
// One UNet step (best of a.repeats) at the latent size and batch of `a`, ms.
double measure_unet_step_ms(const BenchArgs& a);

}  // namespace gen::cli
