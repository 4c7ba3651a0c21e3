#include "train_motion.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/nn/motion_adapter.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/nn/stable_diffusion_checkpoint.h>
#include <gen/option_values.h>
#include <gen/safetensors.h>
#include <gen/schedule.h>
#include <gen/train_options.h>

#include "motion_task.h"
#include "text_pretraining.h"
#include "training_clips.h"

namespace video_temporal {
namespace {

namespace fs = std::filesystem;
using gen::OptionSpec;

// AnimateDiff's adapter shape fitted to the base UNet: one motion module after every
// spatial layer, a mid-block module, 32 positions; text attention unless turned off.
// `own_text`: the width of the modules' own text tower, 0 for none.
gen::nn::MotionAdapterConfig adapter_config(const gen::TrainRequest& r, const gen::nn::UNet2DConditionConfig& unet,
                                            int64_t own_text) {
  gen::nn::MotionAdapterConfig c;
  c.block_out_channels = unet.block_out_channels;
  c.motion_layers_per_block = unet.layers_per_block;
  c.motion_num_attention_heads = integer(r, "heads", 4, 1, 64);
  c.motion_norm_num_groups = unet.norm_num_groups;
  c.motion_max_seq_length = integer(r, "positions", 32, 2, 256);
  c.use_motion_mid_block = true;
  c.motion_mid_block_layers_per_block = 1;
  c.motion_conv3d_reduction = integer(r, "conv3d", 0, 0, 64);
  c.motion_spatial_positions = gen::parse_bool("spatial_positions", option(r, "spatial_positions", "false"));
  c.motion_prompt_travel_dim = integer(r, "prompt_travel", 0, 0, 4096);
  if (c.motion_prompt_travel_dim > 0) c.motion_prompt_travel_text_dim = unet.cross_attention_dim;
  for (int64_t width : c.block_out_channels)
    if (c.motion_conv3d_reduction > 0 && width % c.motion_conv3d_reduction != 0)
      throw gen::UsageError("option conv3d=" + std::to_string(c.motion_conv3d_reduction) +
                            " does not divide the base UNet's block width " + std::to_string(width));
  if (gen::parse_bool("text_attention", option(r, "text_attention", "true")))
    c.motion_cross_attention_dim = own_text > 0 ? own_text : unet.cross_attention_dim;
  else if (own_text > 0)
    throw gen::UsageError("the modules' own text tower (text_width or text_encoder) needs text_attention=true");
  return c;
}

// The modules' own tower: a `-m text` run's (text_encoder=RUN, its tokenizer copied to
// `tokenizer_dir`), or a fresh one over the captions' words (text_width > 0), or none.
struct OwnTextTower {
  gen::nn::ClipTextModel model{nullptr};
  bool trainable = true;
};

OwnTextTower own_text_tower(const gen::TrainRequest& r, const std::vector<std::string>& captions,
                            const fs::path& tokenizer_dir) {
  const auto run = option(r, "text_encoder");
  const bool freeze = gen::parse_bool("freeze_text", option(r, "freeze_text", "false"));
  if (run.empty()) {
    const int64_t width = integer(r, "text_width", 0, 0, 4096);
    if (width == 0) return {};
    const int64_t vocab = gen::nn::write_clip_vocabulary(tokenizer_dir, gen::nn::clip_words(captions));
    return {gen::nn::ClipTextModel(motion_text_config(r, vocab, width)), true};
  }
  for (const char* part : {"text_encoder/config.json", "tokenizer/vocab.json", "tokenizer/merges.txt"})
    if (!fs::exists(fs::path(run) / part))
      throw gen::InputError(run + " is not a `gen train video_temporal -m text` run: no " + part);
  fs::create_directories(tokenizer_dir);
  fs::copy(fs::path(run) / "tokenizer", tokenizer_dir, fs::copy_options::overwrite_existing | fs::copy_options::recursive);
  return {gen::nn::load_diffusers_text_encoder(fs::path(run) / "text_encoder"), !freeze};
}

// The width the adapter's text attention reads, checked before the minutes of encoding.
int64_t own_text_width(const gen::TrainRequest& r) {
  const auto run = option(r, "text_encoder");
  const int64_t width = integer(r, "text_width", 0, 0, 4096);
  if (run.empty() && gen::parse_bool("freeze_text", option(r, "freeze_text", "false")))
    throw gen::UsageError("option freeze_text=true needs -O text_encoder=RUN (a -m text run)");
  if (!run.empty()) {
    if (width > 0) throw gen::UsageError("give text_width (a fresh tower) or text_encoder (a trained one), not both");
    if (!fs::exists(fs::path(run) / "text_encoder" / "config.json"))
      throw gen::InputError(run + " is not a `gen train video_temporal -m text` run: no text_encoder/config.json");
    return gen::nn::ClipTextConfig::from_json_file(fs::path(run) / "text_encoder" / "config.json").hidden_size;
  }
  if (width % 4 != 0)  // the tower's heads: 64 wide, else 4 of them
    throw gen::UsageError("option text_width=" + std::to_string(width) + " must be a multiple of 4");
  return width;
}

// The trained motion modules (and prompt travel) as a diffusers MotionAdapter folder:
// weights F16, the fixed position tables (buffers) kept in float32.
void save_adapter(const fs::path& dir, const gen::nn::MotionAdapterConfig& config, const gen::nn::UNetMotionModel& model,
                  const MotionTask& task, const fs::path& text_tokenizer) {
  std::map<std::string, torch::Tensor> tensors;
  const auto is_adapter_part = [](const std::string& key) {
    return key.find("motion_modules.") != std::string::npos || key.rfind("prompt_travel.", 0) == 0;
  };
  for (const auto& p : model->named_parameters())
    if (is_adapter_part(p.key())) tensors[p.key()] = p.value().detach().to(torch::kFloat16).contiguous();
  for (const auto& b : model->named_buffers())
    if (b.key().find("motion_modules.") != std::string::npos) tensors[b.key()] = b.value().detach().contiguous();
  fs::create_directories(dir);
  gen::write_file_atomic(dir / "config.json", config.to_json().dump(2) + "\n");
  gen::save_safetensors(dir / "diffusion_pytorch_model.safetensors", tensors, {{"format", "pt"}});
  if (const auto text = task.motion_text(); !text.is_empty()) {
    gen::nn::save_diffusers_part(dir / "text_encoder", text->config().to_json(), *text, "model.safetensors");
    fs::create_directories(dir / "tokenizer");
    fs::copy(text_tokenizer, dir / "tokenizer", fs::copy_options::overwrite_existing | fs::copy_options::recursive);
  }
}

}  // namespace

std::vector<gen::TrainStage> train_stages() {
  auto options = gen::trainer_option_specs(2000, 3e-4, 4, 1);
  const std::vector<OptionSpec> own = {
      OptionSpec::path("data", "A `gen data video` folder (required)"),
      OptionSpec::path("base", "The frozen SD-1.x checkpoint (default: the embedded default image model)"),
      OptionSpec::integer("frames", 16, 2, 256, "Frames per training clip (a random window of each stored clip)"),
      OptionSpec::integer("heads", 4, 1, 64, "Attention heads of the motion modules"),
      OptionSpec::integer("positions", 32, 2, 256, "Frame positions (the longest window generation can use)"),
      OptionSpec::integer("conv3d", 0, 0, 64,
                          "A residual 3x3x3 convolution block (space and time) in every motion module, of width "
                          "channels / this, so motion modules see where neighbouring pixels were (0: none, "
                          "AnimateDiff's modules)"),
      OptionSpec::boolean("spatial_positions", false,
                          "Every motion module also reads where each pixel is in the picture (Fourier features of "
                          "its row and column, learnt projection)"),
      OptionSpec::integer("prompt_travel", 0, 0, 4096,
                          "Hidden width of a learnt prompt travel: a small net that offsets the frozen image "
                          "model's text states frame by frame from the caption and the frame's place in the clip, "
                          "so the image model's own placing and sizing words can carry the motion (0: none)"),
      OptionSpec::boolean("freeze_modules", false,
                          "Keep the motion modules at their start (output at zero: the image model frame by frame) "
                          "and train only the prompt travel"),
      OptionSpec::boolean("text_attention", true, "Motion modules attend to the caption (gen's extension)"),
      OptionSpec::integer("text_width", 0, 0, 4096,
                          "Width of a text tower of the motion modules' own, trained with them on the clip captions "
                          "and saved in the adapter (0: they read the image model's text states)"),
      OptionSpec::integer("text_layers", 2, 1, 48, "Layers of that text tower"),
      OptionSpec::path("text_encoder", "A `-m text` run whose pretrained text tower the motion modules read instead "
                                       "(saved in the adapter)"),
      OptionSpec::boolean("freeze_text", false, "Keep that pretrained tower fixed (else it trains on with the modules)"),
      OptionSpec::number("cond_dropout", 0.1, 0, 1, "Caption dropout for classifier-free guidance"),
      OptionSpec::number("frame_change_loss", 0.0, 0, 100,
                         "Weight of an x0-space loss on each clip's change over its frames (the clip minus its "
                         "mean frame), alike at every timestep, so the noisy steps that decide the motion count "
                         "(0 = off)"),
      OptionSpec::number("min_snr_gamma", 5.0, 0, 1e3, "Min-SNR loss weighting gamma (0 = off)"),
      OptionSpec::number("offset_noise", 0.0, 0, 1, "Offset noise strength"),
      OptionSpec::number("shared_noise", 0.0, 0, 100,
                         "Noise shared across a clip's frames, PYoCo's alpha (0 = independent; written to the "
                         "adapter's generation_defaults.json so sampling starts the same way)"),
      OptionSpec::integer("max_clips", 0, 0, 10000000, "Use at most this many training clips (0 = all)"),
  };
  options.insert(options.begin(), own.begin(), own.end());
  const auto bias = gen::timestep_bias_option_specs();
  options.insert(options.end(), bias.begin(), bias.end());
  return {{"motion", "Motion modules on a frozen SD-1.x checkpoint, trained on shapes-in-motion clips", options},
          text_stage()};
}

void train_motion(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  if (!r.model.empty() && r.model != "motion")
    throw gen::UsageError("video_temporal trains -m motion or -m text, not '" + r.model + "'");
  const auto data = data_folder(r);
  // Every option is checked before the minutes of loading and encoding.
  auto config = gen::trainer_config_from(r, 2000, 3e-4, "vp");
  config.cond_dropout = gen::number_option(r.options, "cond_dropout", 0.1, 0, 1);
  config.min_snr_gamma = gen::number_option(r.options, "min_snr_gamma", 5.0, 0, 1e3);
  config.offset_noise = gen::number_option(r.options, "offset_noise", 0.0, 0, 1);
  config.shared_noise = gen::number_option(r.options, "shared_noise", 0.0, 0, 100);
  config.shared_noise_dim = 2;  // clips are [B, C, frames, h, w]
  gen::read_timestep_bias_options(r, config);
  const double frame_change_weight = gen::number_option(r.options, "frame_change_loss", 0.0, 0, 100);
  const int64_t batch = integer(r, "batch", 4, 1, 4096), frames = integer(r, "frames", 16, 2, 256);

  gen::nn::StableDiffusionCheckpoint base(base_checkpoint(r));
  const auto adapter = adapter_config(r, base.unet_config(), own_text_width(r));
  if (gen::parse_bool("freeze_modules", option(r, "freeze_modules", "false")) && adapter.motion_prompt_travel_dim == 0)
    throw gen::UsageError("option freeze_modules=true needs prompt_travel > 0 (nothing would train)");
  if (frames > adapter.motion_max_seq_length)
    throw gen::UsageError("option frames=" + std::to_string(frames) + " exceeds positions=" +
                          std::to_string(adapter.motion_max_seq_length));
  auto clips = encode_clips(data, "train", integer(r, "max_clips", 0, 0, 10000000), base, progress);

  auto model = gen::nn::from_unet_and_adapter(base.load_unet(), gen::nn::MotionAdapter(adapter));
  {
    // AnimateDiff's start: every motion module's output projection (and the last layer
    // of its 3D convolution block, and the prompt travel's output) at zero, so training
    // begins from the image model applied frame by frame.
    torch::NoGradGuard no_grad;
    for (auto& p : model->named_parameters()) {
      const auto& key = p.key();
      if (key.find("motion_modules.") == std::string::npos) continue;
      if (key.find(".proj_out.") != std::string::npos || key.find(".temporal_conv.conv2.") != std::string::npos)
        p.value().zero_();
    }
    if (model->prompt_travel) {
      model->prompt_travel->out->weight.zero_();
      model->prompt_travel->out->bias.zero_();
    }
  }
  model->train();
  const auto captions = all_captions(clips);
  MotionTask task(model, std::move(clips), base.load_text_encoder(), gen::nn::ClipTokenizer::from_folder(base.tokenizer_dir("")),
                  base.sd_version(), batch, frames);
  task.set_frame_change_weight(frame_change_weight);
  if (gen::parse_bool("freeze_modules", option(r, "freeze_modules", "false"))) task.freeze_motion_modules();
  const fs::path out(r.output);
  const auto text_tokenizer = out / "motion_text_tokenizer";
  if (auto tower = own_text_tower(r, captions, text_tokenizer); !tower.model.is_empty()) {
    task.set_motion_text(tower.model, gen::nn::ClipTokenizer::from_folder(text_tokenizer), tower.trainable);
    spdlog::info("motion: the modules' own text tower, {} tokens, {} wide, {}", tower.model->config().vocab_size,
                 adapter.motion_cross_attention_dim, tower.trainable ? "trained with them" : "kept fixed");
  }
  auto abar = gen::make_alphas_cumprod(base.training_schedule());
  gen::Trainer trainer(task, config, torch::tensor(abar));
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  model->eval();
  if (auto text = task.motion_text(); !text.is_empty()) text->eval();
  save_adapter(out / "motion_adapter", adapter, model, task, text_tokenizer);
  if (config.shared_noise > 0)  // generation must start from the noise mix trained on
    gen::write_file_atomic(out / "motion_adapter" / "generation_defaults.json",
                           nlohmann::json{{"shared_noise", config.shared_noise}}.dump(2) + "\n");
  spdlog::info("motion adapter written to {}", (out / "motion_adapter").string());
}

}  // namespace video_temporal
