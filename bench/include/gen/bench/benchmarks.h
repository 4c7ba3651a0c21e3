// Speed and memory of the pieces of a generation run, as `gen bench` reports them:
// the machine's matrix-product rate (sgemm, the yardstick the networks' achieved
// GFLOP/s is compared with), the UNet, VAE and text encoder of a model preset with
// random weights, every sampler's own cost, and a whole `gen image` run.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gen/export.h>

namespace gen::bench {

struct BenchSettings {
  std::string what = "sgemm";  // one of benchmark_names()
  // A model preset name (configs/models/<name>.json: sd15, sd21, tiny), a preset file,
  // or for one network a diffusers/transformers config.json (the file or its folder).
  std::string arch = "sd15";
  int size = 0;               // sgemm: matrix size (2048); others: image pixels (512)
  int batch = 0;              // 0: unet 2 (one CFG step), text 2, vae 1, sampler 2
  int repeats = 0;            // 0: sgemm 10, networks 3, sampler 5
  int64_t tile = 0;           // vae: latent tile for decode_tiled / encode_tiled (0 = off)
  int64_t overlap = 8;        // vae: latent overlap between tiles
  bool encode = false;        // vae: measure encode instead of decode
  bool profile = false;       // networks: also report the time per top-level op
  // unet: a motion adapter (configs/motion/<name>.json, a motion preset file, or a diffusers
  // MotionAdapter config.json or its folder): time the motion UNet (UNetMotionModel) step
  // on `frames` frames per clip instead of the image UNet step. Empty: the image UNet.
  std::string motion;
  int frames = 0;             // unet with motion: frames per clip (0: 16); vocoder: mel frames (0: 512)
  // unet: also time its ResNet blocks, spatial transformers and motion modules each alone
  // (gen/bench/unet_parts.h); always done with `motion`.
  bool parts = false;
  int steps = 0;              // inference steps per run (0: sampler 30, txt2img 4)
  double unet_ms = 0;         // sampler: UNet step to compare with (0 = measure --arch)
  std::string save_model;     // txt2img: only write the random-weight model folder here
  // txt2img runs this `gen` executable in child processes (its peak memory is theirs).
  std::filesystem::path gen_executable;
};

// Where results go as they are measured (a run takes minutes). `result` gets one line
// of key=value fields per measurement (scripts/bench_sd.sh picks fields out by name);
// `detail` gets the lines of a --profile table.
struct BenchOutput {
  std::function<void(const std::string& what, const std::string& fields)> result;
  std::function<void(const std::string& line)> detail;
};

// "sgemm", "unet", "vae", "text", "sampler", "txt2img", "vocoder".
GEN_API const std::vector<std::string>& benchmark_names();

// Runs settings.what. Throws UsageError for settings that cannot work (a size the
// network cannot take, an unknown preset), InputError for an unreadable config.
GEN_API void run_benchmark(const BenchSettings& settings, const BenchOutput& output);

// A diffusers-layout UNet, VAE, text encoder and byte-level tokenizer of the model
// preset `arch`, random weights stored F16, plus its scheduler and model_index.json:
// a folder `gen image -m` runs.
GEN_API void write_random_sd_model(const std::string& arch, const std::filesystem::path& dir);

}  // namespace gen::bench
