// The plugin object and its generator: declares what the plugin offers (models,
// options, the request fields it reads), runs the core sampler over the mixture
// denoiser, and returns the scatter plot plus the points; gen writes the files.
#include <gen/error.h>
#include <gen/image/image.h>
#include <gen/plugin.h>
#include <gen/sampler.h>
#include <gen/sampling.h>

#include "template.h"

namespace gen_template {

namespace {

constexpr const char* kModelName = "gmm2d";

std::vector<gen::OptionSpec> option_specs() {
  using gen::OptionSpec;
  return {
      OptionSpec::choice("layout", {"ring", "grid"}, "ring", "Where the mixture components sit"),
      OptionSpec::integer("components", 8, 1, 64, "Number of mixture components"),
      OptionSpec::number("spread", 0.08, 0.001, 1.0, "Standard deviation of each component"),
      OptionSpec::integer("points", 2000, 1, 1000000, "Points per sample"),
  };
}

// The training schedule the analytic model "was trained with": DDPM's linear betas.
gen::SchedulerConfig training_schedule() {
  gen::SchedulerConfig c;
  c.beta_schedule = "linear";
  c.beta_start = 0.0001;
  c.beta_end = 0.02;
  return c;
}

class MixtureGenerator : public gen::Generator {
 public:
  gen::Sample generate(const gen::Request& r, const gen::ProgressCallback& progress) override {
    const gen::OptionValues o(r.options, option_specs());  // validated by the host
    MixtureSpec spec{o.text("layout"), static_cast<int>(o.integer("components")), o.number("spread")};
    const int width = r.image.width > 0 ? r.image.width : 512, height = r.image.height > 0 ? r.image.height : 512;
    if (width < 16 || height < 16) throw gen::UsageError("width and height must be at least 16");
    auto schedule = training_schedule();
    schedule.apply_schedule_name(r.scheduler);
    auto sampler = gen::make_sampler(r.sampler.empty() ? "dpmpp_2m" : r.sampler, schedule);  // lists valid names

    auto mixture = mixture_from_spec(spec);
    // A flow-matching sampler sees the same mixture through the flow process.
    const bool flow = sampler->prediction_type() == gen::PredictionType::flow;
    gen::GaussianMixtureDenoiser denoiser(
        mixture, flow ? gen::flow_noise_levels(schedule.num_train_timesteps) : gen::vp_noise_levels(sampler->alphas_cumprod()),
        flow ? gen::PredictionType::flow : gen::PredictionType::epsilon);
    gen::SamplingOptions options;
    options.steps = r.steps > 0 ? r.steps : 25;
    options.progress = progress;

    gen::GeneratorNoise noise(static_cast<uint64_t>(r.seed));
    auto latent = gen::sample(denoiser, {}, *sampler, noise.next(torch::empty({o.integer("points"), 2})), noise, options);
    const auto xy = PointCodec{}.decode(latent);

    gen::Sample out;
    out.data = scatter_plot(xy, mixture.means, width, height).pixels;
    out.extras[".csv"] = xy;
    out.metadata = {{"seed", r.seed}, {"sampler", sampler->name()}, {"steps", options.steps}, {"width", width}, {"height", height},
                    {"mixture", {{"layout", spec.layout}, {"components", spec.components}, {"spread", spec.spread}}}};
    out.text["parameters"] = out.metadata.dump();
    return out;
  }
};

class TemplatePlugin : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "template";
    i.version = "0.2.0";
    i.description = "2-D point sets from a Gaussian mixture (analytic denoiser; the plugin template)";
    i.modality = gen::Modality::image;
    i.priority = -100;
    // Not a default: `gen image` without -m must never answer with a scatter plot.
    i.models = {{kModelName, "Gaussian mixture in 2-D, exact denoiser, no weights", false}};
    i.options = option_specs();
    i.inputs = {"steps", "sampler", "scheduler", "width", "height"};
    return i;
  }
  bool accepts_model(const std::string& model) const override { return model == kModelName || model == "template"; }
  std::unique_ptr<gen::Generator> create_generator(const std::string& model, const gen::PartSource&,
                                                   const gen::ProgressCallback&) override {
    if (!model.empty() && !accepts_model(model))
      throw gen::ModelError("template plugin has no model '" + model + "' (it has " + kModelName + ")");
    return std::make_unique<MixtureGenerator>();
  }
};

}  // namespace
}  // namespace gen_template

GEN_DEFINE_PLUGIN("template", gen_template::TemplatePlugin)
