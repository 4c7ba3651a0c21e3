// The training stages of the default image model as declarations: `gen train
// image_ldm --help` lists them, and the host refuses an unknown or out-of-range -O
// key before a stage starts (train_default_model.cpp reads the values).
#include "train_default_model.h"

#include <gen/train_options.h>

namespace image_ldm {
namespace {

using gen::OptionSpec;

// What every stage hands to the core trainer; defaults differ per stage.
std::vector<OptionSpec> trainer_options(int64_t steps, double lr, int64_t batch, double batch_min) {
  auto specs = gen::trainer_option_specs(steps, lr, batch, batch_min);
  specs.insert(specs.begin(), OptionSpec::path("data", "A `gen data image` folder (required)"));
  return specs;
}

std::vector<OptionSpec> with(std::vector<OptionSpec> a, const std::vector<OptionSpec>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

std::vector<gen::TrainStage> train_stages() {
  return {
      {"vae", "The autoencoder (64x64 RGB <-> 4x16x16 latents)",
       with(trainer_options(3000, 1e-3, 16, 1),
            {OptionSpec::number("kl_weight", 1e-4, 0, 1, "KL term towards N(0, I)"),
             OptionSpec::number("edge_weight", 1.0, 0, 100, "L1 on image gradients (keeps edges sharp)"),
             OptionSpec::number("foreground_weight", 0.0, 0, 100, "Extra weight of object pixels"),
             OptionSpec::text("channels", "32,64,64", "Widths of the three levels, multiples of 8")})},
      {"clip", "The text encoder, contrastively against a small image encoder",
       trainer_options(4000, 5e-4, 64, 2)},
      {"unet", "The denoiser on the VAE's latents, conditioned on the frozen text encoder",
       with(trainer_options(3000, 5e-4, 48, 1),
            {OptionSpec::path("vae", "vae/ folder of a VAE run (required)"),
             OptionSpec::path("text_encoder", "text_encoder/ folder of a CLIP run (required)"),
             OptionSpec::path("tokenizer", "tokenizer/ folder of a CLIP run (required)"),
             OptionSpec::path("init", "unet/ folder to fine-tune from instead of random weights"),
             OptionSpec::text("channels", "64,128,128", "Widths of the three levels, multiples of 16"),
             OptionSpec::choice("beta_schedule", {"scaled_linear", "linear"}, "scaled_linear",
                                "Training noise schedule"),
             OptionSpec::number("cond_dropout", 0.1, 0, 1, "Caption dropout for classifier-free guidance"),
             OptionSpec::number("min_snr_gamma", 5.0, 0, 1e3, "Min-SNR loss weighting gamma (0 = off)"),
             OptionSpec::number("offset_noise", 0.0, 0, 1, "Offset noise strength")})},
  };
}

}  // namespace image_ldm
