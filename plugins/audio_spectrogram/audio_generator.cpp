#include "audio_generator.h"

#include <cmath>
#include <limits>

#include <spdlog/spdlog.h>

#include <gen/audio/resample.h>
#include <gen/error.h>
#include <gen/guidance.h>
#include <gen/nn/sd_checkpoint.h>
#include <gen/sampling.h>

namespace audio_spectrogram {

// Everything resolved from the request, the options, -i and the model, before any weights.
struct AudioGenerator::Plan {
  std::string task = "text-to-audio";  // | audio-to-audio | inpainting | continuation
  double duration = 0;                 // seconds written
  int64_t frames = 0, rows = 0;        // mel frames and latent rows generated
  int64_t samples = 0;                 // at the model's rate
  int steps = 0;
  double cfg_scale = 0;
  std::optional<double> strength;
  std::optional<std::pair<double, double>> span;  // seconds regenerated (inpainting, continuation)
  bool hifigan = false;
  int output_rate = 0;
  std::unique_ptr<gen::Sampler> sampler;
};

namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

}  // namespace

// cvssp/audioldm-s-full-v2's scheduler_config.json.
gen::SchedulerConfig audioldm_schedule() {
  gen::SchedulerConfig c;
  c.beta_start = 0.0015;
  c.beta_end = 0.0195;
  c.beta_schedule = "scaled_linear";
  return c;
}

AudioGenerator::AudioGenerator(AudioModelFiles files) : files_(std::move(files)), geometry_(mel_geometry(files_)) {}

AudioGenerator::Plan AudioGenerator::plan(const gen::Request& r, const AudioOptions& o, const AudioStart& start) const {
  const auto& a = r.audio;
  const auto& d = files_.defaults;
  Plan p;
  if (start.samples.defined()) {
    if (auto span = parse_mask_range(a.mask_range)) {
      if (span->first >= start.duration)
        throw gen::UsageError("--mask-range " + a.mask_range + " starts after the end of -i (" +
                              seconds_text(start.duration) + ")");
      p.span = std::make_pair(span->first, std::min(span->second, start.duration));
      p.task = "inpainting";
      p.duration = start.duration;
    } else if (a.extend > 0) {
      p.span = std::make_pair(start.duration, start.duration + a.extend);
      p.task = "continuation";
      p.duration = start.duration + a.extend;
    } else if (o.resynthesize) {
      p.task = "resynthesis";
      p.duration = start.duration;
    } else {
      p.task = "audio-to-audio";
      p.duration = a.duration > 0 ? a.duration : start.duration;
      p.strength = a.strength > 0 ? a.strength : 0.7;
    }
  } else {
    const double native = static_cast<double>(files_.unet.sample_size * geometry_.vae_factor * geometry_.hop) /
                          geometry_.sample_rate;
    p.duration = a.duration > 0 ? a.duration : d.duration > 0 ? d.duration : native;
  }
  p.frames = geometry_.frames_for(p.duration);
  p.rows = geometry_.latent_rows(p.frames);
  p.samples = std::llround(p.duration * geometry_.sample_rate);
  p.steps = r.steps > 0 ? r.steps : d.steps;
  p.cfg_scale = r.cfg_scale >= 0 ? r.cfg_scale : d.cfg_scale;
  p.output_rate = a.sample_rate > 0 ? a.sample_rate : geometry_.sample_rate;
  if (p.output_rate < gen::audio::kMinSampleRate)
    throw gen::UsageError("--sample-rate " + std::to_string(a.sample_rate) + " is below " +
                          std::to_string(gen::audio::kMinSampleRate) + " Hz");

  if (o.vocoder == VocoderChoice::hifigan && !files_.vocoder)
    throw gen::UsageError("-O vocoder=hifigan: " + files_.dir.string() + " has no vocoder/; use -O vocoder=griffin-lim");
  p.hifigan = o.vocoder != VocoderChoice::griffin_lim && files_.vocoder.has_value();

  auto schedule = files_.scheduler.is_null() ? audioldm_schedule() : gen::SchedulerConfig::from_json(files_.scheduler);
  if (!r.scheduler.empty()) schedule.apply_schedule_name(r.scheduler);
  std::string name = !r.sampler.empty() ? r.sampler : !d.sampler.empty() ? d.sampler : "";
  if (name.empty()) name = files_.scheduler.is_null() ? "ddim" : files_.scheduler.value("_class_name", "ddim");
  p.sampler = gen::make_sampler(name, schedule);
  if (p.sampler->prediction_type() == gen::PredictionType::flow)
    throw gen::UsageError("sampler '" + std::string(p.sampler->name()) + "' is for flow-matching models; AudioLDM is a VP model");
  return p;
}

TextCondition& AudioGenerator::text(const AudioOptions& o) {
  const auto key = o.prompt_embedding + "|" + o.tokenizer;
  if (!text_ || key != text_key_) {
    text_.reset();
    text_ = std::make_unique<TextCondition>(files_, o);
    text_key_ = key;
  }
  return *text_;
}

void AudioGenerator::load_networks(bool need_vocoder, bool need_unet) {
  if (need_unet && unet_.is_empty()) unet_ = gen::nn::load_diffusers_unet(files_.dir / "unet");
  if (!codec_) codec_ = std::make_unique<MelCodec>(gen::nn::load_diffusers_vae(files_.dir / "vae"), geometry_);
  if (need_vocoder && vocoder_.is_empty()) vocoder_ = gen::nn::load_hifigan(files_.dir / "vocoder");
}

torch::Tensor AudioGenerator::sample_latents(const gen::Request& r, const Plan& p, const AudioStart& start,
                                             const AudioOptions& o, const gen::ProgressCallback& progress) {
  torch::NoGradGuard no_grad;
  auto& t = text(o);
  const auto cond = t.embed(r.prompt);
  const auto uncond = t.embed_negative(r.negative_prompt);
  if (cond.pooled.size(1) != files_.unet.projection_class_embeddings_input_dim)
    throw gen::ModelError("the text embedding is " + std::to_string(cond.pooled.size(1)) + " wide but the UNet's class "
                          "embedding takes " + std::to_string(files_.unet.projection_class_embeddings_input_dim));

  gen::SamplingOptions so;
  so.steps = p.steps;
  so.progress = progress;
  if (r.batch_count > 1)
    so.stage = "sampling (clip " + std::to_string(r.batch_index + 1) + " of " + std::to_string(r.batch_count) + ")";
  if (start.samples.defined()) {
    so.init = codec_->encode(codec_->log_mel(start.samples, p.frames));
    if (p.strength) so.strength = *p.strength;
    if (p.span) so.mask = time_mask(p.span->first, p.span->second, p.rows, geometry_);
  }
  MelDenoiser unet(unet_, p.sampler->prediction_type(),
                   files_.frequency_code ? frequency_code(geometry_, files_.frequency_code) : torch::Tensor());
  std::optional<gen::ClassifierFreeGuidance> cfg;
  if (p.cfg_scale != 1.0) {
    gen::CfgOptions options;
    options.scale = p.cfg_scale;
    cfg.emplace(unet, uncond, options);
  }
  gen::Denoiser& model = cfg ? static_cast<gen::Denoiser&>(*cfg) : unet;
  gen::GeneratorNoise noise(static_cast<uint64_t>(r.seed));
  const int64_t columns = geometry_.bands / geometry_.vae_factor;
  auto initial = noise.next(torch::empty({1, files_.vae.latent_channels, p.rows, columns}));
  return gen::sample(model, cond, *p.sampler, initial, noise, so);
}

gen::Sample AudioGenerator::generate(const gen::Request& r, const gen::ProgressCallback& progress) {
  // Everything that can be wrong with the request is found before the networks load.
  const auto o = parse_options(r);
  const auto start = load_audio_start(r.audio.init, geometry_.sample_rate);
  const auto p = plan(r, o, start);
  if (!o.prompt_embedding.empty() && files_.text_states)
    throw gen::UsageError("-O prompt_embedding gives one pooled vector, but " + files_.dir.string() +
                          "'s UNet attends to the text tower's token states; give the prompt as text");
  if (!o.prompt_embedding.empty() && !r.prompt.empty())
    spdlog::info("the prompt's text is not read: -O prompt_embedding gives its embedding");
  load_networks(p.hifigan, !o.resynthesize);

  torch::Tensor mel;
  if (o.resynthesize) {
    // The vocoder alone: what it makes of a real clip's log-mel (no diffusion), and with
    // -O resynthesize_vae the VAE's round trip of it too (whole latent rows, then cut).
    const int64_t frames = geometry_.frames_for(p.duration);
    if (o.resynthesize_vae) {
      const int64_t f = geometry_.vae_factor, rows = (frames + f - 1) / f;
      mel = codec_->decode(codec_->encode(codec_->log_mel(start.samples, rows * f))).narrow(0, 0, frames);
    } else {
      mel = codec_->log_mel(start.samples, frames);
    }
  } else {
    const auto latents = sample_latents(r, p, start, o, progress);
    if (progress) progress({"decoding", 0, 1, 0.0, ""});
    mel = codec_->decode(latents);
  }
  auto wave = vocode(mel, p.hifigan ? &vocoder_ : nullptr, geometry_, o.griffin_lim_iterations,
                     static_cast<uint64_t>(r.seed));
  if (!torch::isfinite(wave).all().item<bool>())
    throw gen::NumericError("the vocoder produced NaN or Inf (try another seed, sampler or more steps)");
  // The mel covers whole latent rows; the clip is the duration asked for.
  auto clip = torch::zeros({p.samples});
  const int64_t n = std::min(p.samples, wave.size(0));
  clip.narrow(0, 0, n).copy_(wave.narrow(0, 0, n));
  if (p.span) {
    const double rate = geometry_.sample_rate;
    clip = splice(start.samples, clip, std::llround(p.span->first * rate), std::llround(p.span->second * rate),
                  std::llround(0.02 * rate));
  }
  gen::audio::Audio audio{clip.clamp(-1, 1).unsqueeze(0).contiguous(), geometry_.sample_rate};
  if (p.output_rate != audio.sample_rate) audio = gen::audio::resample(audio, p.output_rate);

  gen::Sample sample;
  sample.data = audio.samples;
  auto& m = sample.metadata;
  m["task"] = o.resynthesize ? (o.resynthesize_vae ? "resynthesis through the VAE" : "resynthesis") : p.task;
  m["model"] = files_.name;
  m["sample_rate"] = audio.sample_rate;
  m["sample_format"] = o.sample_format;
  m["duration"] = audio.duration();
  m["steps"] = p.steps;
  m["sampler"] = p.sampler->name();
  m["scheduler"] = r.scheduler;
  m["cfg_scale"] = p.cfg_scale;
  m["vocoder"] = p.hifigan ? "hifigan" : "griffin-lim";
  if (!p.hifigan) m["griffin_lim_iterations"] = o.griffin_lim_iterations;
  m["text_condition"] = text_ ? text_->source() : "";
  if (p.strength && !o.resynthesize) m["strength"] = *p.strength;
  if (p.span) m["regenerated"] = {p.span->first, p.span->second};
  if (r.audio.spectrogram) sample.extras[".spectrogram.png"] = sample.data;
  return sample;
}

}  // namespace audio_spectrogram
