// The plugin object and its generator: declares what the plugin offers, validates a
// request, runs the core sampler over the mixture denoiser, writes CSV + PNG + JSON.
#include <chrono>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include <cmath>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/image/image_io.h>
#include <gen/option_values.h>
#include <gen/output.h>
#include <gen/plugin.h>
#include <gen/sampler.h>
#include <gen/sampling.h>

#include "template.h"

namespace gen_template {

namespace {

constexpr const char* kModelName = "gmm2d";

std::string option(const gen::Request& r, const std::string& key, const std::string& fallback) {
  auto it = r.options.find(key);
  return it == r.options.end() ? fallback : it->second;
}

double number_option(const gen::Request& r, const std::string& key, double fallback, double lo, double hi) {
  return gen::number_option(r.options, key, fallback, lo, hi);
}

MixtureSpec mixture_spec(const gen::Request& r) {
  MixtureSpec spec;
  spec.layout = option(r, "layout", "ring");
  if (spec.layout != "ring" && spec.layout != "grid")
    throw gen::UsageError("option layout must be ring or grid, got '" + spec.layout + "'");
  spec.components = static_cast<int>(number_option(r, "components", 8, 1, 64));
  spec.spread = number_option(r, "spread", 0.08, 0.001, 1.0);
  return spec;
}

// The training schedule the analytic model "was trained with": DDPM's linear betas.
gen::SchedulerConfig training_schedule() {
  gen::SchedulerConfig c;
  c.beta_schedule = "linear";
  c.beta_start = 0.0001;
  c.beta_end = 0.02;
  return c;
}

void write_csv(const std::filesystem::path& path, const torch::Tensor& points) {
  gen::AtomicFile file(path);
  {
    std::ofstream out(file.temp_path());
    out << "x,y\n";
    auto p = points.to(torch::kFloat64).contiguous();
    auto a = p.accessor<double, 2>();
    char line[64];
    for (int64_t i = 0; i < p.size(0); ++i) {
      std::snprintf(line, sizeof line, "%.6f,%.6f\n", a[i][0], a[i][1]);
      out << line;
    }
    if (!out) throw gen::Error("cannot write " + path.string());
  }
  file.commit();
}

class MixtureGenerator : public gen::Generator {
 public:
  gen::Result run(const gen::Request& r, const gen::ProgressCallback& progress) override {
    const auto spec = mixture_spec(r);
    const int points = static_cast<int>(number_option(r, "points", 2000, 1, 1000000));
    const int width = r.width > 0 ? r.width : 512, height = r.height > 0 ? r.height : 512;
    if (width < 16 || height < 16) throw gen::UsageError("width and height must be at least 16");
    auto schedule = training_schedule();
    schedule.apply_schedule_name(r.scheduler);
    const std::string sampler_name = r.sampler.empty() ? "dpmpp_2m" : r.sampler;
    auto sampler = gen::make_sampler(sampler_name, schedule);  // throws, listing valid names

    auto mixture = mixture_from_spec(spec);
    // A flow-matching sampler sees the same mixture through the flow process.
    const bool flow = sampler->prediction_type() == gen::PredictionType::flow;
    gen::GaussianMixtureDenoiser denoiser(
        mixture, flow ? gen::flow_noise_levels(schedule.num_train_timesteps) : gen::vp_noise_levels(sampler->alphas_cumprod()),
        flow ? gen::PredictionType::flow : gen::PredictionType::epsilon);
    PointCodec codec;
    gen::SamplingOptions options;
    options.steps = r.steps > 0 ? r.steps : 25;
    options.progress = progress;

    gen::Result result;
    for (int b = 0; b < r.batch_count; ++b) {
      const int64_t seed = gen::item_seed(r.seed, b);
      gen::GeneratorNoise noise(static_cast<uint64_t>(seed));
      auto latent = gen::sample(denoiser, {}, *sampler, noise.next(torch::empty({points, 2})), noise, options);
      auto xy = codec.decode(latent);
      result.artifacts.push_back(
          write_outputs(r, spec, mixture, xy, seed, b, width, height, sampler->name(), options.steps));
    }
    return result;
  }

 private:
  static gen::Artifact write_outputs(const gen::Request& r, const MixtureSpec& spec,
                                     const gen::GaussianMixture& mixture, const torch::Tensor& xy, int64_t seed,
                                     int index, int width, int height, const std::string& sampler, int steps) {
    auto base = gen::numbered_output(r.output, index, r.batch_count);
    auto meta = gen::request_metadata(r, seed);
    meta["plugin"] = "template";
    meta["model"] = kModelName;
    meta["sampler"] = sampler;
    meta["steps"] = steps;
    meta["width"] = width;
    meta["height"] = height;
    meta["mixture"] = {{"layout", spec.layout}, {"components", spec.components}, {"spread", spec.spread}};
    // The output may name the PNG or the CSV; the other is written beside it.
    const bool csv_first = base.extension() == ".csv";
    auto png_path = csv_first ? gen::with_extension(base, ".png") : base;
    auto csv_path = csv_first ? base : gen::with_extension(base, ".csv");
    if (png_path == csv_path) csv_path += ".csv";
    write_csv(csv_path, xy);
    auto image = scatter_plot(xy, mixture.means, width, height);
    gen::image::write_png(png_path, image, {{"parameters", meta.dump()}});
    gen::write_sidecar(png_path, meta);
    return {png_path.string(), "image/png", seed, meta.dump()};
  }
};

class TemplatePlugin : public gen::Plugin {
 public:
  gen::PluginInfo info() const override {
    gen::PluginInfo i;
    i.name = "template";
    i.version = "0.1.0";
    i.description = "2-D point sets from a Gaussian mixture (analytic denoiser; the plugin template)";
    i.modality = gen::Modality::image;
    i.priority = -100;  // any real image model is preferred as the default
    i.models = {{kModelName, "Gaussian mixture in 2-D, exact denoiser, no weights", true}};
    i.options = {
        {"layout", "string", "ring", "Where the mixture components sit", {"ring", "grid"}},
        {"components", "int", "8", "Number of mixture components (1-64)", {}},
        {"spread", "float", "0.08", "Standard deviation of each component", {}},
        {"points", "int", "2000", "Points per sample (1-1000000)", {}},
    };
    return i;
  }
  bool accepts_model(const std::string& model) const override {
    return model == kModelName || model == "template";
  }
  std::unique_ptr<gen::Generator> create_generator(const std::string& model,
                                                   const gen::ProgressCallback&) override {
    if (!model.empty() && !accepts_model(model))
      throw gen::ModelError("template plugin has no model '" + model + "' (it has " + kModelName + ")");
    return std::make_unique<MixtureGenerator>();
  }
};

}  // namespace
}  // namespace gen_template

GEN_DEFINE_PLUGIN("template", gen_template::TemplatePlugin)
