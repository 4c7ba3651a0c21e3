// A plugin without networks of its own: `gen image -m prior_sampler:MODEL` borrows
// image_ldm's prior for MODEL (text encoder, codec, denoiser, schedule) through the
// registry and runs the core sampler and guidance over it. With the same seed, sampler
// and steps it must reproduce `gen image -m MODEL` exactly.
#include <gen/error.h>
#include <gen/guidance.h>
#include <gen/plugin.h>
#include <gen/sampler.h>
#include <gen/sampling.h>

namespace {

class PriorGenerator : public gen::Generator {
 public:
  explicit PriorGenerator(std::shared_ptr<gen::DiffusionPrior> prior) : prior_(std::move(prior)) {}

  gen::Sample generate(const gen::Request& r, const gen::ProgressCallback& progress) override {
    torch::NoGradGuard no_grad;
    if (!prior_->encoder || !prior_->codec || !prior_->denoiser)
      throw gen::ModelError(prior_->name + " lacks a part this plugin needs");
    const auto prompt = prior_->encoder->encode(r.prompt, r.negative_prompt);
    auto sampler = gen::make_sampler(r.sampler.empty() ? "ddim" : r.sampler, prior_->schedule);
    gen::CfgOptions cfg_options;
    cfg_options.scale = r.cfg_scale >= 0 ? r.cfg_scale : 7.5;
    gen::ClassifierFreeGuidance guided(*prior_->denoiser, prompt.uncond, cfg_options);

    gen::SamplingOptions options;
    options.steps = r.steps > 0 ? r.steps : 20;
    options.progress = progress;
    gen::GeneratorNoise noise(static_cast<uint64_t>(r.seed));
    const auto shape = prior_->codec->latent_shape(prior_->native_data_shape);
    auto latent = gen::sample(guided, prompt.cond, *sampler, noise.next(torch::empty(shape)), noise, options);
    const auto image = prior_->codec->decode(latent)[0];  // [3, H, W] in about [-1, 1]

    gen::Sample out;
    out.data = ((image.clamp(-1, 1) + 1) * 127.5).round().to(torch::kUInt8).permute({1, 2, 0}).contiguous();
    out.metadata = {{"prior", prior_->name}, {"sampler", sampler->name()}, {"steps", options.steps}};
    return out;
  }

 private:
  std::shared_ptr<gen::DiffusionPrior> prior_;
};

class PriorSamplerPlugin : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "prior_sampler";
    i.version = "1.0";
    i.description = "samples image_ldm's prior through the registry (a composition test)";
    i.modality = gen::Modality::image;
    i.priority = -1000;
    i.models = {{"MODEL", "any image_ldm model name or path", false}};
    i.inputs = {"negative-prompt", "cfg-scale", "steps", "sampler"};
    return i;
  }
  bool accepts_model(const std::string&) const override { return false; }  // only as prior_sampler:MODEL
  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::PartSource& parts,
                                                   const gen::ProgressCallback&) override {
    return std::make_unique<PriorGenerator>(parts.prior(model.empty() ? "image_ldm" : "image_ldm:" + model));
  }
};

}  // namespace

GEN_DEFINE_PLUGIN("prior_sampler", PriorSamplerPlugin)
