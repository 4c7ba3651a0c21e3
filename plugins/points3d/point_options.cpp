// What a points3d request may set. The files --mesh and --render name are checked here,
// before minutes of sampling, rather than by the writer afterwards.
#include <algorithm>
#include <cctype>

#include <gen/error.h>
#include <gen/options.h>
#include <gen/shape3d/shape_io.h>

#include "points3d.h"

namespace points3d {
namespace {

std::string lower_extension(const std::string& path) {
  auto e = std::filesystem::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return e;
}

}  // namespace

std::vector<gen::OptionSpec> option_specs() {
  using gen::OptionSpec;
  return {
      OptionSpec::number("guidance_rescale", -1, -1, 1, "Guidance rescale phi, 0 = off (-1: the model's default)"),
      OptionSpec::number("guidance_min", -1, -1, 1,
                         "CFG applies only at noise levels from this fraction of the schedule up (-1: the model's default)"),
      OptionSpec::number("guidance_max", -1, -1, 1, "... and up to this one (-1: the model's default)"),
      OptionSpec::number("sds_lr", 0.01, 1e-6, 10, "--sds: Adam's learning rate for positions (colours: 5x)"),
      OptionSpec::number("sds_t_min", 0.02, 0, 1, "--sds: the lowest noise level drawn, as a fraction of the schedule"),
      OptionSpec::number("sds_t_max", 0.98, 0, 1, "--sds: the highest noise level drawn"),
      OptionSpec::choice("sds_weighting", {"sds", "uniform", "snr"}, "sds", "--sds: w(t); sds = 1 - alpha_bar (DreamFusion)"),
      OptionSpec::number("sds_radius", 0.035, 1e-4, 1, "--sds: each splat's standard deviation in world units"),
      OptionSpec::integer("sds_resolution", 0, 0, 1024, "--sds: render size in pixels (0 = the image model's native size)"),
      OptionSpec::choice("sds_background", {"learned", "white", "black", "random"}, "learned",
                         "--sds: behind the splats; learned = one colour optimised with the cloud, random = a new one per view"),
  };
}

std::vector<std::string> request_inputs() {
  return {"negative-prompt", "cfg-scale", "steps", "sampler", "scheduler", "points", "mesh", "render", "views",
          "sds", "prior", "sds-steps", "preview-every"};
}

SdsSettings sds_settings(const gen::Request& r) {
  const gen::OptionValues v(r.options, option_specs());
  SdsSettings s;
  if (r.shape3d.points > 0) s.points = r.shape3d.points;
  // --sds-steps counts the iterations; --steps means the same with --sds.
  if (r.shape3d.sds_steps > 0 && r.steps > 0 && r.shape3d.sds_steps != r.steps)
    throw gen::UsageError("--steps " + std::to_string(r.steps) + " and --sds-steps " + std::to_string(r.shape3d.sds_steps) +
                          " disagree; give one");
  if (r.shape3d.sds_steps > 0) s.iterations = r.shape3d.sds_steps;
  else if (r.steps > 0) s.iterations = r.steps;
  s.preview_every = r.shape3d.preview_every;
  if (r.cfg_scale >= 0) s.cfg_scale = r.cfg_scale;
  s.lr = v.number("sds_lr");
  s.t_min = v.number("sds_t_min");
  s.t_max = v.number("sds_t_max");
  s.weighting = v.text("sds_weighting");
  s.splat_radius = v.number("sds_radius");
  s.resolution = static_cast<int>(v.integer("sds_resolution"));
  s.background = v.text("sds_background");
  s.seed = static_cast<uint64_t>(r.seed);
  if (s.t_min >= s.t_max) throw gen::UsageError("-O sds_t_min must be below sds_t_max");
  return s;
}

gen::CfgOptions cfg_options(const gen::Request& r, const ModelDefaults& d, double scale, int train_timesteps) {
  const gen::OptionValues v(r.options, option_specs());
  const auto pick = [&v](const char* key, double model) { return v.number(key) >= 0 ? v.number(key) : model; };
  gen::CfgOptions o;
  o.scale = scale;
  o.rescale = pick("guidance_rescale", d.guidance_rescale);
  const double lo = pick("guidance_min", d.guidance_min), hi = pick("guidance_max", d.guidance_max);
  if (lo >= hi) throw gen::UsageError("-O guidance_min (" + std::to_string(lo) + ") must be below guidance_max (" + std::to_string(hi) + ")");
  // The whole schedule stays open-ended, so t = 999 and fractional timesteps are in.
  const double last = train_timesteps - 1;
  if (lo > 0) o.t_min = lo * last;
  if (hi < 1) o.t_max = hi * last;
  return o;
}

void check_request(const gen::Request& r) {
  const auto& s = r.shape3d;
  if (!s.mesh.empty()) {
    const auto e = lower_extension(s.mesh);
    if (e == ".ply" || !gen::shape3d::is_mesh_extension(s.mesh))
      throw gen::UsageError("--mesh " + s.mesh + ": a mesh is written as .obj, .glb, .gltf, .stl or .off (-o x.ply "
                            "writes the cloud)");
  }
  if (!s.render.empty()) {
    const auto e = lower_extension(s.render);
    if (e != ".gif" && e != ".mp4" && e != ".webm" && e != ".png")
      throw gen::UsageError("--render " + s.render + ": a turntable is written as .gif, .mp4, .webm or .png (a strip)");
  }
  if (s.views > 0 && s.render.empty()) throw gen::UsageError("--views sets the turntable of --render; give --render FILE");
  if (!s.prior.empty() && !s.sds) throw gen::UsageError("--prior names the image model --sds distils; give --sds");
  if (s.sds_steps > 0 && !s.sds) throw gen::UsageError("--sds-steps counts score-distillation iterations; give --sds");
  if (s.sds && !r.sampler.empty()) throw gen::UsageError("--sds optimises rather than samples: it takes no --sampler");
  if (s.sds && !r.scheduler.empty()) throw gen::UsageError("--sds optimises rather than samples: it takes no --scheduler");
}

}  // namespace points3d
