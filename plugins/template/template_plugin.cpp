// The plugin object and its generator: declares what the plugin offers, validates a
// request, runs the core sampler over the mixture denoiser, writes CSV + PNG + JSON.
#include <chrono>
#include <cstdio>
#include <fstream>

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/image/image_io.h>
#include <gen/output.h>
#include <gen/plugin.h>

#include "template.h"

namespace gen_template {

namespace {

constexpr const char* kModelName = "gmm2d";

std::string option(const gen::Request& r, const std::string& key, const std::string& fallback) {
  auto it = r.options.find(key);
  return it == r.options.end() ? fallback : it->second;
}

double number_option(const gen::Request& r, const std::string& key, double fallback, double lo, double hi) {
  const auto text = option(r, key, "");
  if (text.empty()) return fallback;
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw gen::UsageError("option " + key + " must be a number, got '" + text + "'");
  }
  if (!(v >= lo && v <= hi))
    throw gen::UsageError("option " + key + "=" + text + " is out of range [" + std::to_string(lo) + ", " +
                          std::to_string(hi) + "]");
  return v;
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

// The training process the analytic model "was trained with": DDPM's linear betas.
torch::Tensor training_alphas_cumprod() {
  auto betas = torch::linspace(0.0001, 0.02, 1000, torch::kFloat64);
  return torch::cumprod(1 - betas, 0);
}

// Deterministic DDIM (eta = 0) over trailing timesteps: x0 and epsilon from the
// prediction, then x_prev = sqrt(abar_prev) x0 + sqrt(1 - abar_prev) eps.
class DdimSampler {
 public:
  DdimSampler(torch::Tensor alphas_cumprod, int steps) : abar_(std::move(alphas_cumprod)) {
    const int64_t n = abar_.size(0);
    for (int i = 0; i < steps; ++i)
      timesteps_.push_back(static_cast<int64_t>(std::llround(n - i * static_cast<double>(n) / steps)) - 1);
  }
  int64_t num_steps() const { return static_cast<int64_t>(timesteps_.size()); }
  int64_t timestep(int64_t i) const { return timesteps_[i]; }
  torch::Tensor step(const torch::Tensor& eps, int64_t i, const torch::Tensor& x) const {
    const double a = abar_[timesteps_[i]].item<double>();
    const double a_prev = i + 1 < num_steps() ? abar_[timesteps_[i + 1]].item<double>() : 1.0;
    auto x0 = (x - std::sqrt(1 - a) * eps) / std::sqrt(a);
    return std::sqrt(a_prev) * x0 + std::sqrt(1 - a_prev) * eps;
  }

 private:
  torch::Tensor abar_;
  std::vector<int64_t> timesteps_;
};

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
    const int steps = r.steps > 0 ? r.steps : 30;
    const int width = r.width > 0 ? r.width : 512, height = r.height > 0 ? r.height : 512;
    if (width < 16 || height < 16) throw gen::UsageError("width and height must be at least 16");
    const std::string sampler_name = r.sampler.empty() ? "ddim" : r.sampler;
    if (sampler_name != "ddim")
      throw gen::UsageError("unknown sampler '" + sampler_name + "' for gmm2d (valid: ddim)");
    auto abar = training_alphas_cumprod();
    auto mixture = GaussianMixture2d::from_spec(spec);
    MixtureDenoiser denoiser(mixture, abar);
    PointCodec codec;

    gen::Result result;
    for (int b = 0; b < r.batch_count; ++b) {
      const int64_t seed = gen::item_seed(r.seed, b);
      DdimSampler sampler(abar, steps);
      auto latent = sample(sampler, denoiser, points, seed, progress);
      auto xy = codec.decode(latent);
      result.artifacts.push_back(write_outputs(r, spec, mixture, xy, seed, b, width, height, sampler_name, steps));
    }
    return result;
  }

 private:
  // The sampling loop: ask the denoiser, step the sampler, report, check.
  static torch::Tensor sample(const DdimSampler& sampler, gen::Denoiser& denoiser, int points, int64_t seed,
                              const gen::ProgressCallback& progress) {
    auto generator = at::detail::createCPUGenerator(static_cast<uint64_t>(seed));
    auto x = torch::randn({points, 2}, generator, torch::kFloat64);
    const auto t0 = std::chrono::steady_clock::now();
    const auto calls = sampler.num_steps();
    for (int64_t i = 0; i < calls; ++i) {
      auto t = torch::full({1}, static_cast<double>(sampler.timestep(i)), torch::kFloat64);
      auto out = denoiser.predict(x, t, {});
      x = sampler.step(out, i, x);
      if (!torch::isfinite(x).all().item<bool>())
        throw gen::NumericError("NaN or Inf in the sample at step " + std::to_string(i + 1));
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (progress && progress({"sampling", i + 1, calls, elapsed, ""}) == gen::ProgressAction::stop)
        throw gen::Cancelled();
    }
    return x;
  }

  static gen::Artifact write_outputs(const gen::Request& r, const MixtureSpec& spec,
                                     const GaussianMixture2d& mixture, const torch::Tensor& xy, int64_t seed,
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
