// The pieces of the audio_spectrogram plugin (AudioLDM's pipeline: text -> a mel-spectrogram
// latent -> a UNet denoiser -> the VAE decodes a log-mel -> a vocoder makes the waveform),
// one concept per .cpp file: request options, the model on disk, the text condition, the
// UNet as a gen::Denoiser, the mel codec (waveform <-> latent), the clip being edited and
// the generator that ties them together.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <gen/audio/audio.h>
#include <gen/audio/log_mel.h>
#include <gen/denoiser.h>
#include <gen/nn/autoencoder_kl.h>
#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/clip_tokenizer.h>
#include <gen/nn/hifigan.h>
#include <gen/nn/unet2d_condition.h>
#include <gen/options.h>
#include <gen/request.h>
#include <gen/sampler.h>
#include <gen/schedule.h>

namespace audio_spectrogram {

constexpr const char* kDefaultModelName = "default";

// ---- audio_options.cpp: the declared -O options and the request fields read.
enum class VocoderChoice { automatic, hifigan, griffin_lim };
struct AudioOptions {
  VocoderChoice vocoder = VocoderChoice::automatic;  // automatic: the model's HiFi-GAN, else Griffin-Lim
  int griffin_lim_iterations = 64;
  std::string prompt_embedding;  // precomputed text embeddings (a CLAP model's) instead of a text tower
  std::string tokenizer;         // vocab.json + merges.txt folder; default: the model's tokenizer/
  std::string sample_format;     // pcm16 | pcm24 | float (the WAV/FLAC samples); empty: pcm16
  bool resynthesize = false;     // the init clip's log-mel through the vocoder, no diffusion
  bool resynthesize_vae = false;  // ... and through the VAE first
};
std::vector<gen::OptionSpec> option_specs();
std::vector<std::string> request_inputs();
AudioOptions parse_options(const gen::Request& request);
const char* vocoder_name(VocoderChoice v);

// ---- audio_model.cpp: what -m names, found and checked from the configs before weights load.
// A diffusers AudioLDM folder: model_index.json, unet/, vae/, scheduler/, vocoder/ (optional:
// Griffin-Lim without it), text_encoder/ + tokenizer/ (a CLIP text tower with projection; a
// CLAP tower needs -O prompt_embedding), generation_defaults.json (optional, gen's own).
struct ModelDefaults {
  int steps = 25;
  double cfg_scale = 2.5;          // AudioLDMPipeline's default
  double duration = 0;             // 0: the UNet's sample_size worth of frames
  std::string sampler;             // empty: the folder's scheduler class
  // The mel the VAE works in, for models without a vocoder (else the vocoder's config
  // says): "mel": {"sample_rate", "hop_length", "bands"}; AudioLDM's by default.
  int sample_rate = 16000;
  int64_t hop_length = 160, bands = 64;
  bool text_states = false;        // "text_states": the UNet cross-attends to the tower's token states
  int note_slots = 0;              // "note_slots": the prompt's note names as that many more context rows
  int frequency_code = 0;          // "frequency_code": channels of each latent column's pitch appended to the UNet's input
};
struct AudioModelFiles {
  std::string name;
  std::filesystem::path dir;
  gen::nn::UNet2DConditionConfig unet;
  gen::nn::AutoencoderKLConfig vae;
  std::optional<gen::nn::HifiGanConfig> vocoder;   // absent: no vocoder/ folder
  nlohmann::json scheduler;                        // null: DDIM on the default schedule
  ModelDefaults defaults;
  std::string text_model_type;                     // text_encoder/config.json "model_type"; "" = none
  // The UNet attends to the text tower's per-token states (gen's models trained with
  // -O text_states, or any UNet whose attention cannot attend to its own features);
  // AudioLDM's attends to itself and reads the text only as class labels.
  bool text_states = false;
  // With text_states: rows after the token states that carry the note names written in
  // the prompt as pitch codes (note_context.cpp); 0 for AudioLDM's and older gen models.
  int note_slots = 0;
  // Input channels after the latent that tell each latent column its pitch
  // (frequency_code.cpp); 0 for AudioLDM's and older gen models.
  int frequency_code = 0;
};
bool looks_like_audio_model(const std::string& model);
AudioModelFiles locate_model(const std::string& model);  // throws gen::ModelError / InputError
// Frames per second of the mel the model works on, and its bands.
struct MelGeometry {
  int sample_rate = 16000;
  int64_t hop = 160;
  int64_t bands = 64;
  int64_t vae_factor = 4;          // mel frames per latent row
  gen::audio::LogMelConfig log_mel() const;
  // Mel frames covering a duration, rounded up to whole latent rows as AudioLDMPipeline
  // rounds them (the UNet takes any number of rows).
  int64_t frames_for(double seconds) const;
  int64_t latent_rows(int64_t frames) const { return frames / vae_factor; }
};
MelGeometry mel_geometry(const AudioModelFiles& files);

// ---- text_condition.cpp: prompts -> the UNet's condition, AudioLDM's way: the text
// tower's pooled, projected embedding, L2-normalised, as class labels (Conditioning::
// pooled), and for models with text_states the tower's token states as the cross-attention
// context; the empty prompt for the unconditional half. From the model's CLIP tower, or
// from -O prompt_embedding (a safetensors file with "prompt" [D] or [1, D] and optionally
// "negative"; pooled only).
class TextCondition {
 public:
  TextCondition(const AudioModelFiles& files, const AudioOptions& o);
  // pooled [1, D] (and context [1, L, W] with text_states) for a prompt; the negative
  // prompt (or "") for the unconditional half.
  gen::Conditioning embed(const std::string& prompt);
  gen::Conditioning embed_negative(const std::string& negative_prompt);
  std::string source() const { return source_; }

 private:
  gen::Conditioning encode(const std::string& prompt);

  gen::nn::ClipTextEmbedder encoder_{nullptr};
  std::optional<gen::nn::ClipTokenizer> tokenizer_;
  torch::Tensor prompt_, negative_;
  std::string source_;
  bool text_states_ = false;
  int note_slots_ = 0;
};

// ---- note_context.cpp: the note names a prompt writes ("a flute playing Eb4") as context
// rows the UNet attends to beside the text tower's states: row k is the k-th note's pitch
// code (the core timestep sinusoid of the MIDI number, periods 3 to 384 semitones), zero
// when the prompt names fewer notes. A tiny text tower reads "F#4" as three tokens whose
// pitch it has to learn from a few examples each; the code makes neighbouring notes
// neighbouring rows, so the UNet can place a note it never heard on an instrument.
// [1, slots, width]; width even.
constexpr int kMaxNoteSlots = 16;
torch::Tensor note_context(const std::string& prompt, int64_t slots, int64_t width);
torch::Tensor pitch_code(double midi, int64_t width);  // [width]

// ---- frequency_code.cpp: where each latent column sits in pitch, as input channels the
// UNet reads beside the latent (CoordConv's idea, in the note code's terms). A UNet of
// convolutions sees every frequency the same way, save for the edges' padding: with the
// code it knows which columns an octave-4 note's partials belong in, so a note it heard
// only on other instruments has a place to go. Column j's pitch is the MIDI number of the
// mean centre frequency of the mel bands it covers; its code is pitch_code's.
constexpr int kMaxFrequencyCode = 64;
torch::Tensor frequency_code(const MelGeometry& geometry, int64_t channels);  // [1, channels, 1, bands / f]
// x [B, C, rows, columns] -> [B, C + channels, rows, columns]; an undefined code: x.
torch::Tensor with_frequency_code(const torch::Tensor& x, const torch::Tensor& code);

// ---- mel_denoiser.cpp: the AudioLDM UNet through the core's Denoiser interface.
// x_t [B, C, rows, bands/f]; cond.pooled [B, D] (the class labels); cond.context
// [B, L, W] (the token states) when the UNet attends to the text, else undefined.
class MelDenoiser : public gen::Denoiser {
 public:
  // frequency_code: the channels appended to every x_t (undefined: none).
  MelDenoiser(gen::nn::UNet2DConditionModel unet, gen::PredictionType type, torch::Tensor frequency_code = {});
  torch::Tensor predict(const torch::Tensor& x_t, const torch::Tensor& t, const gen::Conditioning& cond) override;
  gen::PredictionType prediction_type() const override { return type_; }

 private:
  gen::nn::UNet2DConditionModel unet_;
  gen::PredictionType type_;
  torch::Tensor frequency_code_;
};

// ---- mel_codec.cpp: waveform <-> log-mel <-> scaled VAE latent.
class MelCodec {
 public:
  MelCodec(gen::nn::AutoencoderKL vae, MelGeometry geometry);
  // Mono samples [N] at geometry.sample_rate -> log-mel [frames, bands], padded with
  // silence or cut to `frames`.
  torch::Tensor log_mel(const torch::Tensor& samples, int64_t frames) const;
  torch::Tensor encode(const torch::Tensor& log_mel);   // [frames, bands] -> [1, C, rows, bands/f]
  torch::Tensor decode(const torch::Tensor& latent);    // [1, C, rows, bands/f] -> [frames, bands]
  const MelGeometry& geometry() const { return geometry_; }

 private:
  gen::nn::AutoencoderKL vae_;
  MelGeometry geometry_;
  gen::audio::LogMel front_end_;
};
// The codec's log-mel of mono samples [N]: [frames, bands], cut to `frames` or padded with
// the log-mel of silence (the log's floor). Training computes its mels with this too, so
// the VAE and the vocoder learn exactly what the codec gives and takes.
torch::Tensor clip_log_mel(const gen::audio::LogMel& front_end, const torch::Tensor& samples, int64_t frames);
// AudioLDM's training schedule (scaled-linear betas 0.0015-0.0195, 1000 steps): the one
// folders without scheduler/ run on, and the one `gen train audio_spectrogram -m unet` uses.
gen::SchedulerConfig audioldm_schedule();
// A log-mel [frames, bands] -> mono samples [N] by the model's HiFi-GAN or by Griffin-Lim.
torch::Tensor vocode(const torch::Tensor& log_mel, gen::nn::SpeechT5HifiGan* hifigan, const MelGeometry& geometry,
                     int griffin_lim_iterations, uint64_t seed);

// ---- audio_start.cpp: what -i gives, and the span of it that is regenerated.
struct AudioStart {
  torch::Tensor samples;   // mono [N] at the model's rate
  double duration = 0;     // seconds
};
AudioStart load_audio_start(const std::string& path, int sample_rate);  // gen::InputError when unreadable
// "1.5:2.5" -> {1.5, 2.5} seconds; "" -> nullopt. A gen::UsageError for anything else.
std::optional<std::pair<double, double>> parse_mask_range(const std::string& text);
// The latent mask (1 = generated) [1, 1, rows, 1] for seconds [from, to) of a clip of
// `rows` latent rows, widened to whole rows.
torch::Tensor time_mask(double from, double to, int64_t rows, const MelGeometry& geometry);
// `generated` [N] inside samples [from, to), `kept` (the input, zero past its end) outside,
// crossfaded over `fade` samples at each seam (inside the span where the input goes on,
// else just before it): an edit leaves the rest of the input as it was, not as the VAE and
// vocoder would redraw it.
torch::Tensor splice(const torch::Tensor& kept, const torch::Tensor& generated, int64_t from, int64_t to, int64_t fade);

}  // namespace audio_spectrogram
