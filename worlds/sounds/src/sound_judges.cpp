#include <gen/sounds/sound_judges.h>

#include <nlohmann/json.hpp>

#include <gen/assets.h>
#include <gen/error.h>
#include <gen/sounds/pitch_estimator.h>
#include <gen/sounds/sound_spec.h>

#include "judge_features.h"
#include "judge_input.h"
#include "judge_store.h"

namespace gen::sounds {

struct SoundJudges::State {
  std::filesystem::path folder;
  StoredSoundJudges stored;
};

SoundJudges::SoundJudges(std::shared_ptr<State> state) : state_(std::move(state)) {}

SoundJudges SoundJudges::load(const std::filesystem::path& dir) {
  auto s = std::make_shared<State>();
  s->folder = dir;
  s->stored = load_sound_judges(dir);
  return SoundJudges(std::move(s));
}

SoundJudges SoundJudges::load_default() {
  const auto dir = find_asset("judge-audio", "judges.safetensors");
  if (dir.empty()) throw InputError("no audio judges found (looked in " + asset_places("judge-audio") + ")");
  return load(dir);
}

namespace {

SoundClassifierOutput classify(SoundClassifier& classifier, const gen::audio::Audio& clip) {
  torch::NoGradGuard no_grad;
  return classifier->forward(judge_log_mel(judge_samples(clip)).unsqueeze(0));
}

}  // namespace

std::vector<SoundReading> SoundJudges::read(const std::vector<gen::audio::Audio>& clips) const {
  auto& classifier = state_->stored.classifier;
  const auto& a = classifier->architecture;
  std::vector<SoundReading> out;
  for (const auto& clip : clips) {
    const auto o = classify(classifier, clip);
    SoundReading r;
    const auto source = static_cast<size_t>(o.source.argmax(1).item<int64_t>());
    r.source = a.sources[source];
    r.kind = a.kinds[source];
    SoundSpec spec;
    spec.kind = parse_kind(r.kind);
    spec.source = r.source;
    r.sound_class = sound_class(spec);
    r.loudness = a.loudness[static_cast<size_t>(o.loudness.argmax(1).item<int64_t>())];
    if (const auto pitch = estimate_pitch(clip)) r.midi = pitch->midi;
    r.timing = measure_timing(clip);
    r.tempo_bpm = estimate_tempo(clip);
    out.push_back(std::move(r));
  }
  return out;
}

torch::Tensor SoundJudges::embed(const std::vector<gen::audio::Audio>& clips) const {
  std::vector<torch::Tensor> rows;
  for (const auto& clip : clips) rows.push_back(classify(state_->stored.classifier, clip).embedding);
  if (rows.empty()) return torch::zeros({0, state_->stored.classifier->architecture.embedding});
  return torch::cat(rows);
}

const nlohmann::json& SoundJudges::config() const { return state_->stored.config; }
const std::filesystem::path& SoundJudges::folder() const { return state_->folder; }

}  // namespace gen::sounds
