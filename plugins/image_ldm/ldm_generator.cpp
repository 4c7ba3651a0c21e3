// The generator behind `gen image -m CHECKPOINT`: validates the request before any
// weights are read, loads networks as the stages need them (keeping them for the next
// run, or dropping each after use with low_memory), and returns the image and its record.
#include "ldm_generator.h"

#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/image/image.h>
#include <gen/nn/checkpoint_sampler.h>
#include <gen/nn/latent_rgb.h>

namespace image_ldm {
namespace {

constexpr int kDefaultSteps = 20;
constexpr double kDefaultCfg = 7.5;

std::string task_name(const LdmOptions& o) {
  if (!o.pad.empty()) return "outpaint";
  if (!o.mask.empty()) return "inpaint";
  return o.init_image.empty() ? "txt2img" : "img2img";
}

// img2img keeps the canvas size; txt2img uses -W/-H or the UNet's native size.
std::pair<int64_t, int64_t> output_size(const gen::Request& r, const Canvas& canvas, const Checkpoint& checkpoint) {
  const int64_t f = checkpoint.vae_factor();
  const auto size = [](int64_t w, int64_t h) { return std::to_string(w) + "x" + std::to_string(h); };
  if (canvas.has_image()) {
    const int64_t w = canvas.width(), h = canvas.height();
    if ((r.image.width > 0 && r.image.width != w) || (r.image.height > 0 && r.image.height != h))
      throw gen::UsageError("-W/-H ask for " + size(r.image.width > 0 ? r.image.width : w, r.image.height > 0 ? r.image.height : h) +
                            " but the init canvas is " + size(w, h) +
                            "; the output keeps the init image's size, so leave -W/-H out or resize the image");
    if (w % f || h % f)
      throw gen::InputError("the init canvas is " + size(w, h) + " (image plus --pad); both sides must be multiples of " +
                            std::to_string(f) + " for this model: crop the image or choose --pad to round up");
    return {w, h};
  }
  const int64_t native = checkpoint.unet_config().sample_size * f;
  const int64_t w = r.image.width > 0 ? r.image.width : native, h = r.image.height > 0 ? r.image.height : native;
  if (w % f || h % f)
    throw gen::UsageError("width and height must be multiples of " + std::to_string(f) +
                          " for this model (its VAE downsamples by " + std::to_string(f) + "), got " + size(w, h));
  return {w, h};
}

// Everything recorded with the images but the seed, size and model.
ImageRecord base_record(const gen::Request& r, const LdmOptions& o, const Canvas& canvas, const gen::Sampler& sampler) {
  ImageRecord record;
  record.prompt = r.prompt;
  record.negative_prompt = r.negative_prompt;
  record.steps = r.steps > 0 ? r.steps : kDefaultSteps;
  record.sampler = sampler.name();
  record.prediction_type = sampler.prediction_type();
  record.scheduler = r.scheduler;
  record.cfg_scale = r.cfg_scale >= 0 ? r.cfg_scale : kDefaultCfg;
  record.task = task_name(o);
  record.clip_skip = o.clip_skip;
  record.guidance_rescale = o.guidance_rescale;
  if (canvas.has_image()) record.strength = o.strength > 0 ? o.strength : (canvas.has_mask() ? 1.0 : 0.75);
  return record;
}

}  // namespace

LdmGenerator::LdmGenerator(Checkpoint checkpoint) : checkpoint_(std::move(checkpoint)) {}

StableDiffusionPipeline& LdmGenerator::pipeline(const LdmOptions& o) {
  const auto dir = checkpoint_.tokenizer_dir(o.tokenizer);
  if (!pipeline_ || dir != tokenizer_dir_) {
    gen::nn::StableDiffusionModels models;
    models.sd_version = checkpoint_.sd_version();
    models.unet_config = checkpoint_.unet_config();
    models.vae_config = checkpoint_.vae_config();
    if (pipeline_) models = std::move(pipeline_->models());  // keep loaded networks
    pipeline_ = std::make_unique<StableDiffusionPipeline>(std::move(models), gen::nn::ClipTokenizer::from_folder(dir));
    tokenizer_dir_ = dir;
  }
  return *pipeline_;
}

void LdmGenerator::hold(int parts, bool low_memory) {
  auto& m = pipeline_->models();
  // Drop first, so a low_memory run never holds two networks at once.
  if (low_memory) {
    if (!(parts & kTextEncoder)) m.text_encoder = nullptr;
    if (!(parts & kUNet)) m.unet = nullptr;
    if (!(parts & kVae)) m.vae = nullptr;
  }
  if ((parts & kTextEncoder) && m.text_encoder.is_empty()) {
    m.text_encoder = checkpoint_.load_text_encoder();
    m.text_config = m.text_encoder->config();
  }
  if ((parts & kUNet) && m.unet.is_empty()) m.unet = checkpoint_.load_unet();
  if ((parts & kVae) && m.vae.is_empty()) m.vae = checkpoint_.load_vae();
}

const PromptEncoding& LdmGenerator::prompt_states(const gen::Request& r, const LdmOptions& o, bool with_uncond) {
  const auto key = r.prompt + '\0' + r.negative_prompt + '\0' + std::to_string(o.clip_skip) + '\0' +
                   std::to_string(with_uncond) + '\0' + tokenizer_dir_.string();
  if (key != prompt_key_ || !prompt_.cond.defined()) {
    prompt_key_.clear();  // stays invalid if encoding throws
    hold(kTextEncoder, o.low_memory);
    prompt_ = pipeline_->encode_prompt(r.prompt, r.negative_prompt, o.clip_skip, with_uncond);
    prompt_key_ = key;
  }
  return prompt_;
}

gen::Sample LdmGenerator::generate(const gen::Request& r, const gen::ProgressCallback& progress) {
  torch::NoGradGuard no_grad;
  // Everything that can be wrong with the request is found before weights are read.
  const auto o = parse_options(r);
  const auto canvas = load_canvas(o);
  const auto [width, height] = output_size(r, canvas, checkpoint_);
  auto sampler = gen::nn::make_checkpoint_sampler(checkpoint_, r.sampler, r.scheduler, o.prediction_type);
  auto& pipe = pipeline(o);

  auto record = base_record(r, o, canvas, *sampler);
  record.width = width;
  record.height = height;
  record.model_name = checkpoint_.name();
  record.seed = r.seed;

  const auto& prompt = prompt_states(r, o, record.cfg_scale != 1.0);
  CanvasLatents latents;
  if (canvas.has_image() || pipe.inpainting_unet()) {
    hold(kVae, o.low_memory);
    latents = pipe.encode_canvas(canvas, height, width);
  }
  hold(kUNet, o.low_memory);
  auto latent = pipe.sample(prompt, latents, *sampler, height, width, record.seed,
                            settings(record, o, progress, r.batch_index, r.batch_count));
  hold(kVae, o.low_memory);
  const auto decoded = pipe.decode(latent);
  const auto pixels = o.composite ? composite_kept(decoded, canvas) : decoded;

  gen::Sample sample;
  sample.data = gen::image::from_signed_float(pixels[0]).pixels;
  sample.metadata = image_metadata(record, checkpoint_);
  sample.text["parameters"] = a1111_parameters(record);
  return sample;
}

SampleSettings LdmGenerator::settings(const ImageRecord& record, const LdmOptions& o,
                                      const gen::ProgressCallback& progress, int index, int count) const {
  SampleSettings s;
  s.steps = record.steps;
  s.cfg_scale = record.cfg_scale;
  s.guidance_rescale = o.guidance_rescale;
  s.strength = record.strength.value_or(1.0);
  s.progress = progress;
  if (count > 1) s.stage = "sampling (image " + std::to_string(index + 1) + " of " + std::to_string(count) + ")";
  if (o.preview_every > 0 && progress) {
    s.preview_every = o.preview_every;
    const int64_t factor = checkpoint_.vae_factor();
    s.on_preview = [progress, factor](const torch::Tensor& x0) {
      const auto pixels = gen::image::from_signed_float(gen::nn::latent_rgb(x0[0], factor)).pixels;
      gen::Progress report;
      report.stage = "preview";
      report.preview = &pixels;
      if (progress(report) == gen::ProgressAction::stop) throw gen::Cancelled();
    };
  }
  return s;
}

}  // namespace image_ldm
