// gen's extension to AnimateDiff: a learnt prompt travel. The frozen image UNet already
// places and sizes objects as its caption says ("on the left", "small"), so most motions
// are a caption that changes over the clip. PromptTravel gives each frame its own image
// text states: the clip's states plus a per-token offset computed from that token's
// state, the caption (the mean of the text the motion modules read) and the frame's
// place in the clip. Per token, because one offset added to every token only biases the
// cross-attention's output and cannot move anything. Trained from a zero output layer,
// so it starts as the image model's own conditioning.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include <gen/export.h>

namespace gen::nn {

class GEN_API PromptTravelImpl : public torch::nn::Module {
 public:
  // text_width: the image UNet's text states (cross_attention_dim); caption_width: the
  // text the caption is pooled from; hidden: the width of the two hidden layers.
  PromptTravelImpl(int64_t text_width, int64_t caption_width, int64_t hidden);

  // states [B*F, M, D]: the image text states of every frame, the F frames of a clip
  // consecutive; caption [B*F, M', D'] the same way -> states + offsets, [B*F, M, D].
  torch::Tensor forward(const torch::Tensor& states, const torch::Tensor& caption, int64_t num_frames);

  int64_t text_width() const { return text_width_; }
  int64_t caption_width() const { return caption_width_; }

  // Named in, mid, out in the adapter's tensors (prompt_travel.in.weight, ...).
  torch::nn::Linear in{nullptr}, mid{nullptr}, out{nullptr};

 private:
  int64_t text_width_, caption_width_;
};
TORCH_MODULE(PromptTravel);

// The inputs of `in` beyond the token and the caption: Fourier features of the frame's
// place in its clip.
GEN_API int64_t prompt_travel_frame_features();

}  // namespace gen::nn
