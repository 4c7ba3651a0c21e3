#include "default_model.h"

#include <gen/error.h>

namespace image_ldm {

nlohmann::json default_vae_config(const std::vector<int64_t>& block_out_channels) {
  return {{"_class_name", "AutoencoderKL"},
          {"in_channels", 3},
          {"out_channels", 3},
          {"down_block_types", {"DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"}},
          {"up_block_types", {"UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"}},
          {"block_out_channels", block_out_channels},
          {"layers_per_block", 1},
          {"latent_channels", 4},
          {"norm_num_groups", 8},
          {"sample_size", 64},
          {"scaling_factor", 1.0},
          {"act_fn", "silu"}};
}

nlohmann::json default_text_config(int64_t vocab_size) {
  return {{"architectures", {"CLIPTextModel"}},
          {"vocab_size", vocab_size},
          {"hidden_size", 128},
          {"intermediate_size", 512},
          {"num_hidden_layers", 4},
          {"num_attention_heads", 4},
          {"max_position_embeddings", 77},
          {"hidden_act", "quick_gelu"},
          {"layer_norm_eps", 1e-5},
          {"bos_token_id", 0},
          {"eos_token_id", 2},
          {"pad_token_id", 1},
          {"projection_dim", kClipEmbedDim}};
}

nlohmann::json default_unet_config(int64_t cross_attention_dim, const std::vector<int64_t>& block_out_channels) {
  return {{"_class_name", "UNet2DConditionModel"},
          {"sample_size", 16},
          {"in_channels", 4},
          {"out_channels", 4},
          {"down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"}},
          {"up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}},
          {"block_out_channels", block_out_channels},
          {"layers_per_block", 1},
          {"attention_head_dim", 4},
          {"cross_attention_dim", cross_attention_dim},
          {"norm_num_groups", 16},
          {"norm_eps", 1e-5},
          {"use_linear_projection", true},
          {"flip_sin_to_cos", true},
          {"freq_shift", 0},
          {"act_fn", "silu"}};
}

nlohmann::json default_scheduler_config(const std::string& beta_schedule) {
  const bool linear = beta_schedule == "linear";
  if (!linear && beta_schedule != "scaled_linear")
    throw gen::UsageError("beta_schedule: linear or scaled_linear, not '" + beta_schedule + "'");
  return {{"_class_name", "DPMSolverMultistepScheduler"},
          {"num_train_timesteps", 1000},
          {"beta_schedule", beta_schedule},
          {"beta_start", linear ? 0.0001 : 0.00085},
          {"beta_end", linear ? 0.02 : 0.012},
          {"prediction_type", "epsilon"},
          {"steps_offset", linear ? 0 : 1},
          {"set_alpha_to_one", false},
          {"timestep_spacing", linear ? "trailing" : "leading"},
          {"algorithm_type", "dpmsolver++"},
          {"solver_order", 2}};
}

}  // namespace image_ldm
