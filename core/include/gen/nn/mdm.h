// MDM, the Motion Diffusion Model's network (GuyTevet/motion-diffusion-model, model/mdm.py,
// arch trans_enc, text conditioning, emb_policy add). Registered parameter and buffer names
// are MDM's own, so the 'model' dict of an MDM checkpoint (saved as safetensors) loads
// name for name. The forward pass, batch-first:
//   emb  = embed_text(uncond ? 0 : text) + embed_timestep(t)          the condition token [B, 1, d]
//   seq  = [emb, input_process(x)] + pe[0 : F+1]                        token 0 = condition, f+1 = frame f
//          (cond_every_frame, gen's own option: [emb, input_process(x) + emb] + pe; with
//           frame_text each frame adds embed_text(its own text feature) + embed_timestep(t))
//          (text_tokens_dim, gen's own option: the text tower's per-token states, projected by
//           embed_text_tokens, appended after the frames without positions: [..., tokens])
//          (frame_progress, gen's own option: each frame token also gets embed_progress of
//           its place in its clip, sin/cos(pi k p) for p = f / (length - 1), k = 1..8)
//   seq  = seqTransEncoder(seq, padding = mask_frames ? [false, !frame_mask] : none)   post-LN, gelu
//   out  = output_process(seq[:, 1:])                                  [B, njoints, nfeats, F]
// The network predicts x0 for every published MDM checkpoint (predict_xstart).
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include <gen/export.h>
#include <gen/nn/mdm_blocks.h>
#include <gen/nn/state_dict.h>
#include <gen/nn/transformer_encoder.h>

namespace gen::nn {

// What tensor shapes cannot reveal (for a weights file without config.json). Every
// published MDM uses 4 heads (hard-coded in MDM's get_model_args).
struct MdmHints {
  int64_t num_heads = 4;
  int64_t nfeats = 1;         // features per joint; the weights only hold njoints*nfeats
  bool mask_frames = false;   // newer (50-step) MDMs were trained with it
};

// Defaults are the published HumanML3D model (humanml_trans_enc_512).
struct GEN_API MdmConfig {
  int64_t njoints = 263;      // 263 HumanML3D features (251 for KIT)
  int64_t nfeats = 1;
  int64_t latent_dim = 512;
  int64_t layers = 8;
  int64_t ff_size = 1024;
  int64_t num_heads = 4;
  int64_t clip_dim = 512;     // width of the text feature (CLIP ViT-B/32 encode_text)
  int64_t pos_embed_max_len = 5000;  // rows of the position table: longest clip + 1, largest timestep + 1
  std::string activation = "gelu";
  bool mask_frames = false;   // invalid frames are hidden from attention (as keys)
  // Not MDM's: the condition (text + timestep) is also added to every frame token, so a
  // small network trained briefly cannot ignore its caption. Off for every MDM checkpoint.
  bool cond_every_frame = false;
  // Not MDM's: width of the text tower's per-token states that join the sequence as
  // tokens the frames attend to (padding and unconditional rows hidden), so a caption's
  // words stay apart instead of meeting in one pooled vector. 0 (MDM's) = none.
  int64_t text_tokens_dim = 0;
  // Not MDM's: each frame also knows how far through its clip it is (the clip's length
  // from frame_mask, else all frames), so "A then B" can hand over from A to B at the
  // right place in clips of any length. Absolute positions alone do not say where a
  // clip ends.
  bool frame_progress = false;
  double dropout = 0.1;       // active only in training mode

  int64_t input_feats() const { return njoints * nfeats; }
  // Throws gen::ModelError for values no MDM can have.
  void validate() const;
  TransformerEncoderOptions encoder_options() const;

  // Keys as to_json writes them (MDM's argument names; "num_layers" is read as "layers").
  // Refuses architectures this class does not run (arch other than trans_enc, emb_policy
  // other than add) with a gen::ModelError.
  static MdmConfig from_json(const nlohmann::json& j);
  static MdmConfig from_json_file(const std::filesystem::path& path);  // unreadable file: gen::InputError
  nlohmann::json to_json() const;
  // latent_dim and input features from input_process.poseEmbedding.weight, layers by
  // counting seqTransEncoder.layers.*, ff_size from linear1, clip_dim from embed_text,
  // pos_embed_max_len from sequence_pos_encoder.pe (default when absent), text_tokens_dim
  // from embed_text_tokens (0 when absent), frame_progress from embed_progress; the rest
  // from hints.
  static MdmConfig detect_from_weights(const ShapeMap& shapes, const MdmHints& hints = {});
};

class GEN_API MdmTransformerImpl : public torch::nn::Module {
 public:
  explicit MdmTransformerImpl(const MdmConfig& config);

  // x [B, njoints, nfeats, F] (x_t); timesteps [B] (or one for all) int64 rows of the
  // position table, or float (see MdmPositionalEncodingImpl::rows); text_embed [B, clip_dim];
  // frame_mask [B, F], true = valid frame (a prefix of each row), read when config.mask_frames
  // or config.frame_progress; uncond [B]
  // bool, true = zero that row's text feature (classifier-free guidance's unconditional
  // half, and condition dropout in training) and hide its text tokens. With
  // text_tokens_dim: text_states [B, L, text_tokens_dim] (required) and text_mask [B, L],
  // true = a real token (absent: all real); the tokens after the last real one in any
  // row are dropped before the encoder. frame_text [B, F, clip_dim] (cond_every_frame
  // only): the text feature each frame adds instead of text_embed's — the parts of a
  // sequence caption over the frames each should happen in; the condition token still
  // reads text_embed. Returns [B, njoints, nfeats, F].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& timesteps, const torch::Tensor& text_embed,
                        const torch::Tensor& frame_mask = {}, const torch::Tensor& uncond = {},
                        const torch::Tensor& text_states = {}, const torch::Tensor& text_mask = {},
                        const torch::Tensor& frame_text = {});

  // The pieces, batch-first (MDM's own intermediates are sequence-first: transpose(0, 1)).
  torch::Tensor embed_timestep(const torch::Tensor& timesteps);  // [B] -> [B, d]
  torch::Tensor embed_text(const torch::Tensor& text_embed, const torch::Tensor& uncond = {});  // -> [B, d]
  torch::Tensor input_process(const torch::Tensor& x);  // [B, njoints, nfeats, F] -> [B, F, d]

  const MdmConfig& config() const { return config_; }

  // Under MDM's names: input_process, sequence_pos_encoder, seqTransEncoder,
  // embed_timestep (sharing sequence_pos_encoder), embed_text, output_process; then
  // gen's embed_text_tokens when text_tokens_dim > 0 and embed_progress with frame_progress.
  MdmInputProcess input_process_{nullptr};
  MdmPositionalEncoding sequence_pos_encoder_{nullptr};
  TransformerEncoder seqTransEncoder_{nullptr};
  MdmTimestepEmbedder embed_timestep_{nullptr};
  torch::nn::Linear embed_text_{nullptr};
  MdmOutputProcess output_process_{nullptr};
  torch::nn::Linear embed_text_tokens_{nullptr};
  torch::nn::Linear embed_progress_{nullptr};

  static constexpr int64_t kProgressFrequencies = 8;

 private:
  void check_inputs(const torch::Tensor& x, const torch::Tensor& text_embed) const;
  // What each frame token adds with cond_every_frame: [B, F, d].
  torch::Tensor frame_condition(const torch::Tensor& emb, const torch::Tensor& time, const torch::Tensor& frame_text,
                                const torch::Tensor& uncond, int64_t frames);
  torch::Tensor key_padding(const torch::Tensor& frame_mask, int64_t batch, int64_t frames) const;
  // embed_progress of each frame's place in its clip [B, F, d].
  torch::Tensor progress(const torch::Tensor& frame_mask, int64_t batch, int64_t frames);
  // The projected text tokens [B, L', d] and their key padding [B, L'] (true = hidden).
  std::pair<torch::Tensor, torch::Tensor> text_tokens(const torch::Tensor& states, const torch::Tensor& mask,
                                                      const torch::Tensor& uncond, int64_t batch);
  MdmConfig config_;
};
TORCH_MODULE(MdmTransformer);

// An MDM from a folder (config.json + model.safetensors) or from one .safetensors file
// with MDM's key names (config from a sibling config.json when there is one, else from
// the shapes and `hints`). clip_model.* keys are ignored. The position tables are not
// read: MDM's own loader drops them too, they are a fixed function of the config, and
// checkpoints store them with whatever length they were trained with (5000 rows where a
// config may say 1000); a stored one must only be [rows, 1, latent_dim]. A missing file
// is a gen::InputError; a missing, unexpected or misshapen key, or a config.json that
// disagrees with the weights, a gen::ModelError naming it. Returned in eval mode, float32.
GEN_API MdmTransformer load_mdm(const std::filesystem::path& path, const MdmHints& hints = {});

}  // namespace gen::nn
