#include <gen/sounds/sound_evaluation.h>

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include <gen/audio/audio_io.h>
#include <gen/error.h>
#include <gen/generation.h>
#include <gen/sounds/sound_dataset.h>

#include "judge_features.h"
#include "judge_input.h"

namespace gen::sounds {

namespace {

namespace fs = std::filesystem;

constexpr const char* kRealClips = "real clips";
constexpr const char* kSilence = "silence";
constexpr const char* kMismatchedReal = "mismatched real";
const std::string kResynthesised = "resynthesised (";  // + the vocoder + ")"
constexpr int kMaxReference = 512;  // real clips the Fréchet distance is measured to

void check_settings(const SoundEvaluationSettings& s) {
  if (s.splits.empty()) throw UsageError("nothing to evaluate: no split");
  if (s.count < 2) throw UsageError("--count must be at least 2");
  if (s.vocoder_clips < 0) throw UsageError("--vocoder-clips must not be negative");
  for (const auto& split : s.splits)
    if (split != "train" && split != "heldout") throw UsageError("unknown split '" + split + "' (train, heldout)");
}

struct Case {
  SoundClip clip;
  gen::audio::Audio real;
};

// The split's first `count` clips (the cases) and up to kMaxReference others (the Fréchet reference).
struct SplitData {
  std::vector<Case> cases;
  std::vector<gen::audio::Audio> reference;
};

SplitData split_data(const SoundDataset& data, const std::string& split, int count) {
  std::vector<const SoundClip*> clips;
  for (const auto& c : data.clips)
    if (c.split == split) clips.push_back(&c);
  const auto n = static_cast<int>(clips.size());
  if (count > n) throw UsageError("--count must be in 2.." + std::to_string(n) + " for split " + split);
  SplitData out;
  for (int i = 0; i < n && i < count + kMaxReference; ++i) {
    auto audio = gen::audio::read_audio(data.root / clips[static_cast<size_t>(i)]->file);
    if (i < count) out.cases.push_back({*clips[static_cast<size_t>(i)], std::move(audio)});
    else out.reference.push_back(std::move(audio));
  }
  // A split with nothing beyond the cases is compared with its own clips.
  if (out.reference.size() < 2)
    for (const auto& c : out.cases) out.reference.push_back(c.real);
  return out;
}

bool reads(const GenerationSession& session, const std::string& field) {
  const auto& inputs = session.plugin->info().inputs;
  return std::find(inputs.begin(), inputs.end(), field) != inputs.end();
}

bool has_option(const GenerationSession& session, const std::string& name) {
  const auto& options = session.plugin->info().options;
  return std::any_of(options.begin(), options.end(), [&](const OptionSpec& o) { return o.name == name; });
}

gen::audio::Audio sample_audio(const Sample& s) {
  const auto it = s.metadata.find("sample_rate");
  if (it == s.metadata.end() || !it->is_number_integer())
    throw ModelError("the audio model returned a clip without its sample_rate");
  const auto& d = s.data;
  if (!d.defined() || d.dim() != 2 || d.size(0) < 1 || !d.is_floating_point())
    throw ModelError("the audio model returned a sample that is not audio, float [channels, samples]");
  if (!torch::isfinite(d).all().item<bool>()) throw ModelError("the audio model returned non-finite samples");
  return {d.to(torch::kFloat32).contiguous(), it->get<int>()};
}

// Generates the cases' captions, reporting each clip as a step of `stage`.
struct ModelRun {
  GenerationSession& session;
  const SoundEvaluationSettings& s;
  double clip_seconds;
  const ProgressCallback& progress;
  std::string sampler;
  int steps = 0;

  Request request(const Case& c, size_t i) const {
    Request q;
    q.modality = Modality::audio;
    q.prompt = c.clip.caption;
    q.sampler = sampler;
    q.steps = steps;
    q.seed = s.seed + static_cast<int64_t>(i);
    if (s.cfg_scale >= 0 && reads(session, "cfg-scale")) q.cfg_scale = s.cfg_scale;
    if (reads(session, "duration")) q.audio.duration = clip_seconds;
    return q;
  }

  std::vector<gen::audio::Audio> operator()(const std::vector<Case>& cases, const std::string& stage, double& seconds,
                                            std::string& resolved_sampler, int& resolved_steps) {
    std::vector<gen::audio::Audio> out;
    const auto t0 = std::chrono::steady_clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    const auto total = static_cast<int64_t>(cases.size());
    const ProgressCallback relay = [&](const Progress&) {
      return progress ? progress({stage, static_cast<int64_t>(out.size()), total, elapsed(), ""}) : ProgressAction::proceed;
    };
    for (size_t i = 0; i < cases.size(); ++i) {
      const auto sample = generate(session, request(cases[i], i), relay).front();
      out.push_back(sample_audio(sample));
      if (relay({}) == ProgressAction::stop) throw Cancelled();
      if (resolved_sampler.empty())
        if (const auto it = sample.metadata.find("sampler"); it != sample.metadata.end() && it->is_string())
          resolved_sampler = it->get<std::string>();
      if (resolved_steps == 0)
        if (const auto it = sample.metadata.find("steps"); it != sample.metadata.end() && it->is_number_integer())
          resolved_steps = it->get<int>();
    }
    seconds = cases.empty() ? 0 : elapsed() / static_cast<double>(cases.size());
    return out;
  }
};

// The mean |difference| of the judges' log-mels of two clips, over the shorter's frames.
double log_mel_distance(const gen::audio::Audio& a, const gen::audio::Audio& b) {
  const auto x = judge_log_mel(judge_samples(a)), y = judge_log_mel(judge_samples(b));
  const int64_t frames = std::min(x.size(1), y.size(1));
  return (x.narrow(1, 0, frames) - y.narrow(1, 0, frames)).abs().mean().item<double>();
}

// The model's vocoders on real clips, through the plugin's -O resynthesize: the clips
// themselves (to be scored like generated ones: the codec's ceiling) and their distance.
struct Resynthesis {
  VocoderQuality quality;
  std::vector<std::pair<std::string, std::vector<gen::audio::Audio>>> clips;  // per vocoder that ran
};

Resynthesis resynthesize(GenerationSession& session, const SoundDataset& data, const std::vector<Case>& cases, int count) {
  Resynthesis out;
  auto& q = out.quality;
  q.clips = std::min(count, static_cast<int>(cases.size()));
  // Each vocoder on the clips' log-mels, then (when the plugin can) Griffin-Lim on the
  // VAE's round trip of them: the whole codec a generated clip comes out of.
  const bool through_vae = has_option(session, "resynthesize_vae");
  for (const std::string vocoder : {"hifigan", "griffin-lim", "vae + griffin-lim"}) {
    const bool vae = vocoder.rfind("vae", 0) == 0;
    if (vae && !through_vae) continue;
    double sum = 0;
    std::vector<gen::audio::Audio> clips;
    try {
      for (int i = 0; i < q.clips; ++i) {
        Request r;
        r.modality = Modality::audio;
        r.seed = 0;
        r.audio.init = fs::absolute(data.root / cases[static_cast<size_t>(i)].clip.file).string();
        r.options = {{"resynthesize", "true"}, {"vocoder", vae ? "griffin-lim" : vocoder}};
        if (vae) r.options["resynthesize_vae"] = "true";
        clips.push_back(sample_audio(generate(session, r).front()));
        sum += log_mel_distance(clips.back(), cases[static_cast<size_t>(i)].real);
      }
    } catch (const UsageError&) {
      continue;  // a model without that vocoder (no vocoder/ folder)
    }
    if (!vae) (vocoder == "hifigan" ? q.hifigan : q.griffin_lim) = q.clips > 0 ? sum / q.clips : 0.0;
    out.clips.emplace_back(vocoder, std::move(clips));
  }
  return out;
}

std::vector<gen::audio::Audio> real_clips(const std::vector<Case>& cases) {
  std::vector<gen::audio::Audio> out;
  for (const auto& c : cases) out.push_back(c.real);
  return out;
}

// Each case gets the real clip of the next case of another class.
std::vector<gen::audio::Audio> mismatched_clips(const std::vector<Case>& cases) {
  std::vector<gen::audio::Audio> out;
  for (size_t i = 0; i < cases.size(); ++i) {
    size_t j = (i + 1) % cases.size();
    for (size_t k = 1; k < cases.size(); ++k)
      if (const size_t c = (i + k) % cases.size(); sound_class(cases[c].clip.spec) != sound_class(cases[i].clip.spec)) {
        j = c;
        break;
      }
    out.push_back(cases[j].real);
  }
  return out;
}

std::vector<gen::audio::Audio> silent_clips(const std::vector<Case>& cases) {
  std::vector<gen::audio::Audio> out;
  for (const auto& c : cases) out.push_back({torch::zeros_like(c.real.samples), c.real.sample_rate});
  return out;
}

}  // namespace

nlohmann::json SoundEvaluationRow::to_json() const {
  auto j = scores.to_json();
  j["split"] = split, j["sampler"] = sampler, j["steps"] = steps, j["seconds_per_clip"] = seconds_per_clip;
  return j;
}

nlohmann::json VocoderQuality::to_json() const {
  const auto value = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"clips", clips}, {"hifigan_log_mel_l1", value(hifigan)}, {"griffin_lim_log_mel_l1", value(griffin_lim)}};
}

nlohmann::json SoundEvaluationReport::to_json() const {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& row : rows) runs.push_back(row.to_json());
  return {{"model", model}, {"plugin", plugin}, {"judges", judges}, {"cfg_scale", cfg_scale}, {"count", count},
          {"seed", seed},   {"runs", runs},     {"vocoder", vocoder ? vocoder->to_json() : nlohmann::json(nullptr)}};
}

SoundEvaluationReport evaluate_audio_model(const PluginRegistry& registry, const SoundEvaluationSettings& s,
                                           const std::function<void(const SoundEvaluationRow&)>& on_row,
                                           const ProgressCallback& progress) {
  check_settings(s);
  const auto judges = s.judges.empty() ? SoundJudges::load_default() : SoundJudges::load(s.judges);
  const auto data = load_sound_dataset(s.data);
  SoundEvaluationReport report{"", "", judges.folder().string(), s.cfg_scale, s.count, s.seed, {}, {}};
  // The model is loaded before any work, so a missing one fails at once.
  std::optional<GenerationSession> session;
  if (s.generate) {
    Request request;
    request.modality = Modality::audio;
    request.model = s.model;
    session = open_session(registry, request);
    report.model = session->model, report.plugin = session->plugin->info().name;
  }
  for (const auto& split : s.splits) {
    const auto d = split_data(data, split, s.count);
    std::vector<SoundSpec> truth;
    std::vector<std::string> captions;
    for (const auto& c : d.cases) truth.push_back(c.clip.spec), captions.push_back(c.clip.caption);
    const auto reference = judges.embed(d.reference);
    const auto emit = [&](const std::string& sampler, int steps, double seconds, const std::vector<gen::audio::Audio>& clips) {
      const auto n = static_cast<std::ptrdiff_t>(clips.size());
      const std::vector<SoundSpec> scored(truth.begin(), truth.begin() + n);
      const std::vector<std::string> asked(captions.begin(), captions.begin() + n);
      report.rows.push_back({split, sampler, steps, seconds, score_sounds(judges, scored, clips, reference, asked)});
      if (on_row) on_row(report.rows.back());
    };
    emit(kRealClips, 0, 0, real_clips(d.cases));
    if (s.baselines) {
      emit(kSilence, 0, 0, silent_clips(d.cases));
      emit(kMismatchedReal, 0, 0, mismatched_clips(d.cases));
    }
    if (!session) continue;
    for (const auto& sampler : s.samplers)
      for (int steps : s.steps) {
        ModelRun run{*session, s, data.clip_seconds, progress, sampler, steps};
        double seconds = 0;
        std::string resolved_sampler = sampler;
        int resolved_steps = steps;
        const auto clips = run(d.cases, "generating " + split, seconds, resolved_sampler, resolved_steps);
        emit(resolved_sampler.empty() ? "default" : resolved_sampler, resolved_steps, seconds, clips);
      }
    if (!report.vocoder && s.vocoder_clips > 0 && has_option(*session, "resynthesize")) {
      auto resynthesis = resynthesize(*session, data, d.cases, s.vocoder_clips);
      report.vocoder = resynthesis.quality;
      // The real clips' log-mels through each vocoder, scored like generated clips: what
      // a model could reach at best with this mel front end and vocoder.
      for (const auto& [vocoder, clips] : resynthesis.clips) emit(kResynthesised + vocoder + ")", 0, 0, clips);
    }
  }
  return report;
}

}  // namespace gen::sounds
