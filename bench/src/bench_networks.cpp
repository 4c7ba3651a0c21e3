// The unet, vae, text and vocoder benchmarks: one network built from its config (network_arch.h)
// with random weights (speed does not depend on the values), timed under InferenceMode.
// `unet --motion` times the motion UNet (an AnimateDiff-style UNetMotionModel) instead,
// and with it where the step's time goes (gen/bench/unet_parts.h).
// FLOPs are counted exactly on the warm-up run (gen/bench/flop_counter.h), never on
// the timed ones, so counting costs nothing.
#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include <gen/bench/flop_counter.h>
#include <gen/bench/unet_parts.h>
#include <gen/error.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/hifigan.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/nn/unet_motion_model.h>
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

struct Measured {
  double peak_mb = 0, work_mb = 0;  // peak RSS, and its rise above the RSS before the runs
  double best_ms = 0, flops = 0;
  double sgemm = 0;                 // GFLOP/s, the median of the probes beside the runs
};

// Warm-up (counted), then timed runs; reports the result line. A shared machine's speed
// drifts by 2x within minutes, so sgemm is probed around every timed run, and each run's
// rate is compared with the better of the probes on either side of it.
Measured bench(const BenchSettings& a, const BenchOutput& out, const std::string& what, const std::string& fields,
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
  return {peak, peak - before, best, flops, median(rates)};
}

// AudioLDM's fixed front end: 64 mel bands through a VAE that halves twice (f = 4).
constexpr int64_t kAudioLdmMelBands = 64, kAudioLdmVaeFactor = 4;

// A UNet of --arch with random weights and inputs for one CFG step: at --size for an
// image UNet; over --frames mel frames (0: 512, AudioLDM's 5.12 s) for an AudioLDM-style
// one (a class embedding takes the text), whose latent is frames/4 x 16.
struct UNetStep {
  nn::UNet2DConditionModel unet{nullptr};
  torch::Tensor x, t, context, class_labels;  // context undefined / labels defined: AudioLDM-style
  int batch = 0, height = 0, width = 0;
  void operator()() { unet->forward(x, t, context, class_labels); }
};

// The latent of an AudioLDM-style UNet over --frames mel frames.
std::pair<int, int> audio_latent(const BenchSettings& a, int64_t multiple) {
  const int frames = a.frames > 0 ? a.frames : 512;
  const int64_t height = frames / kAudioLdmVaeFactor, width = kAudioLdmMelBands / kAudioLdmVaeFactor;
  if (frames % (kAudioLdmVaeFactor * multiple) != 0)
    throw UsageError("--frames " + std::to_string(frames) + " must be a multiple of " +
                     std::to_string(kAudioLdmVaeFactor * multiple) + " for this UNet");
  return {static_cast<int>(height), static_cast<int>(width)};
}

UNetStep make_unet_step(const BenchSettings& a) {
  const auto config = unet_arch(a.arch);
  UNetStep s;
  const int64_t multiple = int64_t(1) << (config.block_out_channels.size() - 1);
  if (config.has_class_embedding()) {
    std::tie(s.height, s.width) = audio_latent(a, multiple);
  } else {
    if (a.frames > 0) throw UsageError("--frames needs --motion or an AudioLDM-style UNet (the image UNet has no frames)");
    s.height = s.width = latent_side(a, 8, multiple);
  }
  s.batch = a.batch > 0 ? a.batch : 2;
  torch::manual_seed(0);
  s.unet = nn::UNet2DConditionModel(config);
  s.unet->eval();
  s.x = torch::randn({s.batch, config.in_channels, s.height, s.width});
  s.t = torch::full({s.batch}, 999.0);
  // A UNet whose blocks attend to contexts of different widths attends to itself (AudioLDM).
  if (config.cross_attention_dims.empty()) s.context = torch::randn({s.batch, 77, config.cross_attention_dim});
  if (config.has_class_embedding()) s.class_labels = torch::randn({s.batch, config.projection_class_embeddings_input_dim});
  return s;
}

// The motion UNet of --arch with the --motion adapter's modules, random weights, and
// --batch clips of --frames frames: one CFG step of text-to-video.
struct MotionStep {
  nn::UNetMotionModel unet{nullptr};
  torch::Tensor x, t, context;  // x [batch * frames, C, H, W]; context [batch, 77, D], one per clip
  int batch = 0, frames = 0, latent = 0;
  void operator()() { unet->forward_frames(x, frames, t, context); }
};

MotionStep make_motion_step(const BenchSettings& a) {
  const auto spatial = unet_arch(a.arch);
  const auto adapter = motion_adapter_arch(a.motion);
  nn::UNetMotionConfig config;
  try {
    config = nn::UNetMotionConfig::from_unet_and_adapter(spatial, adapter);
  } catch (const ModelError& e) {  // two flags that do not go together
    throw UsageError("--motion " + a.motion + " does not fit --arch " + a.arch + ": " + e.what());
  }
  MotionStep s;
  s.frames = a.frames > 0 ? a.frames : 16;
  if (s.frames > config.motion_max_seq_length)
    throw UsageError("--frames " + std::to_string(s.frames) + " exceeds the motion modules' " +
                     std::to_string(config.motion_max_seq_length) + " frame positions (motion_max_seq_length)");
  s.latent = latent_side(a, 8, int64_t(1) << (spatial.block_out_channels.size() - 1));
  s.batch = a.batch > 0 ? a.batch : 2;
  torch::manual_seed(0);
  s.unet = nn::UNetMotionModel(config);
  s.unet->eval();
  s.x = torch::randn({int64_t(s.batch) * s.frames, spatial.in_channels, s.latent, s.latent});
  s.t = torch::full({s.batch}, 999.0);
  s.context = torch::randn({s.batch, 77, spatial.cross_attention_dim});
  return s;
}

// Where the step's time goes: every kind of part timed alone, as a share of the step's
// best time; "other" is the step minus the parts (it can come out slightly negative when
// the machine's speed drifted between the step and the parts).
void report_parts(const BenchSettings& a, const BenchOutput& out, torch::nn::Module& unet, const UNetPartsInput& input,
                  const Measured& step) {
  const auto parts = measure_unet_parts(unet, input, a.repeats > 0 ? a.repeats : 3);
  std::vector<UNetPart> kinds;  // summed over sides, in the order measure_unet_parts gives
  for (const auto& p : parts) {
    if (kinds.empty() || kinds.back().kind != p.kind) kinds.push_back({p.kind, 0, 0, 0, 0});
    kinds.back().modules += p.modules;
    kinds.back().flops += p.flops;
    kinds.back().ms += p.ms;
  }
  auto rate = [](double flops, double ms) { return ms > 0 ? flops / ms / 1e6 : 0.0; };
  std::string fields = fmt("step=%.1fms", step.best_ms);
  double ms = 0, flops = 0;
  for (const auto& k : kinds) {
    fields += fmt(" %s_modules=%d %s_ms=%.1f %s_share=%.3f %s_flops=%.3fGFLOP %s_rate=%.1fGFLOP/s", k.kind.c_str(),
                  static_cast<int>(k.modules), k.kind.c_str(), k.ms, k.kind.c_str(), k.ms / step.best_ms,
                  k.kind.c_str(), k.flops / 1e9, k.kind.c_str(), rate(k.flops, k.ms));
    ms += k.ms, flops += k.flops;
  }
  fields += fmt(" other_ms=%.1f other_share=%.3f other_flops=%.3fGFLOP sgemm=%.1fGFLOP/s", step.best_ms - ms,
                (step.best_ms - ms) / step.best_ms, (step.flops - flops) / 1e9, step.sgemm);
  report_result(out, "unet_parts", fields);
  if (!out.detail) return;
  out.detail(fmt("  %-10s %5s %8s %10s %7s %10s %8s", "part", "side", "modules", "ms", "%step", "GFLOP", "GFLOP/s"));
  for (const auto& p : parts)
    out.detail(fmt("  %-10s %5d %8d %10.1f %7.1f %10.2f %8.1f", p.kind.c_str(), static_cast<int>(p.side),
                   static_cast<int>(p.modules), p.ms, 100 * p.ms / step.best_ms, p.flops / 1e9, rate(p.flops, p.ms)));
}

void run_motion_unet(const BenchSettings& a, const BenchOutput& out) {
  auto step = make_motion_step(a);
  const auto measured =
      bench(a, out, "unet",
            fmt("arch=%s motion=%s batch=%d frames=%d latent=%dx%d", a.arch.c_str(), a.motion.c_str(), step.batch,
                step.frames, step.latent, step.latent),
            weights_mb(*step.unet), step);
  UNetPartsInput input;
  input.images = int64_t(step.batch) * step.frames;
  input.frames = step.frames;
  input.latent = step.latent;
  input.context = step.context.repeat_interleave(step.frames, 0);  // what forward_frames gives each frame
  report_parts(a, out, *step.unet, input, measured);
}

}  // namespace

void run_unet(const BenchSettings& a, const BenchOutput& out) {
  if (!a.motion.empty()) return run_motion_unet(a, out);
  auto step = make_unet_step(a);
  if (a.parts && (!step.context.defined() || step.height != step.width))
    throw UsageError("--parts times the transformers of an image UNet with a text context; this UNet has none");
  const auto measured =
      bench(a, out, "unet", fmt("arch=%s batch=%d latent=%dx%d", a.arch.c_str(), step.batch, step.height, step.width),
            weights_mb(*step.unet), step);
  if (a.parts) report_parts(a, out, *step.unet, {step.batch, 1, step.height, step.context}, measured);
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
  Measured tiled;
  if (a.tile > 0) {
    tiled = bench(a, out, "vae", fields + fmt(" tile=%d overlap=%d", tile, overlap),
                  weights_mb(*vae), [&] {
                    if (a.encode) nn::encode_tiled(vae, input, a.tile, a.overlap);
                    else nn::decode_tiled(vae, input, a.tile, a.overlap);
                  });
  }
  const Measured plain = bench(a, out, "vae", fields + " tile=0", weights_mb(*vae), [&] {
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

// A HiFi-GAN vocoder of --arch (a transformers config.json) turning --frames mel frames
// into audio; the second line gives seconds of audio per second of compute.
void run_vocoder(const BenchSettings& a, const BenchOutput& out) {
  const auto config = vocoder_arch(a.arch);
  const int frames = a.frames > 0 ? a.frames : 512;  // AudioLDM's default clip: 5.12 s at hop 160
  const int batch = a.batch > 0 ? a.batch : 1;
  torch::manual_seed(0);
  nn::SpeechT5HifiGan vocoder(config);
  vocoder->eval();
  const auto mel = torch::randn({batch, frames, config.model_in_dim});
  const double seconds = static_cast<double>(config.output_length(frames)) / static_cast<double>(config.sampling_rate);
  const auto measured = bench(a, out, "vocoder", fmt("arch=%s batch=%d frames=%d audio=%.2fs", a.arch.c_str(), batch,
                                                      frames, seconds),
                              weights_mb(*vocoder), [&] { vocoder->forward(mel); });
  report_result(out, "vocoder", fmt("frames=%d batch=%d realtime_factor=%.1f", frames, batch,
                                    batch * seconds * 1000.0 / measured.best_ms));
}

}  // namespace gen::bench
