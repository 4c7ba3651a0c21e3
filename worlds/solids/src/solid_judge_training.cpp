#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adamw.h>
#include <torch/torch.h>

#include <gen/atomic_file.h>
#include <gen/error.h>
#include <gen/nn/f16_weights.h>
#include <gen/seeded_rng.h>
#include <gen/solids/solid_geometry.h>
#include <gen/solids/solid_judges.h>
#include <gen/staged_folder.h>

#include "point_classifier.h"

namespace gen::solids {

namespace {

constexpr uint64_t kFreshSalt = 0x66726573ull;  // "fres": apart from the dataset's split salts (1, 2)
constexpr uint64_t kPoolSalt = 0x706f6f6cull;   // "pool": the training clouds

void check_options(const SolidJudgeTrainingOptions& o) {
  if (o.output.empty()) throw UsageError("training the 3D judges needs an output folder");
  if (o.pool < 2 || o.pool > 1000000) throw UsageError("the judge pool must hold 2..1000000 clouds");
  if (o.points < 16 || o.points > 100000) throw UsageError("judge clouds need 16..100000 points");
  if (o.steps < 1 || o.steps > 1000000) throw UsageError("judge training steps must be in 1..1000000");
  if (o.batch < 2 || o.batch > 4096) throw UsageError("the judge training batch must be in 2..4096");
  if (!(o.lr > 0 && o.lr < 1)) throw UsageError("the judge learning rate must be in (0, 1)");
  if (o.validation < 2 || o.validation > 100000) throw UsageError("judge validation needs 2..100000 clouds per split");
}

double learning_rate(const SolidJudgeTrainingOptions& o, int step) {
  const double warm = std::max(1.0, 0.05 * o.steps);
  if (step < warm) return o.lr * (step + 1) / warm;
  const double t = (step - warm) / std::max(1.0, o.steps - warm);
  return o.lr * (0.05 + 0.95 * 0.5 * (1 + std::cos(M_PI * t)));
}

FreshSolids draw_clouds(uint64_t salt, Split split, int count, int points, uint64_t seed) {
  FreshSolids out;
  for (int i = 0; i < count; ++i) {
    Rng rng(mix_seed(seed, salt + static_cast<uint64_t>(split), static_cast<uint64_t>(i)));
    auto spec = sample_solid_spec(rng, split);
    out.clouds.push_back(sample_surface(solid_mesh(spec), points, rng.next()));
    out.specs.push_back(std::move(spec));
  }
  return out;
}

// A generated cloud is not a clean sample of a surface: points off the surface by up to
// a few percent of the object, and a random turn about y (the world's yaw is already
// random; this doubles the views per pooled cloud).
torch::Tensor augment(const torch::Tensor& xyz, Rng& rng) {
  const double yaw = rng.uniform(0, 2 * M_PI), c = std::cos(yaw), s = std::sin(yaw);
  const auto turn = torch::tensor({c, 0.0, -s, 0.0, 1.0, 0.0, s, 0.0, c}, torch::kFloat64).view({3, 3}).to(torch::kFloat32);
  auto p = normalise_for_judge(torch::matmul(xyz, turn.t()));
  auto g = at::detail::createCPUGenerator(rng.next());
  return p + rng.uniform(0, 0.03) * torch::randn(p.sizes(), g);
}

}  // namespace

FreshSolids fresh_solids(Split split, int count, int points, uint64_t seed) {
  return draw_clouds(kFreshSalt, split, count, points, seed);
}

nlohmann::json SolidJudgeTrainingReport::to_json() const {
  nlohmann::json v = nlohmann::json::array();
  for (const auto& [split, scores] : validation) {
    auto j = scores.to_json();
    j["split"] = split;
    v.push_back(j);
  }
  return {{"parameters", parameters}, {"seconds", seconds}, {"validation", v}};
}

SolidJudgeTrainingReport train_solid_judges(const SolidJudgeTrainingOptions& o, const ProgressCallback& progress) {
  check_options(o);
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  // Both splits' distributions: the held-out pairs are held out from generators, and a
  // judge must know them to recognise them.
  auto pool = draw_clouds(kPoolSalt, Split::train, o.pool - o.pool / 10, o.points, o.seed);
  auto heldout = draw_clouds(kPoolSalt, Split::heldout, o.pool / 10, o.points, o.seed);
  pool.specs.insert(pool.specs.end(), heldout.specs.begin(), heldout.specs.end());
  pool.clouds.insert(pool.clouds.end(), heldout.clouds.begin(), heldout.clouds.end());
  PointClassifierArchitecture architecture;
  architecture.shapes = solid_shapes();
  std::vector<int64_t> labels;
  for (const auto& spec : pool.specs)
    labels.push_back(std::find(solid_shapes().begin(), solid_shapes().end(), spec.shape) - solid_shapes().begin());

  torch::manual_seed(o.seed);
  PointClassifier classifier(architecture);
  classifier->train();
  torch::optim::AdamW opt(classifier->parameters(), torch::optim::AdamWOptions(o.lr).weight_decay(1e-4));
  Rng rng(mix_seed(o.seed, 37));
  for (int step = 0; step < o.steps; ++step) {
    std::vector<torch::Tensor> batch;
    std::vector<int64_t> target;
    for (int i = 0; i < o.batch; ++i) {
      const int row = rng.integer(0, static_cast<int>(pool.clouds.size()) - 1);
      batch.push_back(augment(pool.clouds[row].xyz, rng));
      target.push_back(labels[row]);
    }
    const auto logits = classifier->forward(torch::stack(batch)).second;
    const auto loss = torch::nn::functional::cross_entropy(logits, torch::tensor(target));
    for (auto& group : opt.param_groups())
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learning_rate(o, step));
    opt.zero_grad();
    loss.backward();
    opt.step();
    if (progress && ((step + 1) % 10 == 0 || step + 1 == o.steps)) {
      char message[64];
      std::snprintf(message, sizeof message, "loss %.4f", loss.item<double>());
      if (progress({"training judges", step + 1, o.steps, elapsed(), message}) == ProgressAction::stop) throw Cancelled();
    }
  }
  classifier->eval();
  SolidJudgeTrainingReport report;
  for (const auto& p : classifier->parameters()) report.parameters += p.numel();
  nlohmann::json config{{"architecture", architecture.to_json()},
                        {"training", {{"seed", o.seed}, {"pool", o.pool}, {"points", o.points}, {"steps", o.steps},
                                      {"batch", o.batch}, {"lr", o.lr}, {"threads", torch::get_num_threads()}}}};
  StagedFolder out(o.output, "judges.safetensors", "3D judge folder");
  nn::save_f16_weights(out / "judges.safetensors", *classifier, {{"format", "gen-judge-3d"}});
  write_file_atomic(out / "config.json", config.dump(2) + "\n");
  // Checked as they will be used: read back from the F16 files, on clouds no dataset holds.
  const auto judges = SolidJudges::load(out.path());
  for (const Split split : {Split::train, Split::heldout}) {
    if (progress && progress({"validating on " + split_name(split), 0, 0, elapsed(), ""}) == ProgressAction::stop)
      throw Cancelled();
    const auto fresh = fresh_solids(split, o.validation, o.points, o.seed);
    report.validation.emplace_back(split_name(split), score_readings(fresh.specs, judges.read(fresh.clouds)));
  }
  report.seconds = elapsed();
  config["parameters"] = report.parameters;
  config["training"]["seconds"] = report.seconds;
  config["validation"] = report.to_json()["validation"];
  write_file_atomic(out / "config.json", config.dump(2) + "\n");
  out.commit();
  return report;
}

}  // namespace gen::solids
