// A runnable Stable Diffusion folder with random weights, built from a model preset:
// what `gen bench txt2img` times, without downloading a checkpoint.
#include <torch/torch.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include <gen/atomic_file.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/unet2d_condition.h>

#include "bench_common.h"
#include "network_arch.h"

namespace gen::bench {

namespace {

namespace fs = std::filesystem;

// The scheduler and pipeline files that make the networks a diffusers folder.
void write_pipeline_files(const fs::path& dir, const nlohmann::json& scheduler) {
  fs::create_directories(dir / "scheduler");
  write_file_atomic(dir / "scheduler" / "scheduler_config.json", scheduler.dump(2) + "\n");
  write_file_atomic(dir / "model_index.json", nlohmann::json{{"_class_name", "StableDiffusionPipeline"}}.dump() + "\n");
}

}  // namespace

void write_random_sd_model(const std::string& arch, const fs::path& dir) {
  const auto preset = whole_model_arch(arch);
  torch::manual_seed(0);
  // One network at a time, so this process holds at most one in F32 and its F16 copy.
  nn::save_diffusers_part(dir / "unet", preset.unet->to_json(), *nn::UNet2DConditionModel(*preset.unet),
                          "diffusion_pytorch_model.safetensors");
  nn::save_diffusers_part(dir / "vae", preset.vae->to_json(), *nn::AutoencoderKL(*preset.vae),
                          "diffusion_pytorch_model.safetensors");
  auto text = *preset.text_encoder;
  text.vocab_size = std::max<int64_t>(text.vocab_size, nn::write_clip_vocabulary(dir / "tokenizer", {"a", "photo"}));
  nn::save_diffusers_part(dir / "text_encoder", text.to_json(), *nn::ClipTextModel(text), "model.safetensors");
  write_pipeline_files(dir, *preset.scheduler);
}

}  // namespace gen::bench
