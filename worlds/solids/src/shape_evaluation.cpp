#include <gen/solids/shape_evaluation.h>

#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <gen/error.h>
#include <gen/generation.h>
#include <gen/shape3d/shape_io.h>
#include <gen/solids/solid_dataset.h>

namespace gen::solids {
namespace {

struct SplitCases {
  std::vector<SolidSpec> specs;
  std::vector<std::string> captions;
  std::vector<shape3d::PointCloud> clouds;
};

SplitCases split_cases(const SolidDataset& data, const std::string& split, int count) {
  SplitCases c;
  for (const auto& item : data.items) {
    if (item.split != split || static_cast<int>(c.clouds.size()) >= count) continue;
    c.specs.push_back(item.spec);
    c.captions.push_back(item.caption);
    c.clouds.push_back(shape3d::read_point_cloud(data.root / item.file));
  }
  if (c.clouds.size() < 4) throw InputError(data.root.string() + " has fewer than 4 " + split + " clouds");
  return c;
}

// The first n points of each cloud (the world samples them uniformly, so any n are a
// uniform subset): Chamfer distances compare like with like.
std::vector<torch::Tensor> first_points(const std::vector<shape3d::PointCloud>& clouds, int64_t n) {
  std::vector<torch::Tensor> out;
  for (const auto& c : clouds) out.push_back(c.xyz.narrow(0, 0, std::min(n, c.size())));
  return out;
}

int64_t fewest_points(const std::vector<shape3d::PointCloud>& clouds) {
  int64_t n = clouds.front().size();
  for (const auto& c : clouds) n = std::min(n, c.size());
  return n;
}

ShapeEvaluationRow real_row(const SolidJudges& judges, const std::string& split, const SplitCases& cases) {
  ShapeEvaluationRow row{split, "real", 0};
  row.scores = score_readings(cases.specs, judges.read(cases.clouds));
  std::vector<torch::Tensor> first, second;
  for (size_t i = 0; i < cases.clouds.size(); ++i) (i % 2 ? second : first).push_back(cases.clouds[i].xyz);
  row.metrics = shape3d::set_metrics(first, second);
  return row;
}

}  // namespace

nlohmann::json ShapeEvaluationRow::to_json() const {
  auto j = scores.to_json();
  j["split"] = split;
  j["sampler"] = sampler;
  j["steps"] = steps;
  j["mmd_cd"] = metrics.mmd;
  j["cov"] = metrics.coverage;
  j["nna"] = metrics.nna;
  j["seconds_per_shape"] = seconds_per_shape;
  return j;
}

nlohmann::json ShapeEvaluationReport::to_json() const {
  nlohmann::json rows_json = nlohmann::json::array();
  for (const auto& r : rows) rows_json.push_back(r.to_json());
  return {{"model", model}, {"data", data.string()}, {"judges", judges}, {"runs", rows_json}};
}

ShapeEvaluationReport evaluate_shape_model(const PluginRegistry& registry, const ShapeEvaluationSettings& s,
                                           const std::function<void(const ShapeEvaluationRow&)>& on_row,
                                           const ProgressCallback& progress) {
  if (s.count < 4) throw UsageError("gen eval 3d needs at least 4 captions per split");
  if (s.samplers.empty() || s.steps.empty()) throw UsageError("gen eval 3d needs a sampler and a step count");
  const auto judges = s.judges.empty() ? SolidJudges::load_default() : SolidJudges::load(s.judges);
  const auto data = load_solid_dataset(s.data);
  ShapeEvaluationReport report;
  report.model = s.model;
  report.data = s.data;
  report.judges = judges.config();
  auto emit = [&](ShapeEvaluationRow row) {
    if (on_row) on_row(row);
    report.rows.push_back(std::move(row));
  };
  Request base;
  base.modality = Modality::shape3d;
  base.model = s.model;
  base.cfg_scale = s.cfg_scale;
  std::optional<GenerationSession> session;
  for (const auto& split : s.splits) {
    const auto cases = split_cases(data, split, s.count);
    emit(real_row(judges, split, cases));
    if (!s.generate) continue;
    if (!session) session = open_session(registry, base, progress);
    for (const auto& sampler : s.samplers)
      for (int steps : s.steps) {
        std::vector<shape3d::PointCloud> made;
        const auto start = std::chrono::steady_clock::now();
        for (size_t i = 0; i < cases.captions.size(); ++i) {
          Request r = base;
          r.prompt = cases.captions[i];
          r.sampler = sampler;
          r.steps = steps;
          r.seed = s.seed + static_cast<int64_t>(i);
          auto sample = generate(*session, r, {}).front();
          shape3d::PointCloud cloud;
          cloud.xyz = sample.data.narrow(1, 0, 3).contiguous();
          if (sample.data.size(1) >= 6) cloud.rgb = sample.data.narrow(1, 3, 3).contiguous();
          made.push_back(std::move(cloud));
          if (progress && progress({"generating " + split, static_cast<int64_t>(i + 1),
                                    static_cast<int64_t>(cases.captions.size())}) == ProgressAction::stop)
            throw Cancelled("evaluation stopped");
        }
        ShapeEvaluationRow row{split, sampler.empty() ? std::string("default") : sampler, steps};
        row.seconds_per_shape =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / made.size();
        const auto readings = judges.read(made);
        for (size_t i = 0; i < readings.size(); ++i)  // -v: what the judges read, caption by caption
          spdlog::debug("{} {}: \"{}\" read as {} {} {} {}", split, i, cases.captions[i], readings[i].size,
                        readings[i].aspect, readings[i].color, readings[i].shape);
        row.scores = score_readings(cases.specs, readings);
        const int64_t n = std::min(fewest_points(made), fewest_points(cases.clouds));
        row.metrics = shape3d::set_metrics(first_points(made, n), first_points(cases.clouds, n));
        emit(std::move(row));
      }
  }
  return report;
}

}  // namespace gen::solids
