#include "video_generator.h"

#include <map>

#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/guidance.h>
#include <gen/mixed_noise.h>
#include <gen/nn/checkpoint_sampler.h>
#include <gen/nn/latent_rgb.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/sampling.h>
#include <gen/video/video.h>

namespace video_temporal {

// Everything resolved from the request, the options, -i and the model, before any weights.
struct VideoGenerator::Plan {
  std::string task;  // txt2vid | img2vid | vid2vid
  int64_t frames = 0, width = 0, height = 0;
  double fps = 0, cfg_scale = 0, motion_cfg_scale = 0, shared_noise = 0;
  int steps = 0;
  std::optional<double> strength;
  int64_t window = 0, overlap = 0;
  std::unique_ptr<gen::Sampler> sampler;
  bool guided() const { return cfg_scale != 1.0 || motion_cfg_scale != cfg_scale; }
};

namespace {

std::string size_text(int64_t w, int64_t h) { return std::to_string(w) + "x" + std::to_string(h); }

}  // namespace

VideoGenerator::VideoGenerator(VideoModelFiles files) : files_(std::move(files)) {}

void VideoGenerator::open_base(const VideoOptions& o) {
  const std::filesystem::path base = o.base.empty() ? files_.base : std::filesystem::path(o.base);
  if (base.empty())
    throw gen::UsageError("motion adapter " + files_.adapter.string() +
                          " has no base model: pass -O base=CHECKPOINT (an SD-1.x diffusers folder or .safetensors)");
  if (!checkpoint_ || base != base_) {
    auto checkpoint = std::make_unique<gen::nn::StableDiffusionCheckpoint>(base);
    if (checkpoint->inpainting())
      throw gen::ModelError(base.string() + " is an inpainting checkpoint (9-channel UNet); motion modules need an "
                            "ordinary SD-1.x UNet");
    if (adapter_.is_empty()) adapter_ = gen::nn::load_motion_adapter(files_.adapter);
    // Fails here, before any weights of the base are read, when the adapter does not fit.
    gen::nn::UNetMotionConfig::from_unet_and_adapter(checkpoint->unet_config(), adapter_->config());
    checkpoint_ = std::move(checkpoint);
    check_motion_text();
    base_ = base;
    text_encoder_ = nullptr;
    vae_ = nullptr;
    unet_ = nullptr;
    tokenizer_.reset();
  }
  const auto dir = checkpoint_->tokenizer_dir(o.tokenizer);
  if (!tokenizer_ || dir != tokenizer_dir_) {
    tokenizer_ = std::make_unique<gen::nn::ClipTokenizer>(gen::nn::ClipTokenizer::from_folder(dir));
    tokenizer_dir_ = dir;
  }
}

// The motion modules read the base's text states when they are as wide as the UNet's
// text, else a tower of their own in the adapter folder (text_encoder/ + tokenizer/).
void VideoGenerator::check_motion_text() const {
  const int64_t width = adapter_->config().motion_cross_attention_dim;
  const int64_t base_width = checkpoint_->unet_config().cross_attention_dim;
  const auto what = files_.adapter.string();
  if (files_.motion_text.empty()) {
    if (width > 0 && width != base_width)
      throw gen::ModelError("motion adapter " + what + " attends to " + std::to_string(width) +
                            "-wide text but has no text_encoder/ of its own, and the base model's text is " +
                            std::to_string(base_width) + " wide");
    return;
  }
  if (width == 0)
    throw gen::ModelError("motion adapter " + what + " has a text_encoder/ but its motion modules do not attend to text");
  const auto config = gen::nn::ClipTextConfig::from_json_file(files_.motion_text / "text_encoder" / "config.json");
  if (config.hidden_size != width)
    throw gen::ModelError("motion adapter " + what + ": its text_encoder/ gives " + std::to_string(config.hidden_size) +
                          "-wide states but the motion modules attend to " + std::to_string(width));
}

VideoGenerator::Plan VideoGenerator::plan(const gen::Request& r, const VideoOptions& o, const ClipStart& start) {
  Plan p;
  const auto& d = files_.defaults;
  p.task = start.has_image() ? "img2vid" : start.has_clip() ? "vid2vid" : "txt2vid";
  p.frames = start.has_clip() ? start.clip.size(0) : (r.video.frames > 0 ? r.video.frames : d.frames);
  p.fps = r.video.fps > 0 ? r.video.fps : (start.fps > 0 ? start.fps : d.fps);
  p.steps = r.steps > 0 ? r.steps : d.steps;
  p.cfg_scale = r.cfg_scale >= 0 ? r.cfg_scale : d.cfg_scale;
  p.shared_noise = o.shared_noise >= 0 ? o.shared_noise : d.shared_noise;
  p.motion_cfg_scale = o.motion_cfg_scale >= 0 ? o.motion_cfg_scale
                       : d.motion_cfg_scale >= 0 ? d.motion_cfg_scale : p.cfg_scale;
  if (files_.motion_text.empty() && p.motion_cfg_scale != p.cfg_scale)
    throw gen::UsageError("option motion_cfg_scale needs motion modules with a text tower of their own; " +
                          files_.adapter.string() + " reads the base model's text (use --cfg-scale)");
  if (start.has_clip()) p.strength = r.video.strength > 0 ? r.video.strength : 0.8;

  const int64_t f = checkpoint_->vae_factor();
  if (start.has_image() || start.has_clip()) {
    const auto& t = start.has_image() ? start.first_frame : start.clip[0];
    const int64_t w = t.size(2), h = t.size(1);
    if ((r.video.width > 0 && r.video.width != w) || (r.video.height > 0 && r.video.height != h))
      throw gen::UsageError("-W/-H ask for " + size_text(r.video.width > 0 ? r.video.width : w,
                                                         r.video.height > 0 ? r.video.height : h) +
                            " but -i is " + size_text(w, h) + "; leave -W/-H out or resize the input");
    p.width = w;
    p.height = h;
    if (w % f || h % f)
      throw gen::InputError("-i is " + size_text(w, h) + "; both sides must be multiples of " + std::to_string(f) +
                            " for this model: crop or resize it");
  } else {
    const int64_t native = checkpoint_->unet_config().sample_size * f;
    p.width = r.video.width > 0 ? r.video.width : native;
    p.height = r.video.height > 0 ? r.video.height : native;
    if (p.width % f || p.height % f)
      throw gen::UsageError("width and height must be multiples of " + std::to_string(f) + " for this model, got " +
                            size_text(p.width, p.height));
  }

  const int64_t positions = adapter_->config().motion_max_seq_length;
  p.window = o.context_frames > 0 ? o.context_frames : std::min<int64_t>(16, positions);
  if (p.window > positions)
    throw gen::UsageError("option context_frames=" + std::to_string(p.window) + " exceeds the motion modules' " +
                          std::to_string(positions) + " frame positions");
  p.overlap = std::min<int64_t>(o.context_overlap, p.window - 1);
  p.sampler = gen::nn::make_checkpoint_sampler(*checkpoint_, r.sampler.empty() ? d.sampler : r.sampler, r.scheduler);
  return p;
}

void VideoGenerator::release(bool text, bool unet, bool vae) {
  if (text) text_encoder_ = motion_text_encoder_ = nullptr;
  if (unet) unet_ = nullptr;
  if (vae) vae_ = nullptr;
}

gen::nn::PromptEncoding VideoGenerator::encode_prompt(const gen::Request& r, const Plan& p, bool low_memory) {
  if (text_encoder_.is_empty()) text_encoder_ = checkpoint_->load_text_encoder();
  auto out = gen::nn::encode_prompts(text_encoder_, *tokenizer_, checkpoint_->sd_version(), r.prompt,
                                     r.negative_prompt, 0, p.guided());
  if (low_memory) release(true, false, false);
  return out;
}

std::vector<gen::TravelKeyframe> VideoGenerator::travel_plan(const gen::Request& r, const VideoOptions& o) {
  if (!o.prompt_end.empty()) return {{0.0, r.prompt}, {1.0, o.prompt_end}};
  if (!o.auto_travel) return {};
  const std::filesystem::path file = o.travel_rules.empty() ? files_.travel_rules : std::filesystem::path(o.travel_rules);
  if (file.empty()) return {};
  if (file != travel_rules_file_) {
    travel_rules_ = gen::TravelRules::load(file);
    travel_rules_file_ = file;
  }
  return travel_rules_.keyframes_for(r.prompt);
}

gen::nn::PromptEncoding VideoGenerator::travel_prompt(const gen::Request& r, const Plan& p,
                                                       const std::vector<gen::TravelKeyframe>& keyframes,
                                                       const gen::nn::PromptEncoding& start) {
  std::map<std::string, torch::Tensor> encoded{{r.prompt, start.cond}};  // a held keyframe repeats its prompt
  std::vector<torch::Tensor> states;
  for (const auto& k : keyframes) {
    auto& cond = encoded[k.prompt];
    if (!cond.defined()) {
      gen::Request at = r;
      at.prompt = k.prompt;
      cond = encode_prompt(at, p, false).cond;
    }
    if (cond.sizes() != start.cond.sizes())
      throw gen::UsageError("prompt travel: \"" + k.prompt + "\" fills " + std::to_string(cond.size(1) / 77) +
                            " 77-token chunks but the prompt " + std::to_string(start.cond.size(1) / 77) +
                            "; travel prompts must be as long");
    states.push_back(cond[0]);
  }
  const auto w = gen::keyframe_weights(keyframes, p.frames).to(start.cond.options());  // [F, K]
  gen::nn::PromptEncoding out = start;
  out.cond = torch::einsum("fk,kmd->fmd", {w, torch::stack(states)});  // [F, M, D]: frame f's text
  if (start.uncond.defined()) out.uncond = start.uncond.repeat({p.frames, 1, 1});
  return out;
}

gen::nn::PromptEncoding VideoGenerator::encode_motion_prompt(const gen::Request& r, const Plan& p, bool low_memory) {
  if (files_.motion_text.empty()) return {};
  if (!motion_tokenizer_)
    motion_tokenizer_ = std::make_unique<gen::nn::ClipTokenizer>(
        gen::nn::ClipTokenizer::from_folder(files_.motion_text / "tokenizer"));
  if (motion_text_encoder_.is_empty())
    motion_text_encoder_ = gen::nn::load_diffusers_text_encoder(files_.motion_text / "text_encoder");
  auto out = gen::nn::encode_prompts(motion_text_encoder_, *motion_tokenizer_, 1, r.prompt, r.negative_prompt, 0,
                                     p.guided());
  if (low_memory) release(true, false, false);
  return out;
}

torch::Tensor VideoGenerator::encode_frames(const torch::Tensor& frames, int64_t chunk) {
  if (vae_.is_empty()) vae_ = checkpoint_->load_vae();
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < frames.size(0); i += chunk)
    parts.push_back(vae_->encode_latent(frames.narrow(0, i, std::min(chunk, frames.size(0) - i))));
  return torch::cat(parts, 0).permute({1, 0, 2, 3}).unsqueeze(0);
}

torch::Tensor VideoGenerator::decode_frames(const torch::Tensor& latents, int64_t chunk) {
  if (vae_.is_empty()) vae_ = checkpoint_->load_vae();
  const auto frames = latents[0].permute({1, 0, 2, 3});  // [F, C, h, w]
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < frames.size(0); i += chunk)
    parts.push_back(vae_->decode_latent(frames.narrow(0, i, std::min(chunk, frames.size(0) - i))));
  return torch::cat(parts, 0);
}

gen::nn::UNetMotionModel& VideoGenerator::motion_unet() {
  if (unet_.is_empty()) unet_ = gen::nn::from_unet_and_adapter(checkpoint_->load_unet(), adapter_);
  return unet_;
}

gen::Sample VideoGenerator::generate(const gen::Request& r, const gen::ProgressCallback& progress) {
  torch::NoGradGuard no_grad;
  // Everything that can be wrong with the request is found before the networks load.
  const auto o = parse_options(r);
  open_base(o);
  const auto start = load_clip_start(r.video.init, r.video.frames);
  if (start.has_image() && r.video.strength > 0)
    throw gen::UsageError("--strength applies to video-to-video; with an image -i, frame 0 is kept and the rest is "
                          "generated");
  auto p = plan(r, o, start);

  const auto keyframes = travel_plan(r, o);
  auto prompt = encode_prompt(r, p, o.low_memory && keyframes.empty());
  if (!keyframes.empty()) prompt = travel_prompt(r, p, keyframes, prompt);
  if (o.low_memory) release(true, false, false);
  const auto motion_prompt = encode_motion_prompt(r, p, o.low_memory);
  const int64_t factor = checkpoint_->vae_factor(), channels = checkpoint_->latent_channels();
  const int64_t h = p.height / factor, w = p.width / factor;
  gen::SamplingOptions so;
  so.steps = p.steps;
  so.progress = progress;
  if (r.batch_count > 1)
    so.stage = "sampling (clip " + std::to_string(r.batch_index + 1) + " of " + std::to_string(r.batch_count) + ")";
  if (start.has_image()) {
    // Image-to-video by latent blending: frame 0 is the image's latent, re-noised to each
    // step's level, and the motion modules carry it into the frames being generated.
    auto first = encode_frames(start.first_frame.unsqueeze(0), 1);  // [1, C, 1, h, w]
    so.init = first.expand({1, channels, p.frames, h, w}).contiguous();
    so.mask = torch::ones({1, 1, p.frames, 1, 1});
    so.mask.select(2, 0).zero_();
  } else if (start.has_clip()) {
    so.init = encode_frames(start.clip, o.decode_chunk);
    so.strength = *p.strength;
  }
  if (o.low_memory) release(false, false, true);
  if (o.preview_every > 0 && progress) {
    so.preview_every = o.preview_every;
    so.on_preview = [progress, factor](int64_t, const torch::Tensor& x0) {
      std::vector<torch::Tensor> frames;
      for (int64_t i = 0; i < x0.size(2); ++i) frames.push_back(gen::nn::latent_rgb(x0[0].select(1, i), factor));
      const auto pixels = gen::video::from_signed_float(torch::stack(frames), gen::video::FrameRate{8, 1}).frames;
      gen::Progress report;
      report.stage = "preview";
      report.preview = &pixels;
      if (progress(report) == gen::ProgressAction::stop) throw gen::Cancelled();
    };
  }

  MotionDenoiser unet(motion_unet(), p.sampler->prediction_type(), p.window, p.overlap, o.low_memory);
  gen::Conditioning cond, uncond;
  cond.context = prompt.cond;
  uncond.context = prompt.uncond;
  if (motion_prompt.cond.defined()) {
    cond.extra["motion_context"] = motion_prompt.cond;
    if (motion_prompt.uncond.defined()) uncond.extra["motion_context"] = motion_prompt.uncond;
  }
  std::optional<gen::ClassifierFreeGuidance> cfg;
  std::optional<gen::ChainedGuidance> chained;
  if (motion_prompt.uncond.defined() && p.motion_cfg_scale != p.cfg_scale) {
    // The middle link: the frames read the caption, the motion modules the empty text,
    // so the second scale weighs only what the motion words add.
    gen::Conditioning frames_only = cond;
    frames_only.extra["motion_context"] = motion_prompt.uncond;
    chained.emplace(unet, std::vector<gen::Conditioning>{uncond, frames_only},
                    std::vector<double>{p.cfg_scale, p.motion_cfg_scale});
  } else if (prompt.uncond.defined() && p.cfg_scale != 1.0) {
    gen::CfgOptions options;
    options.scale = p.cfg_scale;
    cfg.emplace(unet, uncond, options);
  }
  gen::Denoiser& model = chained ? static_cast<gen::Denoiser&>(*chained)
                         : cfg   ? static_cast<gen::Denoiser&>(*cfg)
                                 : unet;
  gen::GeneratorNoise noise(static_cast<uint64_t>(r.seed));
  auto initial = noise.next(torch::empty({1, channels, p.frames, h, w}));
  if (p.shared_noise > 0)  // the frames start from the noise mix the modules were trained on
    initial = gen::mix_shared_noise(initial, noise.next(torch::empty({1, channels, 1, h, w})), p.shared_noise);
  auto latents = gen::sample(model, cond, *p.sampler, initial, noise, so);
  if (o.low_memory) release(false, true, false);

  auto pixels = decode_frames(latents, o.decode_chunk);
  if (start.has_image() && o.composite) pixels[0] = start.first_frame;
  if (o.low_memory) release(false, false, true);

  gen::Sample sample;
  sample.data = gen::video::from_signed_float(pixels, gen::video::FrameRate::from_double(p.fps)).frames;
  auto& m = sample.metadata;
  m["task"] = p.task;
  m["model"] = files_.name;
  m["motion_adapter"] = files_.adapter.string();
  m["base_model"] = base_.string();
  if (!files_.motion_text.empty()) m["motion_text_encoder"] = (files_.motion_text / "text_encoder").string();
  m["steps"] = p.steps;
  m["sampler"] = p.sampler->name();
  m["scheduler"] = r.scheduler;
  m["cfg_scale"] = p.cfg_scale;
  if (!files_.motion_text.empty()) m["motion_cfg_scale"] = p.motion_cfg_scale;
  m["width"] = p.width;
  m["height"] = p.height;
  m["frames"] = p.frames;
  m["fps"] = p.fps;
  m["context_frames"] = p.window;
  m["context_overlap"] = p.overlap;
  m["shared_noise"] = p.shared_noise;
  if (p.strength) m["strength"] = *p.strength;
  if (!o.prompt_end.empty()) m["prompt_end"] = o.prompt_end;
  if (!keyframes.empty()) {
    m["prompt_travel"] = nlohmann::json::array();
    for (const auto& k : keyframes) m["prompt_travel"].push_back({{"at", k.at}, {"prompt", k.prompt}});
  }
  return sample;
}

}  // namespace video_temporal
