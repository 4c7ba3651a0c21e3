// gen bench sgemm|unet|vae|text|sampler|txt2img|vocoder: the flags of gen/bench/benchmarks.h,
// and its results printed as "bench <what>: key=value ..." lines as they come.
#include <cstdio>

#include <gen/bench/benchmarks.h>
#include <gen/error.h>

#include "commands.h"

namespace gen::cli {

namespace {

bench::BenchOutput stdout_output() {
  bench::BenchOutput out;
  out.result = [](const std::string& what, const std::string& fields) {
    std::printf("bench %s: %s\n", what.c_str(), fields.c_str());
    std::fflush(stdout);
  };
  out.detail = [](const std::string& line) { std::printf("%s\n", line.c_str()); };
  return out;
}

}  // namespace

Runner add_bench_command(CLI::App& app, CommonFlags& flags) {
  auto* cmd = app.add_subcommand("bench", "Benchmarks (results go to docs/benchmarks.md)");
  auto a = std::make_shared<bench::BenchSettings>();
  cmd->add_option("what", a->what, "What to measure: sgemm, unet, vae, text, sampler, txt2img, vocoder")
      ->check(CLI::IsMember(bench::benchmark_names()));
  // Not --config: that name reads an options file for every subcommand (config_file.h).
  cmd->add_option("-a,--arch", a->arch,
                  "Model preset: sd15, sd21, tiny (configs/models/NAME.json), a preset file, or a network's "
                  "config.json (file or its folder; vocoder: a transformers HiFi-GAN config.json)");
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
  cmd->add_option("--motion", a->motion,
                  "unet: time the motion UNet with this motion adapter: animatediff-v2, tiny (configs/motion/NAME.json), "
                  "a motion preset file, or a diffusers MotionAdapter config.json (file or its folder)");
  cmd->add_option("--frames", a->frames, "unet --motion: frames per clip (0: 16); vocoder: mel frames (0: 512)")
      ->check(CLI::Range(0, 100000));
  cmd->add_flag("--parts", a->parts,
                "unet: also time every ResNet block, spatial transformer and motion module alone (always with --motion)");
  cmd->add_option("--steps", a->steps, "sampler, txt2img: inference steps per run (0: sampler 30, txt2img 4)")
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--unet-ms", a->unet_ms, "sampler: UNet step time to compare with (0 = measure --arch)")
      ->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--save-model", a->save_model,
                  "txt2img: write the random-weight --arch model (a diffusers folder) to this directory and stop");
  add_common_flags(*cmd, flags);
  return [a, &flags] {
    apply_common_flags(flags, true);
    a->gen_executable = "/proc/self/exe";  // txt2img runs `gen image` in children of this very binary
    bench::run_benchmark(*a, stdout_output());
    return kExitOk;
  };
}

}  // namespace gen::cli
