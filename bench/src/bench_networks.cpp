// The unet, vae and text benchmarks: one network built from its config (network_arch.h)
// with random weights (speed does not depend on the values), timed under InferenceMode.
// FLOPs are counted exactly on the warm-up run (gen/bench/flop_counter.h), never on
// the timed ones, so counting costs nothing.
#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <vector>

#include <gen/bench/flop_counter.h>
#include <gen/error.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/nn/vae_tiling.h>
#include <gen/runtime.h>

#include "bench_common.h"
#include "network_arch.h"

namespace gen::bench {

namespace {

// Image size in pixels -> latent side, checked against what the network can take.
int latent_side(const BenchSettings& a, int64_t factor, int64_t multiple) {
  const int size = a.size > 0 ? a.size : 512;
  if (size % factor != 0)
    throw UsageError("--size " + std::to_string(size) + " is not a multiple of " + std::to_string(factor));
  const int latent = static_cast<int>(size / factor);
  if (latent % multiple != 0)
    throw UsageError("--size " + std::to_string(size) + " gives a " + std::to_string(latent) +
                     " latent; this network needs a multiple of " + std::to_string(multiple) + " (size multiple of " +
                     std::to_string(multiple * factor) + ")");
  return latent;
}

double weights_mb(const torch::nn::Module& m) {
  double bytes = 0;
  for (const auto& p : m.parameters()) bytes += static_cast<double>(p.numel() * p.element_size());
  return bytes / (1024.0 * 1024.0);
}

// The `rows` most expensive entries of a profile, by time, as table lines.
void report_ops(const BenchOutput& out, const char* title, const std::map<std::string, OpStats>& profile,
                double total, size_t rows) {
  if (!out.detail) return;
  std::vector<std::pair<std::string, OpStats>> ops(profile.begin(), profile.end());
  std::sort(ops.begin(), ops.end(), [](const auto& x, const auto& y) { return x.second.seconds > y.second.seconds; });
  out.detail(fmt("  %-52s %6s %9s %6s %8s %8s", title, "calls", "ms", "%", "GFLOP", "GFLOP/s"));
  for (size_t i = 0; i < ops.size() && i < rows; ++i) {
    const auto& [name, s] = ops[i];
    out.detail(fmt("  %-52s %6d %9.1f %6.1f %8.2f %8.1f", name.c_str(), static_cast<int>(s.calls), s.seconds * 1e3,
                   100.0 * s.seconds / total, s.flops / 1e9, s.seconds > 0 ? s.flops / s.seconds / 1e9 : 0.0));
  }
}

void report_profile(const BenchOutput& out, const OpCounter& counter) {
  double total = 0;
  for (const auto& [name, s] : counter.top_level()) total += s.seconds;
  report_ops(out, "top-level op", counter.top_level(), total, 16);
  report_ops(out, "matrix op by operand shapes", counter.top_level_by_shape(), total, 16);
}

struct Memory {
  double peak_mb = 0, work_mb = 0;  // peak RSS, and its rise above the RSS before the runs
};

// Warm-up (counted), then timed runs; reports the result line. A shared machine's speed
// drifts by 2x within minutes, so sgemm is probed around every timed run, and each run's
// rate is compared with the better of the probes on either side of it.
Memory bench(const BenchSettings& a, const BenchOutput& out, const std::string& what, const std::string& fields,
             double weights, const std::function<void()>& forward) {
  c10::InferenceMode inference;
  const int repeats = a.repeats > 0 ? a.repeats : 3;
  SgemmProbe sgemm;
  const bool reset = reset_peak_rss();
  const double before = rss_mb();
  // FLOPs come from the warm-up; a profile from a run after it (no first-call costs).
  if (a.profile) forward();
  double flops = 0;
  {
    OpCounter counter;
    forward();
    flops = counter.flops();
    if (a.profile) report_profile(out, counter);
  }
  std::vector<double> ms, rates, ratios;
  double probe = sgemm.gflops(3);
  for (int i = 0; i < repeats; ++i) {
    ms.push_back(time_runs(1, forward).best_ms);
    const double next = sgemm.gflops(3);
    rates.push_back(std::max(probe, next));
    ratios.push_back(flops / ms.back() / 1e6 / rates.back());
    probe = next;
  }
  const double peak = peak_rss_mb(), best = *std::min_element(ms.begin(), ms.end());
  report_result(out, what,
                fmt("%s threads=%d repeats=%d best=%.1fms median=%.1fms weights=%.0fMB peak_rss=%.0fMB%s "
                    "work_mem=%.0fMB flops=%.1fGFLOP rate=%.1fGFLOP/s sgemm=%.1fGFLOP/s of_sgemm=%.0f%%",
                    fields.c_str(), num_threads(), repeats, best, median(ms), weights, peak,
                    reset ? "" : "(not-reset)", peak - before, flops / 1e9, flops / best / 1e6, median(rates),
                    100 * median(ratios)));
  return {peak, peak - before};
}

// A UNet of --arch with random weights and inputs for one CFG step at --size.
struct UNetStep {
  nn::UNet2DConditionModel unet{nullptr};
  torch::Tensor x, t, context;
  int batch = 0, latent = 0;
  void operator()() { unet->forward(x, t, context); }
};

UNetStep make_unet_step(const BenchSettings& a) {
  const auto config = unet_arch(a.arch);
  UNetStep s;
  s.latent = latent_side(a, 8, int64_t(1) << (config.block_out_channels.size() - 1));
  s.batch = a.batch > 0 ? a.batch : 2;
  torch::manual_seed(0);
  s.unet = nn::UNet2DConditionModel(config);
  s.unet->eval();
  s.x = torch::randn({s.batch, config.in_channels, s.latent, s.latent});
  s.t = torch::full({s.batch}, 999.0);
  s.context = torch::randn({s.batch, 77, config.cross_attention_dim});
  return s;
}

}  // namespace

void run_unet(const BenchSettings& a, const BenchOutput& out) {
  auto step = make_unet_step(a);
  bench(a, out, "unet", fmt("arch=%s batch=%d latent=%dx%d", a.arch.c_str(), step.batch, step.latent, step.latent),
        weights_mb(*step.unet), step);
}

double measure_unet_step_ms(const BenchSettings& a) {
  auto step = make_unet_step(a);
  c10::InferenceMode inference;
  step();  // warm-up
  return time_runs(a.repeats > 0 ? a.repeats : 1, step).best_ms;
}

void run_vae(const BenchSettings& a, const BenchOutput& out) {
  const auto config = vae_arch(a.arch);
  const int64_t f = config.downsample_factor();
  const int latent = latent_side(a, f, 1);
  const int batch = a.batch > 0 ? a.batch : 1;
  const int tile = static_cast<int>(a.tile), overlap = static_cast<int>(a.overlap);
  if (a.tile > 0) nn::tile_grid(latent, a.tile, a.overlap);  // bad tiling fails before the build
  torch::manual_seed(0);
  nn::AutoencoderKL vae(config);
  vae->eval();
  const char* mode = a.encode ? "encode" : "decode";
  auto input = a.encode ? torch::rand({batch, config.in_channels, latent * f, latent * f}) * 2 - 1
                        : torch::randn({batch, config.latent_channels, latent, latent});
  const std::string fields = fmt("arch=%s mode=%s batch=%d latent=%dx%d", a.arch.c_str(), mode, batch, latent, latent);
  // Tiled first: if the peak cannot be reset, the plain run's larger peak does not hide it.
  Memory tiled;
  if (a.tile > 0) {
    tiled = bench(a, out, "vae", fields + fmt(" tile=%d overlap=%d", tile, overlap),
                  weights_mb(*vae), [&] {
                    if (a.encode) nn::encode_tiled(vae, input, a.tile, a.overlap);
                    else nn::decode_tiled(vae, input, a.tile, a.overlap);
                  });
  }
  const Memory plain = bench(a, out, "vae", fields + " tile=0", weights_mb(*vae), [&] {
    if (a.encode) vae->encode(input);
    else vae->decode(input);
  });
  if (a.tile > 0)
    report_result(out, "vae", fmt("mode=%s tile=%d saving=%.0fMB work_mem_plain=%.0fMB work_mem_tiled=%.0fMB", mode,
                                  tile, plain.work_mb - tiled.work_mb, plain.work_mb, tiled.work_mb));
}

void run_text(const BenchSettings& a, const BenchOutput& out) {
  const auto config = text_encoder_arch(a.arch);
  const int batch = a.batch > 0 ? a.batch : 2;  // prompt and negative prompt
  torch::manual_seed(0);
  nn::ClipTextModel text(config);
  text->eval();
  auto ids = torch::randint(0, config.vocab_size, {batch, config.max_position_embeddings}, torch::kLong);
  bench(a, out, "text",
        fmt("arch=%s batch=%d tokens=%d", a.arch.c_str(), batch, static_cast<int>(config.max_position_embeddings)),
        weights_mb(*text), [&] { text->forward(ids); });
}

}  // namespace gen::bench
