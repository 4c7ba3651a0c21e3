#include "tiny_checkpoint.h"

#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/hifigan.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/clip_text_model.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/nn/original_layout.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/safetensors.h>

#include "test_util.h"

namespace gen::test {

namespace fs = std::filesystem;
namespace nn = gen::nn;
using nlohmann::json;

int64_t write_tokenizer(const fs::path& dir) { return gen::nn::write_clip_vocabulary(dir, {"th"}); }

const json kUNetConfig = {{"_class_name", "UNet2DConditionModel"},
                          {"in_channels", 4},
                          {"out_channels", 4},
                          {"sample_size", 16},
                          {"block_out_channels", {32, 64}},
                          {"down_block_types", {"CrossAttnDownBlock2D", "DownBlock2D"}},
                          {"up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D"}},
                          {"layers_per_block", 1},
                          {"attention_head_dim", 8},
                          {"cross_attention_dim", 64},
                          {"norm_num_groups", 32}};

const json kVaeConfig = {{"_class_name", "AutoencoderKL"},
                         {"block_out_channels", {32, 32}},
                         {"down_block_types", {"DownEncoderBlock2D", "DownEncoderBlock2D"}},
                         {"up_block_types", {"UpDecoderBlock2D", "UpDecoderBlock2D"}},
                         {"layers_per_block", 1},
                         {"latent_channels", 4},
                         {"norm_num_groups", 32},
                         {"sample_size", 32},
                         {"scaling_factor", 0.18215}};

namespace {

// The SD 1.5 scheduler: PLMS on the scaled-linear schedule.
const json kScheduler = {{"_class_name", "PNDMScheduler"}, {"beta_start", 0.00085},     {"beta_end", 0.012},
                         {"beta_schedule", "scaled_linear"}, {"num_train_timesteps", 1000}, {"set_alpha_to_one", false},
                         {"skip_prk_steps", true},           {"steps_offset", 1},           {"clip_sample", false}};

json clip_config(int64_t vocab) {
  return {{"vocab_size", vocab},       {"hidden_size", 64},         {"intermediate_size", 128},
          {"num_hidden_layers", 2},    {"num_attention_heads", 1},  {"max_position_embeddings", 77},
          {"hidden_act", "quick_gelu"}};
}

nn::TensorMap state_of(torch::nn::Module& m) {
  nn::TensorMap out;
  for (const auto& p : m.named_parameters(true)) out[p.key()] = p.value().detach().contiguous();
  for (const auto& b : m.named_buffers(true)) out[b.key()] = b.value().detach().contiguous();
  return out;
}

struct TinyNets {
  nn::UNet2DConditionModel unet{nullptr};
  nn::AutoencoderKL vae{nullptr};
  nn::ClipTextModel clip{nullptr};
};

// Seeded default initialisation: the same networks in every layout written below.
TinyNets make_nets(int64_t unet_in_channels, int64_t vocab) {
  torch::manual_seed(1234);
  auto unet_json = kUNetConfig;
  unet_json["in_channels"] = unet_in_channels;
  TinyNets n;
  n.unet = nn::UNet2DConditionModel(nn::UNet2DConditionConfig::from_json(unet_json));
  n.vae = nn::AutoencoderKL(nn::AutoencoderKLConfig::from_json(kVaeConfig));
  n.clip = nn::ClipTextModel(nn::ClipTextConfig::from_json(clip_config(vocab)));
  return n;
}

void write_part(const fs::path& dir, const json& config, const std::string& weights, torch::nn::Module& m) {
  fs::create_directories(dir);
  gen::test::write_text(dir / "config.json", config.dump(2));
  gen::save_safetensors(dir / weights, state_of(m));
}

}  // namespace

void write_folder(const fs::path& dir, int64_t unet_in_channels) {
  const int64_t vocab = write_tokenizer(dir / "tokenizer");
  auto nets = make_nets(unet_in_channels, vocab);
  auto unet_json = kUNetConfig;
  unet_json["in_channels"] = unet_in_channels;
  write_part(dir / "unet", unet_json, "diffusion_pytorch_model.safetensors", *nets.unet);
  write_part(dir / "vae", kVaeConfig, "diffusion_pytorch_model.safetensors", *nets.vae);
  write_part(dir / "text_encoder", clip_config(vocab), "model.safetensors", *nets.clip);
  fs::create_directories(dir / "scheduler");
  gen::test::write_text(dir / "scheduler" / "scheduler_config.json", kScheduler.dump(2));
  const char* pipeline = unet_in_channels == 9 ? "StableDiffusionInpaintPipeline" : "StableDiffusionPipeline";
  gen::test::write_text(dir / "model_index.json", json{{"_class_name", pipeline}}.dump());
}

// The same networks in the original CompVis layout (VAE attention as 1x1 convolutions).
void write_single_file(const fs::path& file, int64_t vocab) {
  auto nets = make_nets(4, vocab);
  std::map<std::string, torch::Tensor> tensors;
  auto add = [&](torch::nn::Module& m, const std::map<std::string, std::string>& names, bool conv_attention) {
    for (const auto& [name, t] : state_of(m)) {
      if (!names.count(name)) continue;
      tensors[names.at(name)] = conv_attention && t.dim() == 2 ? t.reshape({t.size(0), t.size(1), 1, 1}) : t;
    }
  };
  add(*nets.unet, nn::original_key_map(*nets.unet), false);
  add(*nets.vae, nn::original_key_map(*nets.vae), true);
  add(*nets.clip, nn::original_key_map(*nets.clip), false);
  gen::save_safetensors(file, tensors);
}

nn::UNet2DConditionConfig tiny_audio_unet_config(bool concat, int64_t text_dim) {
  nn::UNet2DConditionConfig c;
  c.in_channels = c.out_channels = 4;
  c.sample_size = 16;
  c.block_out_channels = {8, 16};
  c.down_block_types = {"DownBlock2D", "CrossAttnDownBlock2D"};
  c.up_block_types = {"CrossAttnUpBlock2D", "UpBlock2D"};
  c.layers_per_block = 1;
  c.num_attention_heads = {2, 2};
  c.transformer_layers_per_block = {1, 1};
  c.cross_attention_dim = 0;
  c.cross_attention_dims = {8, 16};
  c.norm_num_groups = 4;
  c.class_embed_type = "simple_projection";
  c.projection_class_embeddings_input_dim = text_dim;
  c.class_embeddings_concat = concat;
  return c;
}

namespace {

json tiny_vae() {
  return {{"_class_name", "AutoencoderKL"},
          {"in_channels", 1},
          {"out_channels", 1},
          {"block_out_channels", {8, 8}},
          {"down_block_types", {"DownEncoderBlock2D", "DownEncoderBlock2D"}},
          {"up_block_types", {"UpDecoderBlock2D", "UpDecoderBlock2D"}},
          {"layers_per_block", 1},
          {"latent_channels", 4},
          {"norm_num_groups", 4},
          {"sample_size", 32},
          {"scaling_factor", 0.9}};
}

// 16 mel bands, hop 160 at 16 kHz: AudioLDM's framing, a fraction of its width.
gen::nn::HifiGanConfig tiny_vocoder() {
  gen::nn::HifiGanConfig c;
  c.model_in_dim = 16;
  c.sampling_rate = 16000;
  c.upsample_initial_channel = 16;
  c.upsample_rates = {10, 16};
  c.upsample_kernel_sizes = {20, 32};
  c.resblock_kernel_sizes = {3};
  c.resblock_dilation_sizes = {{1, 3}};
  c.normalize_before = false;
  return c;
}

void write_json(const fs::path& file, const json& j) {
  fs::create_directories(file.parent_path());
  write_text(file, j.dump(2));
}

}  // namespace

void write_tiny_audioldm(const fs::path& folder) {
  torch::manual_seed(17);
  gen::nn::UNet2DConditionModel unet(gen::test::tiny_audio_unet_config(true, 16));
  gen::nn::AutoencoderKL vae(gen::nn::AutoencoderKLConfig::from_json(tiny_vae()));
  gen::nn::SpeechT5HifiGan vocoder(tiny_vocoder());
  const int64_t vocab = gen::nn::write_clip_vocabulary(folder / "tokenizer", {"piano", "violin", "note", "c", "4"});
  gen::nn::ClipTextConfig text;
  text.vocab_size = vocab;
  text.hidden_size = 16;
  text.intermediate_size = 32;
  text.num_hidden_layers = 1;
  text.num_attention_heads = 2;
  text.max_position_embeddings = 16;
  gen::nn::ClipTextEmbedder embedder(text, 16);

  gen::nn::save_diffusers_part(folder / "unet", unet->config().to_json(), *unet, "diffusion_pytorch_model.safetensors");
  gen::nn::save_diffusers_part(folder / "vae", tiny_vae(), *vae, "diffusion_pytorch_model.safetensors");
  gen::nn::save_diffusers_part(folder / "vocoder", vocoder->config().to_json(), *vocoder, "model.safetensors");
  gen::nn::save_clip_text_embedder(folder / "text_encoder", embedder);
  write_json(folder / "scheduler" / "scheduler_config.json",
             {{"_class_name", "DDIMScheduler"}, {"beta_start", 0.0015}, {"beta_end", 0.0195},
              {"beta_schedule", "scaled_linear"}, {"num_train_timesteps", 1000}});
  write_json(folder / "model_index.json", {{"_class_name", "AudioLDMPipeline"}});
  write_json(folder / "generation_defaults.json", {{"steps", 3}, {"cfg_scale", 2.5}, {"duration", 1.0}});
}

}  // namespace gen::test
