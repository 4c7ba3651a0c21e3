#include <gen/humans/judge_training.h>

#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adamw.h>

#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/seeded_rng.h>

#include "judge_store.h"
#include "judge_training_set.h"

namespace gen::humans {

namespace {

namespace F = torch::nn::functional;

constexpr double kTemperature = 0.1;  // contrastive logits are cosine similarities / this
constexpr double kWarmup = 0.05;      // share of the steps the learning rate ramps up over
constexpr double kFloorLr = 0.05;     // the cosine decay ends at this share of the peak
constexpr int kReportEvery = 10;

void check_options(const JudgeTrainingOptions& o) {
  if (o.output.empty()) throw UsageError("training the judges needs an output folder");
  if (o.steps < 1 || o.steps > 1000000) throw UsageError("judge training steps must be in 1..1000000");
  if (o.batch < 2 || o.batch > 4096) throw UsageError("the judge training batch must be in 2..4096");
  if (!(o.lr > 0 && o.lr < 1)) throw UsageError("the judge learning rate must be in (0, 1)");
  if (o.validation < 2 || o.validation > 100000) throw UsageError("judge validation needs 2..100000 motions per split");
}

double learning_rate(const JudgeTrainingOptions& o, int step) {
  const double warm = std::max(1.0, kWarmup * o.steps);
  if (step < warm) return o.lr * (step + 1) / warm;
  const double t = (step - warm) / std::max(1.0, o.steps - warm);
  return o.lr * (kFloorLr + (1 - kFloorLr) * 0.5 * (1 + std::cos(M_PI * t)));
}

void set_lr(torch::optim::AdamW& opt, double lr) {
  for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

std::vector<torch::Tensor> parameters_of(const std::vector<torch::nn::Module*>& modules) {
  std::vector<torch::Tensor> out;
  for (auto* m : modules)
    for (auto& p : m->parameters()) out.push_back(p);
  return out;
}

std::vector<int64_t> draw_rows(Rng& rng, int64_t n, int count) {
  std::vector<int64_t> rows;
  for (int i = 0; i < count; ++i) rows.push_back(rng.integer(0, static_cast<int>(n - 1)));
  return rows;
}

// Cross-entropy of every head of both slots; heads without a label are ignored.
torch::Tensor classifier_loss(const torch::Tensor& logits, const torch::Tensor& labels) {
  auto loss = torch::zeros({});
  int64_t at = 0;
  for (int slot = 0; slot < kActionSlots; ++slot)
    for (int h = 0; h < kLabelHeads; ++h) {
      const auto n = static_cast<int64_t>(label_values(static_cast<LabelHead>(h)).size());
      const auto target = labels.select(1, slot).select(1, h);
      if ((target != kNoLabel).any().item<bool>())
        loss = loss + F::cross_entropy(logits.narrow(1, at, n), target, F::CrossEntropyFuncOptions().ignore_index(kNoLabel));
      at += n;
    }
  return loss;
}

// Symmetric InfoNCE over a batch; other motions of the same spec are not negatives.
torch::Tensor contrastive_loss(const torch::Tensor& motions, const torch::Tensor& captions, const torch::Tensor& spec_ids) {
  const auto same = spec_ids.unsqueeze(0) == spec_ids.unsqueeze(1);
  const auto own = torch::eye(spec_ids.size(0), torch::kBool);
  const auto logits = (motions.matmul(captions.t()) / kTemperature).masked_fill(same & ~own, -1e4);
  const auto target = torch::arange(spec_ids.size(0), torch::kInt64);
  return (F::cross_entropy(logits, target) + F::cross_entropy(logits.t(), target)) / 2;
}

struct Trainer {
  const JudgeTrainingOptions& o;
  const JudgeTrainingSet& data;
  JudgeNetworks nets;
  WordVocabulary words;
  torch::optim::AdamW classifier_opt, contrastive_opt;
  Rng classifier_rng, contrastive_rng;

  Trainer(const JudgeTrainingOptions& options, const JudgeTrainingSet& set, JudgeNetworks n, WordVocabulary w)
      : o(options), data(set), nets(std::move(n)), words(std::move(w)),
        classifier_opt(parameters_of({nets->classifier.get()}), torch::optim::AdamWOptions(o.lr).weight_decay(1e-4)),
        contrastive_opt(parameters_of({nets->motion_encoder.get(), nets->text_encoder.get()}),
                        torch::optim::AdamWOptions(o.lr).weight_decay(1e-4)),
        classifier_rng(mix_seed(o.seed, 21)), contrastive_rng(mix_seed(o.seed, 22)) {}

  double classifier_step(double lr) {
    const auto rows = draw_rows(classifier_rng, data.size(), o.batch);
    const auto b = data.batch(rows);
    const auto labels = data.labels.index_select(0, torch::tensor(rows));
    const auto loss = classifier_loss(nets->classifier(nets->normalise(b.features, b.lengths), b.lengths), labels);
    set_lr(classifier_opt, lr);
    classifier_opt.zero_grad();
    loss.backward();
    classifier_opt.step();
    return loss.item<double>();
  }

  double contrastive_step(double lr) {
    const auto rows = draw_rows(contrastive_rng, data.size(), o.batch);
    std::vector<std::string> captions;
    std::vector<int64_t> ids;
    for (auto r : rows) {
      const auto& all = data.captions[static_cast<size_t>(r)];
      captions.push_back(all[static_cast<size_t>(contrastive_rng.integer(0, static_cast<int>(all.size()) - 1))]);
      ids.push_back(data.spec_ids[static_cast<size_t>(r)]);
    }
    const auto b = data.batch(rows);
    const auto [tokens, lengths] = words.encode(captions, nets->architecture.max_words);
    const auto loss = contrastive_loss(nets->embed_motions(b.features, b.lengths), nets->embed_captions(tokens, lengths),
                                       torch::tensor(ids));
    set_lr(contrastive_opt, lr);
    contrastive_opt.zero_grad();
    loss.backward();
    contrastive_opt.step();
    return loss.item<double>();
  }
};

JudgeNetworks initial_networks(const JudgeTrainingSet& set, const WordVocabulary& words, uint64_t seed) {
  JudgeArchitecture a;
  a.vocabulary = words.size();
  torch::manual_seed(seed);
  JudgeNetworks nets(a);
  torch::NoGradGuard no_grad;
  nets->feature_mean.copy_(set.feature_mean);
  nets->feature_std.copy_(set.feature_std);
  return nets;
}

std::vector<std::string> every_caption(const JudgeTrainingSet& set) {
  std::vector<std::string> all;
  for (const auto& c : set.captions) all.insert(all.end(), c.begin(), c.end());
  return all;
}

int64_t parameter_count(JudgeNetworks& nets) {
  int64_t n = 0;
  for (const auto& p : nets->parameters()) n += p.numel();
  return n;
}

// What the judges learnt from and how: enough to make them again (docs/model-zoo.md).
nlohmann::json training_json(const JudgeTrainingOptions& o, int64_t motions) {
  const auto dataset = read_json_file(o.data / "dataset.json", "motion dataset");
  return {{"dataset", {{"seed", dataset.value("seed", nlohmann::json(nullptr))}, {"motions", motions}}},
          {"seed", o.seed}, {"steps", o.steps}, {"batch", o.batch}, {"lr", o.lr}, {"threads", torch::get_num_threads()}};
}

}  // namespace

nlohmann::json JudgeTrainingReport::to_json() const {
  nlohmann::json v = nlohmann::json::array();
  for (const auto& x : validation) v.push_back(x.to_json());
  return {{"motions", motions}, {"parameters", parameters}, {"seconds", seconds}, {"validation", v}};
}

JudgeTrainingReport train_motion_judges(const JudgeTrainingOptions& o, const ProgressCallback& progress) {
  check_options(o);
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const auto set = load_judge_training_set(o.data);
  auto words = WordVocabulary::of_captions(every_caption(set));
  Trainer t(o, set, initial_networks(set, words, o.seed), words);
  t.nets->train();
  for (int step = 0; step < o.steps; ++step) {
    const double lr = learning_rate(o, step);
    const double a = t.classifier_step(lr), c = t.contrastive_step(lr);
    if (progress && ((step + 1) % kReportEvery == 0 || step + 1 == o.steps)) {
      char message[96];
      std::snprintf(message, sizeof message, "classifier %.3f contrastive %.3f", a, c);
      if (progress({"training judges", step + 1, o.steps, elapsed(), message}) == ProgressAction::stop) throw Cancelled();
    }
  }
  t.nets->eval();
  JudgeTrainingReport report;
  report.motions = set.size();
  report.parameters = parameter_count(t.nets);
  auto config = nlohmann::json{{"training", training_json(o, set.size())}};
  save_judges(o.output, t.nets, words, config);
  // Checked as they will be used: read back from the F16 files.
  const auto judges = MotionJudges::load(o.output);
  for (const bool heldout : {false, true})
    report.validation.push_back(validate_judges(judges, heldout ? "heldout" : "train",
                                                fresh_motions(heldout, o.validation, o.seed), mix_seed(o.seed, 23)));
  report.seconds = elapsed();
  config = judges.config();
  config["training"]["seconds"] = report.seconds;
  config["parameters"] = report.parameters;
  config["validation"] = report.to_json()["validation"];
  save_judge_config(o.output, config);
  return report;
}

}  // namespace gen::humans
