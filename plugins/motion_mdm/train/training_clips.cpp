#include "training_clips.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <sstream>

#include <gen/error.h>
#include <gen/nn/clip_vocabulary.h>
#include <gen/humans/motion_dataset.h>
#include <gen/motion/humanml_features.h>
#include <gen/motion/skeleton.h>

namespace motion_mdm {

RawClips load_training_clips(const std::filesystem::path& dir, const std::string& split, int64_t max_clips,
                             const gen::ProgressCallback& progress) {
  const auto data = gen::humans::load_motion_dataset(dir, split);
  if (std::abs(data.fps - gen::motion::kHumanMLFps) > 1e-9)
    throw gen::InputError(dir.string() + ": the motions are at " + std::to_string(data.fps) +
                          " fps; MDM trains on HumanML3D features at 20 fps (gen data motion --fps 20)");
  int64_t n = static_cast<int64_t>(data.records.size());
  if (max_clips > 0) n = std::min(n, max_clips);
  RawClips out;
  std::vector<torch::Tensor> rows;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < n; ++i) {
    gen::motion::Motion m;
    m.skeleton = gen::motion::smpl22();
    m.fps = data.fps;
    m.positions = data.positions[i].narrow(0, 0, data.lengths[i].item<int64_t>()).contiguous();
    auto features = gen::motion::humanml_encode(m);
    rows.push_back(features);
    out.features.push_back(features);
    out.captions.push_back(data.records[static_cast<size_t>(i)].captions);
    out.spans.push_back(data.records[static_cast<size_t>(i)].spans);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (progress && (i % 256 == 255 || i + 1 == n)) progress({"encoding motions", i + 1, n, elapsed, ""});
  }
  if (rows.empty()) throw gen::InputError(dir.string() + ": the " + split + " split has no motions");
  out.raw_rows = torch::cat(rows, 0);
  return out;
}

torch::Tensor later_action_frames(const std::vector<gen::humans::ActionSpan>& spans, int64_t frames) {
  auto marked = torch::zeros({frames});
  for (size_t i = 1; i < spans.size(); ++i) {
    const int64_t begin = std::clamp<int64_t>(spans[i].start, 0, frames);
    const int64_t end = std::clamp<int64_t>(spans[i].end, 0, frames);
    if (end > begin) marked.narrow(0, begin, end - begin).fill_(1);
  }
  return marked;
}

torch::Tensor span_weights(const std::vector<gen::humans::ActionSpan>& spans, int64_t frames, double handover) {
  if (spans.empty()) throw gen::ModelError("span_weights needs at least one action span");
  const auto n = static_cast<int64_t>(spans.size());
  // after[k][f]: how far frame f has handed over from action k to k + 1 (0 before the
  // boundary's window, 1 after it; frame f stands at f + 0.5).
  auto after = torch::zeros({n + 1, frames}, torch::kFloat64);
  after[0].fill_(1);
  const auto centres = torch::arange(frames, torch::kFloat64) + 0.5;
  for (int64_t k = 0; k + 1 < n; ++k) {
    const double end = static_cast<double>(spans[static_cast<size_t>(k)].end);
    const double next = static_cast<double>(spans[static_cast<size_t>(k + 1)].start);
    const double centre = 0.5 * (end + next), width = std::max(next - end, handover);
    after[k + 1] = width > 0 ? ((centres - (centre - 0.5 * width)) / width).clamp(0, 1)
                             : (centres > centre).to(torch::kFloat64);
  }
  // Action k holds what frame f has handed to it minus what it has handed on.
  auto w = (after.narrow(0, 0, n) - after.narrow(0, 1, n)).clamp_min(0).transpose(0, 1);
  return (w / w.sum(1, true).clamp_min(1e-12)).to(torch::kFloat32).contiguous();
}

FeatureClips normalize_clips(const RawClips& clips, const gen::motion::FeatureNormalizer& normalizer) {
  int64_t longest = 0;
  for (const auto& f : clips.features) longest = std::max(longest, f.size(0));
  const int64_t n = static_cast<int64_t>(clips.features.size());
  FeatureClips out;
  out.features = torch::zeros({n, gen::motion::kHumanMLFeatureSize, longest});
  out.lengths = torch::empty({n}, torch::kLong);
  out.later_actions = torch::zeros({n, longest});
  for (int64_t i = 0; i < n; ++i) {
    const auto& f = clips.features[static_cast<size_t>(i)];
    out.features[i].narrow(1, 0, f.size(0)).copy_(normalizer.normalize(f).transpose(0, 1));
    out.lengths[i] = f.size(0);
    if (!clips.spans.empty())
      out.later_actions[i].copy_(later_action_frames(clips.spans[static_cast<size_t>(i)], longest));
  }
  out.captions = clips.captions;
  out.spans = clips.spans;
  return out;
}

std::vector<std::string> caption_words(const std::vector<std::vector<std::string>>& captions) {
  std::vector<std::string> all;
  for (const auto& phrasings : captions) all.insert(all.end(), phrasings.begin(), phrasings.end());
  return gen::nn::clip_words(all);
}

}  // namespace motion_mdm
