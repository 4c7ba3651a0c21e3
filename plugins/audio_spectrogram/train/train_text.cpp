// `-m text`: a tiny CLAP. The model's text tower is a CLIP text transformer with a
// projection (what the plugin runs, text_condition.cpp) over a word-level vocabulary of
// the captions (gen::nn::clip_words); it is taught contrastively (CLIP's symmetric InfoNCE)
// which clip a caption describes, against a small convolutional encoder of the clips'
// log-mels that is thrown away afterwards. AudioLDM conditions on CLAP's text embedding
// for the same reason: an embedding that already separates "a dog barks" from "rain"
// gives the UNet something to follow; one learned only through the diffusion loss hardly does.
#include <spdlog/spdlog.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>

#include <gen/error.h>
#include <gen/nn/clip_contrastive_task.h>
#include <gen/nn/clip_text_embedder.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/train_options.h>
#include <gen/trainer.h>

#include "sound_dataset.h"
#include "stage_options.h"
#include "train_stages.h"

namespace audio_spectrogram {
namespace {

namespace fs = std::filesystem;
using gen::OptionSpec;

// log-mel [B, 1, frames, bands] -> three stride-2 convolutions -> the mean over time of
// each (channel, band) -> [B, dim]. Keeping the bands apart keeps pitch and timbre.
class MelSummaryImpl : public torch::nn::Module {
 public:
  MelSummaryImpl(int64_t width, int64_t bands, int64_t dim) {
    auto conv = [](int64_t in, int64_t out) {
      return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(2).padding(1));
    };
    layers_ = register_module("layers", torch::nn::Sequential(conv(1, width), torch::nn::SiLU(), conv(width, 2 * width),
                                                              torch::nn::SiLU(), conv(2 * width, 2 * width),
                                                              torch::nn::SiLU()));
    const int64_t reduced = (((bands + 1) / 2 + 1) / 2 + 1) / 2;
    output_ = register_module("output", torch::nn::Linear(2 * width * reduced, dim));
  }
  torch::Tensor forward(const torch::Tensor& mel) {
    // Log-mels sit around -11.5 (silence) .. 3: centre and scale them roughly.
    auto h = layers_->forward((mel + 5) / 4);
    return output_(h.mean(2).flatten(1));
  }

 private:
  torch::nn::Sequential layers_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(MelSummary);

gen::nn::ClipTextConfig text_config(const gen::TrainRequest& r, int64_t vocab) {
  return gen::nn::word_clip_text_config(vocab, width_option(r, "text_width", 128), integer(r, "text_layers", 2, 1, 48), 4,
                                        32);
}

// Each clip has one caption: the contrastive task's list of phrasings per item.
std::vector<std::vector<std::string>> one_each(const std::vector<std::string>& captions) {
  std::vector<std::vector<std::string>> out;
  for (const auto& c : captions) out.push_back({c});
  return out;
}

}  // namespace

gen::TrainStage text_stage() {
  auto options = gen::trainer_option_specs(3000, 1e-3, 64, 2);
  const std::vector<OptionSpec> own = {
      OptionSpec::path("data", "A `gen data audio` folder (required)"),
      OptionSpec::integer("text_dim", 128, 8, 4096, "Text embedding width = the UNet's class-label width"),
      OptionSpec::integer("text_width", 128, 8, 1024, "Width of the text transformer (a multiple of 8)"),
      OptionSpec::integer("text_layers", 2, 1, 48, "Layers of the text transformer"),
      OptionSpec::integer("audio_width", 32, 8, 1024, "Width of the stage's mel encoder (not saved; a multiple of 8)"),
      OptionSpec::integer("max_clips", 0, 0, 10000000, "Use at most this many training clips (0 = all)"),
  };
  options.insert(options.begin(), own.begin(), own.end());
  return {"text", "The text tower, contrastively against the clips' mels (a tiny CLAP; then -m unet -O text_encoder=RUN)",
          options};
}

void train_text(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  const auto data = data_folder(r);
  auto config = gen::trainer_config_from(r, 3000, 1e-3, "custom");
  config.cond_dropout = 0;
  const int64_t batch = integer(r, "batch", 64, 2, 4096), dim = integer(r, "text_dim", 128, 8, 4096);
  const int64_t audio_width = width_option(r, "audio_width", 32);
  const MelGeometry geometry;
  const fs::path out(r.output);

  const auto clips = load_sound_clips(data, "train", geometry.sample_rate, integer(r, "max_clips", 0, 0, 10000000), progress);
  const auto mels = clip_mels(clips, geometry);
  gen::nn::write_clip_vocabulary(out / "tokenizer", gen::nn::clip_words(clips.captions));
  auto tokenizer = gen::nn::ClipTokenizer::from_folder(out / "tokenizer");
  torch::manual_seed(static_cast<uint64_t>(r.seed));
  gen::nn::ClipTextEmbedder text(text_config(r, static_cast<int64_t>(tokenizer.vocab_size())), dim);
  MelSummary audio(audio_width, geometry.bands, dim);
  text->train();
  audio->train();
  spdlog::info("text tower: {} clips, {} vocabulary entries, {} pairs per step", clips.size(), tokenizer.vocab_size(), batch);
  const gen::nn::ItemEncoder mel_encoder{audio.ptr(), [audio](const torch::Tensor& mel) mutable { return audio(mel); }};
  gen::nn::ClipContrastiveTask task(text, tokenizer, mel_encoder, mels.unsqueeze(1), one_each(clips.captions), batch);
  gen::Trainer trainer(task, config, torch::Tensor());
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  text->eval();
  audio->eval();

  nlohmann::json report{{"steps", config.steps}, {"batch", batch}, {"seed", r.seed},
                        {"heldout", nullptr}};
  report["train"] = gen::nn::caption_retrieval(text, tokenizer, mel_encoder, mels.unsqueeze(1), one_each(clips.captions));
  // A dataset without held-out clips is fine: the report says null.
  const auto heldout = load_sound_clips(data, "heldout", geometry.sample_rate, 0, {}, true);
  if (heldout.size() > 0)
    report["heldout"] = gen::nn::caption_retrieval(text, tokenizer, mel_encoder, clip_mels(heldout, geometry).unsqueeze(1),
                                                   one_each(heldout.captions));
  gen::nn::save_clip_text_embedder(out / "text_encoder", text);
  write_json(out / "text_report.json", report);
  spdlog::info("text tower written to {}: retrieval {}", (out / "text_encoder").string(), report.dump());
}

}  // namespace audio_spectrogram
