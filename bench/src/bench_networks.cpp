// gen bench unet|vae|text: one network built from its config with random weights (speed
// does not depend on the values), timed under InferenceMode. FLOPs are counted exactly
// on the warm-up run (flop_counter.h), never on the timed ones, so counting costs nothing.
#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <vector>

#include <gen/error.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/nn/vae_tiling.h>
#include <gen/runtime.h>

#include "bench_common.h"
#include "flop_counter.h"

namespace gen::cli {

namespace {

using nn::AutoencoderKLConfig;
using nn::ClipTextConfig;
using nn::UNet2DConditionConfig;

// ---- presets: the shipped SD architectures, and tiny ones for quick checks ----

std::map<std::string, UNet2DConditionConfig> unet_presets() {
  UNet2DConditionConfig sd15;  // the defaults are SD 1.5's UNet
  UNet2DConditionConfig sd21 = sd15;
  sd21.cross_attention_dim = 1024;
  sd21.num_attention_heads = {5, 10, 20, 20};  // diffusers' attention_head_dim: 64-wide heads
  sd21.use_linear_projection = true;
  UNet2DConditionConfig tiny;
  tiny.block_out_channels = {32, 64};
  tiny.down_block_types = {"CrossAttnDownBlock2D", "DownBlock2D"};
  tiny.up_block_types = {"UpBlock2D", "CrossAttnUpBlock2D"};
  tiny.layers_per_block = 1;
  tiny.num_attention_heads = {2, 2};
  tiny.transformer_layers_per_block = {1, 1};
  tiny.cross_attention_dim = 32;
  return {{"sd15", sd15}, {"sd21", sd21}, {"tiny", tiny}};
}

std::map<std::string, AutoencoderKLConfig> vae_presets() {
  AutoencoderKLConfig sd;  // SD 1.x and 2.x share the KL-f8 VAE
  AutoencoderKLConfig tiny;
  tiny.block_out_channels = {32, 64, 64, 64};  // still f = 8, so image sizes mean the same
  tiny.layers_per_block = 1;
  return {{"sd15", sd}, {"sd21", sd}, {"tiny", tiny}};
}

std::map<std::string, ClipTextConfig> text_presets() {
  ClipTextConfig sd15;  // the defaults are CLIP ViT-L/14's text model
  ClipTextConfig sd21;  // OpenCLIP ViT-H/14 as diffusers ships it (penultimate layer dropped)
  sd21.hidden_size = 1024;
  sd21.intermediate_size = 4096;
  sd21.num_hidden_layers = 23;
  sd21.num_attention_heads = 16;
  sd21.hidden_act = "gelu";
  ClipTextConfig tiny;
  tiny.vocab_size = 1000;
  tiny.hidden_size = 32;
  tiny.intermediate_size = 64;
  tiny.num_hidden_layers = 2;
  tiny.num_attention_heads = 4;
  return {{"sd15", sd15}, {"sd21", sd21}, {"tiny", tiny}};
}

// A preset name, or a config.json (or the folder holding one). A bad file is bad input
// (exit 3) even when the config parser calls it a model error.
template <class Config>
Config resolve_arch(const std::string& arch, const char* what, const std::map<std::string, Config>& presets) {
  if (auto it = presets.find(arch); it != presets.end()) return it->second;
  if (arch.find('/') == std::string::npos && arch.find('.') == std::string::npos)
    throw UsageError("unknown " + std::string(what) + " architecture '" + arch +
                     "' (use sd15, sd21, tiny, or a path to a config.json)");
  std::filesystem::path path(arch);
  if (std::filesystem::is_directory(path)) path /= "config.json";
  if (!std::filesystem::is_regular_file(path))
    throw InputError("cannot read " + std::string(what) + " config " + path.string());
  try {
    return Config::from_json_file(path);
  } catch (const ModelError& e) {
    throw InputError(path.string() + ": " + e.what());
  }
}

// Image size in pixels -> latent side, checked against what the network can take.
int latent_side(const BenchArgs& a, int64_t factor, int64_t multiple) {
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

// The `rows` most expensive entries of a profile, by time.
void print_ops(const char* title, const std::map<std::string, OpStats>& profile, double total, size_t rows) {
  std::vector<std::pair<std::string, OpStats>> ops(profile.begin(), profile.end());
  std::sort(ops.begin(), ops.end(), [](const auto& x, const auto& y) { return x.second.seconds > y.second.seconds; });
  std::printf("  %-52s %6s %9s %6s %8s %8s\n", title, "calls", "ms", "%", "GFLOP", "GFLOP/s");
  for (size_t i = 0; i < ops.size() && i < rows; ++i) {
    const auto& [name, s] = ops[i];
    std::printf("  %-52s %6d %9.1f %6.1f %8.2f %8.1f\n", name.c_str(), static_cast<int>(s.calls), s.seconds * 1e3,
                100.0 * s.seconds / total, s.flops / 1e9, s.seconds > 0 ? s.flops / s.seconds / 1e9 : 0.0);
  }
}

void print_profile(const OpCounter& counter) {
  double total = 0;
  for (const auto& [name, s] : counter.top_level()) total += s.seconds;
  print_ops("top-level op", counter.top_level(), total, 16);
  print_ops("matrix op by operand shapes", counter.top_level_by_shape(), total, 16);
}

struct Memory {
  double peak_mb = 0, work_mb = 0;  // peak RSS, and its rise above the RSS before the runs
};

// Warm-up (counted), then timed runs; prints the result line. A shared machine's speed
// drifts by 2x within minutes, so sgemm is probed around every timed run, and each run's
// rate is compared with the better of the probes on either side of it.
Memory bench(const BenchArgs& a, const std::string& what, const std::string& fields, double weights,
             const std::function<void()>& forward) {
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
    if (a.profile) print_profile(counter);
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
  print_result(what, fmt("%s threads=%d repeats=%d best=%.1fms median=%.1fms weights=%.0fMB peak_rss=%.0fMB%s "
                         "work_mem=%.0fMB flops=%.1fGFLOP rate=%.1fGFLOP/s sgemm=%.1fGFLOP/s of_sgemm=%.0f%%",
                         fields.c_str(), num_threads(), repeats, best, median(ms), weights, peak,
                         reset ? "" : "(not-reset)", peak - before, flops / 1e9, flops / best / 1e6, median(rates),
                         100 * median(ratios)));
  return {peak, peak - before};
}

}  // namespace

namespace {

// A UNet of --arch with random weights and inputs for one CFG step at --size.
struct UNetStep {
  nn::UNet2DConditionModel unet{nullptr};
  torch::Tensor x, t, context;
  int batch = 0, latent = 0;
  void operator()() { unet->forward(x, t, context); }
};

UNetStep make_unet_step(const BenchArgs& a) {
  const auto config = resolve_arch(a.arch, "UNet", unet_presets());
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

int run_unet(const BenchArgs& a) {
  auto step = make_unet_step(a);
  bench(a, "unet", fmt("arch=%s batch=%d latent=%dx%d", a.arch.c_str(), step.batch, step.latent, step.latent),
        weights_mb(*step.unet), step);
  return kExitOk;
}

double measure_unet_step_ms(const BenchArgs& a) {
  auto step = make_unet_step(a);
  c10::InferenceMode inference;
  step();  // warm-up
  return time_runs(a.repeats > 0 ? a.repeats : 1, step).best_ms;
}

int run_vae(const BenchArgs& a) {
  const auto config = resolve_arch(a.arch, "VAE", vae_presets());
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
    tiled = bench(a, "vae", fields + fmt(" tile=%d overlap=%d", tile, overlap),
                  weights_mb(*vae), [&] {
                    if (a.encode) nn::encode_tiled(vae, input, a.tile, a.overlap);
                    else nn::decode_tiled(vae, input, a.tile, a.overlap);
                  });
  }
  const Memory plain = bench(a, "vae", fields + " tile=0", weights_mb(*vae), [&] {
    if (a.encode) vae->encode(input);
    else vae->decode(input);
  });
  if (a.tile > 0)
    print_result("vae", fmt("mode=%s tile=%d saving=%.0fMB work_mem_plain=%.0fMB work_mem_tiled=%.0fMB", mode, tile,
                            plain.work_mb - tiled.work_mb, plain.work_mb, tiled.work_mb));
  return kExitOk;
}

int run_text(const BenchArgs& a) {
  const auto config = resolve_arch(a.arch, "text encoder", text_presets());
  const int batch = a.batch > 0 ? a.batch : 2;  // prompt and negative prompt
  torch::manual_seed(0);
  nn::ClipTextModel text(config);
  text->eval();
  auto ids = torch::randint(0, config.vocab_size, {batch, config.max_position_embeddings}, torch::kLong);
  bench(a, "text",
        fmt("arch=%s batch=%d tokens=%d", a.arch.c_str(), batch, static_cast<int>(config.max_position_embeddings)),
        weights_mb(*text), [&] { text->forward(ids); });
  return kExitOk;
}

void write_random_sd_model(const std::string& arch, const std::filesystem::path& dir) {
  const auto unets = unet_presets();
  if (!unets.count(arch)) throw UsageError("txt2img needs a preset --arch (sd15, sd21 or tiny), not '" + arch + "'");
  torch::manual_seed(0);
  // One network at a time, so this process holds at most one in F32 and its F16 copy.
  nn::save_diffusers_part(dir / "unet", unets.at(arch).to_json(), *nn::UNet2DConditionModel(unets.at(arch)),
             "diffusion_pytorch_model.safetensors");
  const auto vae = vae_presets().at(arch);
  nn::save_diffusers_part(dir / "vae", vae.to_json(), *nn::AutoencoderKL(vae), "diffusion_pytorch_model.safetensors");
  auto text = text_presets().at(arch);
  text.vocab_size = std::max<int64_t>(text.vocab_size, nn::write_clip_vocabulary(dir / "tokenizer", {"a", "photo"}));
  nn::save_diffusers_part(dir / "text_encoder", text.to_json(), *nn::ClipTextModel(text), "model.safetensors");
}

}  // namespace gen::cli
