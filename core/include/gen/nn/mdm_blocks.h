// The small pieces of MDM's motion transformer (GuyTevet/motion-diffusion-model,
// model/mdm.py), registered under MDM's own names: the sinusoidal position table that
// both the frames and the diffusion step read, the timestep embedder, and the linear
// maps between motion features and the latent width. All batch-first.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include <gen/export.h>

namespace gen::nn {

// MDM's PositionalEncoding: buffer `pe` [max_len, 1, d] (MDM's shape, so checkpoints
// load by name), the interleaved sin/cos table of sinusoidal_position_table.
class GEN_API MdmPositionalEncodingImpl : public torch::nn::Module {
 public:
  MdmPositionalEncodingImpl(int64_t latent_dim, int64_t max_len, double dropout);
  // seq [B, S, d] + pe[0:S] (then dropout while training); S > max_len is a gen::UsageError.
  torch::Tensor forward(const torch::Tensor& seq);
  // Rows of the table for positions [B] -> [B, d]. Integer positions index rows exactly
  // as MDM does (pe[t]); a non-integer float position p interpolates linearly between
  // rows floor(p) and floor(p)+1, so continuous-time samplers get a smooth embedding
  // that equals MDM's at every integer. Outside [0, max_len-1] is a gen::UsageError.
  torch::Tensor rows(const torch::Tensor& positions) const;
  int64_t max_len() const { return pe.size(0); }

  torch::Tensor pe;

 private:
  double dropout_;
};
TORCH_MODULE(MdmPositionalEncoding);

// MDM's TimestepEmbedder: pe[t] -> Linear -> SiLU -> Linear (time_embed.0 / .2). It
// shares the model's position table, which is why MDM's state_dict holds `pe` twice.
class GEN_API MdmTimestepEmbedderImpl : public torch::nn::Module {
 public:
  MdmTimestepEmbedderImpl(int64_t latent_dim, MdmPositionalEncoding shared_positions);
  torch::Tensor forward(const torch::Tensor& timesteps);  // [B] int or float -> [B, d]

  MdmPositionalEncoding sequence_pos_encoder{nullptr};
  torch::nn::Sequential time_embed{nullptr};
};
TORCH_MODULE(MdmTimestepEmbedder);

// MDM's InputProcess for hml_vec / rot6d / xyz data: one Linear over each frame's
// njoints*nfeats features. [B, njoints, nfeats, F] -> [B, F, d].
class GEN_API MdmInputProcessImpl : public torch::nn::Module {
 public:
  MdmInputProcessImpl(int64_t input_feats, int64_t latent_dim);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Linear poseEmbedding{nullptr};
};
TORCH_MODULE(MdmInputProcess);

// MDM's OutputProcess: [B, F, d] -> Linear -> [B, njoints, nfeats, F] (contiguous).
class GEN_API MdmOutputProcessImpl : public torch::nn::Module {
 public:
  MdmOutputProcessImpl(int64_t latent_dim, int64_t njoints, int64_t nfeats);
  torch::Tensor forward(const torch::Tensor& h);

  torch::nn::Linear poseFinal{nullptr};

 private:
  int64_t njoints_, nfeats_;
};
TORCH_MODULE(MdmOutputProcess);

}  // namespace gen::nn
