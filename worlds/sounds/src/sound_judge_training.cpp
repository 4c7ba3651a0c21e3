#include <gen/sounds/sound_judge_training.h>

#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adamw.h>

#include <gen/audio/audio_io.h>
#include <gen/error.h>
#include <gen/json_file.h>
#include <gen/seeded_rng.h>
#include <gen/sounds/heldout_split.h>
#include <gen/sounds/sound_dataset.h>
#include <gen/sounds/sound_render.h>

#include "judge_features.h"
#include "judge_input.h"
#include "judge_store.h"
#include "world_config.h"

namespace gen::sounds {

namespace {

namespace F = torch::nn::functional;

constexpr double kWarmup = 0.05;   // share of the steps the learning rate ramps up over
constexpr double kFloorLr = 0.05;  // the cosine decay ends at this share of the peak
constexpr int kReportEvery = 10;
constexpr uint64_t kFreshSalt = 0x66726573ull;  // "fres": apart from the dataset's split salts (1, 2)

void check_options(const SoundJudgeTrainingOptions& o) {
  if (o.output.empty()) throw UsageError("training the judges needs an output folder");
  if (o.steps < 1 || o.steps > 1000000) throw UsageError("judge training steps must be in 1..1000000");
  if (o.batch < 2 || o.batch > 4096) throw UsageError("the judge training batch must be in 2..4096");
  if (!(o.lr > 0 && o.lr < 1)) throw UsageError("the judge learning rate must be in (0, 1)");
  if (o.validation < 2 || o.validation > 100000) throw UsageError("judge validation needs 2..100000 clips per split");
}

double learning_rate(const SoundJudgeTrainingOptions& o, int step) {
  const double warm = std::max(1.0, kWarmup * o.steps);
  if (step < warm) return o.lr * (step + 1) / warm;
  const double t = (step - warm) / std::max(1.0, o.steps - warm);
  return o.lr * (kFloorLr + (1 - kFloorLr) * 0.5 * (1 + std::cos(M_PI * t)));
}

// Every source the world makes, in a fixed order, with its kind.
SoundClassifierArchitecture architecture_for_world() {
  SoundClassifierArchitecture a;
  const auto& w = world_config();
  const auto add = [&](const std::string& source, const char* kind) { a.sources.push_back(source), a.kinds.push_back(kind); };
  for (const auto& [name, program] : config_at(w, "instruments").items()) add(name, "note");
  for (const auto& name : config_strings(w, "waveforms")) add(name, "tone");
  for (const auto& [name, key] : config_at(w, "drums").items()) add(name, "drum");
  add("kit", "beat");
  for (const auto& name : config_strings(w, "chirp_directions")) add(name, "chirp");
  for (const auto& name : config_strings(w, "noise_colours")) add(name, "noise");
  for (const auto& [name, level] : config_at(w, "loudness").items()) a.loudness.push_back(name);
  const auto& c = config_at(judges_config(), "classifier");
  a.channels.clear();
  for (const auto& v : config_at(c, "channels")) a.channels.push_back(v.get<int64_t>());
  a.embedding = static_cast<int64_t>(config_number(c, "embedding"));
  a.mels = static_cast<int64_t>(config_number(judges_config(), "log_mel/mels"));
  return a;
}

int64_t index_of(const std::vector<std::string>& list, const std::string& item, const std::string& what) {
  const auto it = std::find(list.begin(), list.end(), item);
  if (it == list.end()) throw InputError("the dataset has a " + what + " '" + item + "' the sounds world does not know");
  return it - list.begin();
}

// The dataset's clips as judge log-mels [N, mels, frames] with their labels.
struct TrainingSet {
  torch::Tensor mels, source, loudness;
  int64_t size() const { return mels.size(0); }
};

TrainingSet load_training_set(const SoundDataset& data, const SoundClassifierArchitecture& a,
                              const ProgressCallback& progress) {
  std::vector<torch::Tensor> mels;
  std::vector<int64_t> source, loudness;
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& clip : data.clips) {
    const auto audio = gen::audio::read_audio(data.root / clip.file);
    auto m = judge_log_mel(judge_samples(audio));
    if (!mels.empty() && m.size(1) != mels.front().size(1))
      throw InputError((data.root / clip.file).string() + " is not as long as the dataset's other clips");
    mels.push_back(m);
    source.push_back(index_of(a.sources, clip.spec.source, "source"));
    loudness.push_back(index_of(a.loudness, clip.spec.loudness, "loudness"));
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (progress && progress({"reading clips", static_cast<int64_t>(mels.size()), static_cast<int64_t>(data.clips.size()),
                              elapsed, ""}) == ProgressAction::stop)
      throw Cancelled();
  }
  if (mels.size() < 2) throw InputError(data.root.string() + " has fewer than two clips to train judges on");
  return {torch::stack(mels), torch::tensor(source), torch::tensor(loudness)};
}

// Augmentations in the log-mel domain: a random gain, a shift in time (silence fills in)
// and, on some clips, a noise floor below the clip's peak (a model's clips are not clean).
struct Augmenter {
  double gain_db;
  int64_t shift_lo, shift_hi;
  double noise_probability, noise_lo_db, noise_hi_db, floor;

  static Augmenter from_config() {
    const auto& c = config_at(judges_config(), "training");
    const auto [lo, hi] = config_range(c, "shift_frames");
    const auto [nlo, nhi] = config_range(c, "noise_db_below_peak");
    return {config_number(c, "gain_db"), static_cast<int64_t>(lo), static_cast<int64_t>(hi),
            config_number(c, "noise_probability"), nlo, nhi, judge_log_floor()};
  }

  torch::Tensor operator()(torch::Tensor m, Rng& rng) const {
    const double db_to_log = std::log(10.0) / 20;
    m = (m + rng.uniform(-gain_db, gain_db) * db_to_log).clamp_min(floor);
    const int64_t shift = rng.integer(static_cast<int>(shift_lo), static_cast<int>(shift_hi));
    const int64_t frames = m.size(1);
    if (shift != 0 && std::abs(shift) < frames) {
      auto out = torch::full_like(m, floor);
      if (shift > 0) out.narrow(1, shift, frames - shift).copy_(m.narrow(1, 0, frames - shift));
      else out.narrow(1, 0, frames + shift).copy_(m.narrow(1, -shift, frames + shift));
      m = out;
    }
    if (rng.chance(noise_probability)) {
      const double level = m.max().item<double>() - rng.uniform(noise_lo_db, noise_hi_db) * db_to_log;
      m = torch::logaddexp(m, torch::full_like(m, level));
    }
    return m;
  }
};

// What the judges learnt from and how: enough to make them again (docs/model-zoo.md).
nlohmann::json training_json(const SoundJudgeTrainingOptions& o, const SoundDataset& data) {
  const auto dataset = read_json_file(o.data / "dataset.json", "sounds dataset");
  return {{"dataset", {{"seed", dataset.value("seed", nlohmann::json(nullptr))}, {"clips", data.clips.size()}}},
          {"seed", o.seed}, {"steps", o.steps}, {"batch", o.batch}, {"lr", o.lr}, {"threads", torch::get_num_threads()}};
}

}  // namespace

FreshSounds fresh_sounds(const std::string& split, int count, uint64_t seed, int sample_rate, double clip_seconds) {
  const Split s = split == "heldout" ? Split::heldout : Split::train;
  FreshSounds out;
  for (int i = 0; i < count; ++i) {
    Rng rng(mix_seed(seed, kFreshSalt + static_cast<uint64_t>(s), static_cast<uint64_t>(i)));
    auto spec = sample_sound_spec(rng, s);
    fit_to_clip(spec, clip_seconds);
    out.clips.push_back(render_sound(spec, sample_rate, clip_seconds));
    out.specs.push_back(std::move(spec));
  }
  return out;
}

nlohmann::json SoundJudgeTrainingReport::to_json() const {
  nlohmann::json v = nlohmann::json::array();
  for (const auto& x : validation) {
    auto j = x.scores.to_json();
    j["split"] = x.split;
    v.push_back(j);
  }
  return {{"clips", clips}, {"parameters", parameters}, {"seconds", seconds}, {"validation", v}};
}

SoundJudgeTrainingReport train_sound_judges(const SoundJudgeTrainingOptions& o, const ProgressCallback& progress) {
  check_options(o);
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const auto data = load_sound_dataset(o.data);
  auto architecture = architecture_for_world();
  const auto set = load_training_set(data, architecture, progress);

  torch::manual_seed(o.seed);
  SoundClassifier classifier(architecture);
  {
    torch::NoGradGuard no_grad;
    classifier->feature_mean.fill_(set.mels.mean().item<double>());
    classifier->feature_std.fill_(set.mels.std().item<double>());
  }
  classifier->train();
  torch::optim::AdamW opt(classifier->parameters(), torch::optim::AdamWOptions(o.lr).weight_decay(1e-4));
  Rng rng(mix_seed(o.seed, 31));
  const auto augment = Augmenter::from_config();
  for (int step = 0; step < o.steps; ++step) {
    std::vector<torch::Tensor> mels;
    std::vector<int64_t> rows;
    for (int i = 0; i < o.batch; ++i) {
      rows.push_back(rng.integer(0, static_cast<int>(set.size() - 1)));
      mels.push_back(augment(set.mels[rows.back()], rng));
    }
    const auto index = torch::tensor(rows);
    const auto out = classifier->forward(torch::stack(mels));
    const auto loss = F::cross_entropy(out.source, set.source.index_select(0, index)) +
                      F::cross_entropy(out.loudness, set.loudness.index_select(0, index));
    for (auto& group : opt.param_groups())
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learning_rate(o, step));
    opt.zero_grad();
    loss.backward();
    opt.step();
    if (progress && ((step + 1) % kReportEvery == 0 || step + 1 == o.steps)) {
      char message[64];
      std::snprintf(message, sizeof message, "loss %.4f", loss.item<double>());
      if (progress({"training judges", step + 1, o.steps, elapsed(), message}) == ProgressAction::stop) throw Cancelled();
    }
  }
  classifier->eval();
  SoundJudgeTrainingReport report;
  report.clips = set.size();
  for (const auto& p : classifier->parameters()) report.parameters += p.numel();
  save_sound_judges(o.output, classifier, {{"training", training_json(o, data)}});
  // Checked as they will be used: read back from the F16 files, on renders no dataset holds.
  const auto judges = SoundJudges::load(o.output);
  for (const char* split : {"train", "heldout"}) {
    if (progress && progress({std::string("validating on ") + split, 0, 0, elapsed(), ""}) == ProgressAction::stop)
      throw Cancelled();
    const auto fresh = fresh_sounds(split, o.validation, o.seed, data.sample_rate, data.clip_seconds);
    report.validation.push_back({split, score_sounds(judges, fresh.specs, fresh.clips)});
  }
  report.seconds = elapsed();
  auto config = judges.config();
  config["training"]["seconds"] = report.seconds;
  config["parameters"] = report.parameters;
  config["validation"] = report.to_json()["validation"];
  save_sound_judge_config(o.output, config);
  return report;
}

}  // namespace gen::sounds
