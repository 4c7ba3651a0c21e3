#include "text_pretraining.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/nn/clip_contrastive_task.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/nn/stable_diffusion_checkpoint.h>
#include <gen/nn/transformer_encoder.h>
#include <gen/train_options.h>

#include "training_clips.h"

namespace video_temporal {
namespace {

namespace fs = std::filesystem;
using gen::OptionSpec;

// Latent clips [B, C, F, h, w] -> each frame through two stride-2 convolutions, flattened
// (so where the object is stays visible) -> a frame vector -> a transformer across the
// frames with learned positions (so it can compare where the object is over time) -> the
// mean over frames -> [B, dim].
class ClipSummaryImpl : public torch::nn::Module {
 public:
  ClipSummaryImpl(int64_t channels, int64_t height, int64_t width, int64_t frames, int64_t hidden, int64_t dim) {
    auto conv = [](int64_t in, int64_t out) {
      return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(2).padding(1));
    };
    frame_ = register_module("frame", torch::nn::Sequential(conv(channels, hidden), torch::nn::SiLU(),
                                                            conv(hidden, hidden), torch::nn::SiLU()));
    const auto reduced = [](int64_t n) { return ((n + 1) / 2 + 1) / 2; };
    frame_out_ = register_module("frame_out", torch::nn::Linear(hidden * reduced(height) * reduced(width), hidden));
    position_ = register_parameter("position", torch::randn({frames, hidden}) * 0.02);
    gen::nn::TransformerEncoderOptions o;
    o.d_model = hidden;
    o.nhead = 4;
    o.dim_feedforward = 4 * hidden;
    o.num_layers = 2;
    o.activation = "gelu";
    o.dropout = 0;
    o.norm_first = true;
    time_ = register_module("time", gen::nn::TransformerEncoder(o));
    output_ = register_module("output", torch::nn::Linear(hidden, dim));
  }
  torch::Tensor forward(const torch::Tensor& clips) {
    const int64_t b = clips.size(0), f = clips.size(2);
    if (f > position_.size(0))
      throw gen::InputError("a clip of " + std::to_string(f) + " frames is longer than the " +
                            std::to_string(position_.size(0)) + " the text stage was built for");
    auto frames = clips.transpose(1, 2).flatten(0, 1);  // [B*F, C, h, w]
    auto x = frame_out_(frame_->forward(frames).flatten(1)).view({b, f, -1}) + position_.narrow(0, 0, f);
    return output_(time_(x).mean(1));
  }

 private:
  torch::nn::Sequential frame_{nullptr};
  torch::nn::Linear frame_out_{nullptr}, output_{nullptr};
  torch::Tensor position_;
  gen::nn::TransformerEncoder time_{nullptr};
};
TORCH_MODULE(ClipSummary);

// What the stage's clip encoder sets the captions against. "change": the absolute latent
// difference of each pair of neighbouring frames, summed over channels [N, 1, F-1, h, w]
// — where something moves, grows or fades in, with the still background and most of the
// colour gone — so the tower learns the words that say how a clip changes rather than
// what it shows, which the frozen image model already draws. The motion modules that
// read such a tower cannot tell training clips apart by their colours and replay them.
torch::Tensor contrast_view(const torch::Tensor& clips, const std::string& contrast) {
  if (contrast != "change") return clips;
  const int64_t f = clips.size(2);
  if (f < 2) throw gen::InputError("contrast=change needs clips of at least 2 frames");
  return (clips.narrow(2, 1, f - 1) - clips.narrow(2, 0, f - 1)).abs().sum(1, true);
}

}  // namespace

gen::TrainStage text_stage() {
  auto options = gen::trainer_option_specs(1500, 1e-3, 64, 2);
  const std::vector<OptionSpec> own = {
      OptionSpec::path("data", "A `gen data video` folder (required)"),
      OptionSpec::path("base", "The SD-1.x checkpoint whose VAE encodes the clips (default: the embedded default image model)"),
      OptionSpec::integer("text_width", 128, 8, 4096, "Width of the text tower (a multiple of 4) = the modules' text width"),
      OptionSpec::integer("text_layers", 2, 1, 48, "Layers of the text tower"),
      OptionSpec::integer("clip_width", 64, 8, 1024, "Width of the stage's clip encoder (not saved; a multiple of 4)"),
      OptionSpec::integer("max_clips", 0, 0, 10000000, "Use at most this many training clips (0 = all)"),
      OptionSpec::choice("contrast", {"clip", "change"}, "clip",
                         "What the captions are set against: the latent clip, or only how it changes from frame "
                         "to frame (the tower then knows the motion words, not the colours)"),
  };
  options.insert(options.begin(), own.begin(), own.end());
  return {"text",
          "The motion modules' text tower alone, contrastively against the clips (then -m motion -O text_encoder=RUN)",
          options};
}

void train_text_tower(const gen::TrainRequest& r, const gen::ProgressCallback& progress) {
  const auto data = data_folder(r);
  auto config = gen::trainer_config_from(r, 1500, 1e-3, "custom");
  config.cond_dropout = 0;
  const int64_t batch = integer(r, "batch", 64, 2, 4096), width = integer(r, "text_width", 128, 8, 4096);
  const int64_t clip_width = integer(r, "clip_width", 64, 8, 1024);
  if (width % 4 != 0 || clip_width % 4 != 0)
    throw gen::UsageError("options text_width and clip_width must be multiples of 4");
  const fs::path out(r.output);

  gen::nn::StableDiffusionCheckpoint base(base_checkpoint(r));
  auto clips = encode_clips(data, "train", integer(r, "max_clips", 0, 0, 10000000), base, progress);
  const auto contrast = option(r, "contrast", "clip");
  clips.mean = contrast_view(clips.mean, contrast);
  gen::nn::write_clip_vocabulary(out / "tokenizer", gen::nn::clip_words(all_captions(clips)));
  auto tokenizer = gen::nn::ClipTokenizer::from_folder(out / "tokenizer");
  torch::manual_seed(static_cast<uint64_t>(r.seed));
  gen::nn::ClipTextEmbedder text(motion_text_config(r, static_cast<int64_t>(tokenizer.vocab_size()), width), 0);
  const auto& shape = clips.mean.sizes();  // [N, C, F, h, w]
  ClipSummary encoder(shape[1], shape[3], shape[4], shape[2], clip_width, text->dim());
  const gen::nn::ItemEncoder clip_encoder{encoder.ptr(), [encoder](const torch::Tensor& x) mutable { return encoder(x); }};
  text->train();
  encoder->train();
  spdlog::info("text tower: {} clips ({}), {} vocabulary entries, {} pairs per step", shape[0], contrast,
               tokenizer.vocab_size(), batch);
  gen::nn::ClipContrastiveTask task(text, tokenizer, clip_encoder, clips.mean, clips.captions, batch);
  gen::Trainer trainer(task, config, torch::Tensor());
  trainer.run(progress);
  gen::load_ema_weights(trainer, task.parameters());
  text->eval();
  encoder->eval();

  nlohmann::json report{
      {"steps", config.steps}, {"batch", batch}, {"seed", r.seed}, {"contrast", contrast}, {"heldout", nullptr}};
  report["train"] = gen::nn::caption_retrieval(text, tokenizer, clip_encoder, clips.mean, clips.captions);
  try {  // a dataset without held-out clips is fine: the report says null
    const auto heldout = encode_clips(data, "heldout", 0, base, {});
    if (heldout.mean.size(0) > 0)
      report["heldout"] = gen::nn::caption_retrieval(text, tokenizer, clip_encoder,
                                                     contrast_view(heldout.mean, contrast), heldout.captions);
  } catch (const gen::InputError& e) {
    spdlog::warn("no held-out retrieval: {}", e.what());
  }
  gen::nn::save_clip_text_embedder(out / "text_encoder", text);
  gen::write_file_atomic(out / "text_report.json", report.dump(2) + "\n");
  spdlog::info("text tower written to {}: retrieval {}", (out / "text_encoder").string(), report.dump());
}

}  // namespace video_temporal
