// The plugin's -O options, declared for the host (which validates them), read together
// with the request's audio block into AudioOptions.
#include <gen/error.h>

#include "audio_spectrogram.h"

namespace audio_spectrogram {

std::vector<gen::OptionSpec> option_specs() {
  using gen::OptionSpec;
  return {
      OptionSpec::choice("vocoder", {"auto", "hifigan", "griffin-lim"}, "auto",
                         "Mel -> waveform: the model's HiFi-GAN (vocoder/), or Griffin-Lim, which needs no network; "
                         "auto = HiFi-GAN when the model has one"),
      OptionSpec::integer("griffin_lim_iterations", 64, 1, 10000, "Griffin-Lim iterations (more: cleaner phase)"),
      OptionSpec::path("prompt_embedding",
                       "A .safetensors with the prompt's text embedding (\"prompt\" [D], optional \"negative\"), "
                       "for models whose text tower gen does not run (AudioLDM's CLAP; docs/audio.md)"),
      OptionSpec::path("tokenizer", "Folder with the text tower's vocab.json and merges.txt (default: <model>/tokenizer)"),
      OptionSpec::choice("sample_format", {"pcm16", "pcm24", "float"}, "pcm16", "Samples of a .wav/.flac output"),
      OptionSpec::boolean("resynthesize", false,
                          "No diffusion: the -i clip's log-mel straight through the vocoder (to hear and measure "
                          "the vocoder alone; gen eval audio does)"),
      OptionSpec::boolean("resynthesize_vae", false,
                          "With -O resynthesize: the log-mel also goes through the VAE (encoded, decoded), the whole "
                          "codec a generated clip comes out of"),
  };
}

std::vector<std::string> request_inputs() {
  return {"negative-prompt", "cfg-scale", "steps", "sampler", "scheduler", "duration", "sample-rate",
          "init",            "strength",  "mask-range", "extend", "spectrogram"};
}

const char* vocoder_name(VocoderChoice v) {
  switch (v) {
    case VocoderChoice::hifigan: return "hifigan";
    case VocoderChoice::griffin_lim: return "griffin-lim";
    default: return "auto";
  }
}

AudioOptions parse_options(const gen::Request& r) {
  const gen::OptionValues v(r.options, option_specs());
  AudioOptions o;
  const auto vocoder = v.text("vocoder");
  o.vocoder = vocoder == "hifigan" ? VocoderChoice::hifigan
              : vocoder == "griffin-lim" ? VocoderChoice::griffin_lim
                                         : VocoderChoice::automatic;
  o.griffin_lim_iterations = static_cast<int>(v.integer("griffin_lim_iterations"));
  o.prompt_embedding = v.text("prompt_embedding");
  o.tokenizer = v.text("tokenizer");
  o.sample_format = v.text("sample_format");
  o.resynthesize = v.boolean("resynthesize");
  o.resynthesize_vae = v.boolean("resynthesize_vae");
  if (o.resynthesize_vae && !o.resynthesize) throw gen::UsageError("-O resynthesize_vae goes with -O resynthesize=true");

  const auto& a = r.audio;
  if (o.resynthesize) {
    if (a.init.empty()) throw gen::UsageError("-O resynthesize needs -i with the clip to resynthesize");
    if (a.strength > 0 || !a.mask_range.empty() || a.extend > 0 || a.duration > 0)
      throw gen::UsageError("-O resynthesize takes the clip as it is: no --strength, --mask-range, --extend or --duration");
  }
  const bool edits = !a.mask_range.empty() || a.extend > 0;
  if (a.strength == 0.0) throw gen::UsageError("--strength must be greater than 0");
  if ((a.strength > 0 || edits) && a.init.empty())
    throw gen::UsageError(std::string(a.strength > 0 ? "--strength" : !a.mask_range.empty() ? "--mask-range" : "--extend") +
                          " needs -i with a clip to start from");
  if (!a.mask_range.empty() && a.extend > 0)
    throw gen::UsageError("--mask-range and --extend are two edits; make one, then run gen audio again for the other");
  if (edits && a.strength > 0)
    throw gen::UsageError("--strength is for audio-to-audio; --mask-range and --extend keep the rest of -i exactly");
  if (edits && a.duration > 0)
    throw gen::UsageError("--duration does not apply to --mask-range or --extend: the length follows -i");
  parse_mask_range(a.mask_range);  // the syntax now, the bounds once the clip is read
  return o;
}

}  // namespace audio_spectrogram
