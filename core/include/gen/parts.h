// The parts a diffusion model family is made of, as interfaces a plugin can hand out
// through the registry (gen/registry.h, PluginRegistry::prior) so that another plugin
// composes them without seeing its internals: 3D score distillation through an image
// prior, a video model reusing an image codec and UNet.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include <gen/denoiser.h>
#include <gen/export.h>
#include <gen/schedule.h>

namespace gen {

// Data <-> diffusion space (a VAE for images, a normalisation for points or motion).
class GEN_API Codec {
 public:
  virtual ~Codec() = default;
  // A batch of data in the codec's data layout -> latents, and back. encode() is
  // differentiable when `data` requires grad (score distillation renders through it).
  virtual torch::Tensor encode(const torch::Tensor& data) = 0;
  virtual torch::Tensor decode(const torch::Tensor& latent) = 0;
  // The latent shape for a data shape (batch dimension included).
  virtual std::vector<int64_t> latent_shape(const std::vector<int64_t>& data_shape) const = 0;
  // What encode() takes, e.g. "float [B, 3, H, W] in [-1, 1]".
  virtual std::string data_layout() const = 0;
};

// A prompt and a negative prompt as the Denoiser's conditioning. `uncond` is what
// classifier-free guidance pushes away from; the two always have matching shapes.
struct PromptConditioning {
  Conditioning cond;
  Conditioning uncond;
};

class GEN_API ConditionEncoder {
 public:
  virtual ~ConditionEncoder() = default;
  virtual PromptConditioning encode(const std::string& prompt, const std::string& negative_prompt) = 0;
};

// A trained model family as parts: condition encoder, codec, denoiser and the noise
// schedule the denoiser was trained with. Any part may be null when the family has none.
struct DiffusionPrior {
  std::string name;                             // "image_ldm:default"
  std::shared_ptr<ConditionEncoder> encoder;
  std::shared_ptr<Codec> codec;
  std::shared_ptr<Denoiser> denoiser;
  SchedulerConfig schedule;
  std::vector<int64_t> native_data_shape;       // e.g. {1, 3, 512, 512}: what it was trained on
};

// What a plugin may ask the host for while it builds or runs a generator (it outlives them).
class GEN_API PartSource {
 public:
  virtual ~PartSource() = default;
  // "plugin" (its default model) or "plugin:model". Throws ModelError when no loaded
  // plugin provides it. The parts keep their library loaded while they live.
  virtual std::shared_ptr<DiffusionPrior> prior(const std::string& spec) const = 0;
};

}  // namespace gen
