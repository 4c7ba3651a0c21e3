#include <gen/solids/sds_evaluation.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include <nlohmann/json.hpp>

#include <gen/error.h>
#include <gen/generation.h>
#include <gen/image/image.h>
#include <gen/image/image_io.h>
#include <gen/shape3d/splat_renderer.h>
#include <gen/shapes/shape_analysis.h>
#include <gen/shapes/shapes_dataset.h>

namespace gen::solids {
namespace {

bool listed(const std::vector<std::string>& names, const std::string& word) {
  return std::find(names.begin(), names.end(), word) != names.end();
}

// The colour and shape a shapes-world prompt asks for: the first shape word, and the
// last colour word before it ("a small red circle on a blue background": red circle).
shapes::ShapeScene wanted_scene(const std::string& prompt) {
  std::vector<std::string> words(1);
  for (const char ch : prompt) {
    if (std::isalpha(static_cast<unsigned char>(ch))) words.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    else if (!words.back().empty()) words.emplace_back();
  }
  shapes::ShapeScene scene;
  for (const auto& w : words) {
    if (listed(shapes::shape_names(), w)) {
      scene.shape = w;
      break;
    }
    if (listed(shapes::shape_colors(), w)) scene.color = w;
  }
  if (scene.shape.empty() || scene.color.empty()) {
    std::string names;
    for (const auto& n : shapes::shape_names()) names += (names.empty() ? "" : ", ") + n;
    throw UsageError("gen eval 3d --sds: the prompt \"" + prompt + "\" names no colour and shape of the shapes world (" +
                     names + ")");
  }
  return scene;
}

double number_at(const nlohmann::json& j, const char* key, double fallback) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

// The views of one distilled cloud, rendered as the critic saw them.
std::vector<torch::Tensor> render_views(const Sample& sample, const SdsEvaluationSettings& s) {
  const auto sds = sample.metadata.value("sds", nlohmann::json::object());
  shape3d::SplatOptions splat;
  splat.width = splat.height = static_cast<int>(number_at(sds, "resolution", 64));
  splat.radius = number_at(sds, "splat_radius", 0.02);
  if (sds.contains("background_rgb") && sds["background_rgb"].size() == 3)
    for (int k = 0; k < 3; ++k) splat.background[k] = sds["background_rgb"][static_cast<size_t>(k)].get<double>();
  const auto xyz = sample.data.narrow(1, 0, 3).contiguous();
  const auto rgb = sample.data.narrow(1, 3, 3).contiguous();
  std::vector<torch::Tensor> views;
  for (int v = 0; v < s.views; ++v) {
    shape3d::OrbitCamera camera;
    camera.azimuth_deg = 360.0 * v / s.views;
    camera.elevation_deg = s.elevation_deg;
    camera.distance = 2.0;  // the distance the distillation renders from
    views.push_back(shape3d::splat_render(xyz, rgb, camera, splat));
  }
  return views;
}

image::Image to_image(const torch::Tensor& rgb01) { return image::from_signed_float(rgb01 * 2 - 1); }

}  // namespace

namespace {

// The share of the views `counts` accepts.
template <class Counts>
double share(const std::vector<SdsView>& views, Counts counts) {
  return views.empty() ? 0 : std::count_if(views.begin(), views.end(), counts) / static_cast<double>(views.size());
}

}  // namespace

double SdsEvaluationRow::color() const { return share(views, [](const SdsView& v) { return v.color_ok; }); }
double SdsEvaluationRow::shape() const { return share(views, [](const SdsView& v) { return v.shape_ok; }); }
double SdsEvaluationRow::color_and_shape() const {
  return share(views, [](const SdsView& v) { return v.color_ok && v.shape_ok; });
}

nlohmann::json SdsEvaluationRow::to_json() const {
  nlohmann::json read = nlohmann::json::array();
  for (const auto& v : views)
    read.push_back({{"azimuth", v.azimuth_deg}, {"shape", v.shape}, {"color", v.color}, {"color_ok", v.color_ok},
                    {"shape_ok", v.shape_ok}});
  return {{"prompt", prompt}, {"seed", seed}, {"wanted", {{"shape", wanted_shape}, {"color", wanted_color}}},
          {"seconds", seconds}, {"color", color()}, {"shape", shape()}, {"color_and_shape", color_and_shape()},
          {"views", read}};
}

double SdsEvaluationReport::color_and_shape() const {
  double hits = 0, total = 0;
  for (const auto& r : rows) {
    hits += r.color_and_shape() * static_cast<double>(r.views.size());
    total += static_cast<double>(r.views.size());
  }
  return total > 0 ? hits / total : 0;
}

nlohmann::json SdsEvaluationReport::to_json() const {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& r : rows) runs.push_back(r.to_json());
  return {{"method", "score distillation"}, {"color_and_shape", color_and_shape()}, {"runs", runs}};
}

SdsEvaluationReport evaluate_sds(const PluginRegistry& registry, const SdsEvaluationSettings& s,
                                 const std::function<void(const SdsEvaluationRow&)>& on_row,
                                 const ProgressCallback& progress) {
  if (s.prompts.empty()) throw UsageError("gen eval 3d --sds needs a prompt");
  if (s.seeds < 1 || s.views < 1 || s.views > 360) throw UsageError("gen eval 3d --sds takes 1+ seeds and 1 to 360 views");
  std::vector<shapes::ShapeScene> wanted;
  for (const auto& p : s.prompts) wanted.push_back(wanted_scene(p));  // every prompt checked before minutes of work
  if (!s.save_views.empty()) std::filesystem::create_directories(s.save_views);
  Request base = s.base;
  base.modality = Modality::shape3d;
  base.shape3d.sds = true;
  auto session = open_session(registry, base, progress);
  SdsEvaluationReport report;
  for (size_t p = 0; p < s.prompts.size(); ++p)
    for (int k = 0; k < s.seeds; ++k) {
      Request r = base;
      r.prompt = s.prompts[p];
      r.seed = s.seed + k;
      const auto start = std::chrono::steady_clock::now();
      const auto sample = generate(session, r, progress).front();
      SdsEvaluationRow row;
      row.prompt = r.prompt;
      row.seed = r.seed;
      row.wanted_shape = wanted[p].shape;
      row.wanted_color = wanted[p].color;
      row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const auto views = render_views(sample, s);
      for (size_t v = 0; v < views.size(); ++v) {
        const auto found = shapes::analyse_scene(to_image(views[v]));
        const auto check = shapes::check_adherence(found, wanted[p]);
        SdsView read{360.0 * static_cast<double>(v) / s.views};
        if (!found.objects.empty()) read.shape = found.objects[0].shape, read.color = found.objects[0].color;
        read.color_ok = check.color;
        read.shape_ok = check.shape;
        row.views.push_back(read);
      }
      if (!s.save_views.empty())
        image::write_png(s.save_views / ("sds_" + std::to_string(p) + "_seed" + std::to_string(r.seed) + ".png"),
                         to_image(torch::cat(views, 2)));
      if (on_row) on_row(row);
      report.rows.push_back(std::move(row));
    }
  return report;
}

}  // namespace gen::solids
