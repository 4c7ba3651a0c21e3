#include <gen/humans/labelled_motion.h>

#include <gen/error.h>
#include <gen/humans/animator.h>
#include <gen/humans/captions.h>
#include <gen/humans/heldout_split.h>
#include <gen/motion/skeleton.h>
#include <gen/seeded_rng.h>


namespace gen::humans {

namespace {

// Salts write_motion_dataset never uses (it mixes 1 + split), so a fresh motion is
// never a dataset's motion for the same seed.
constexpr uint64_t kFreshSalt = 0x6a75646765ull;  // "judge"

}  // namespace

LabelledMotion animate_labelled(const MotionSpec& spec, uint64_t seed, double fps, int captions) {
  auto animated = animate(spec, seed, fps);
  LabelledMotion m{spec, caption_motion(spec, mix_seed(seed, 2), captions), std::move(animated.motion), seed};
  m.motion.rotations = torch::Tensor();
  return m;
}

std::vector<LabelledMotion> fresh_motions(bool heldout, int count, uint64_t seed, double fps) {
  std::vector<LabelledMotion> out;
  for (int i = 0; i < count; ++i) {
    const uint64_t s = mix_seed(seed, kFreshSalt + (heldout ? 1 : 0), static_cast<uint64_t>(i));
    out.push_back(animate_labelled(random_motion_spec(mix_seed(s, 1), heldout), s, fps));
  }
  return out;
}

std::vector<LabelledMotion> dataset_motions(const MotionDataset& data, int64_t first, int64_t count) {
  const auto n = static_cast<int64_t>(data.records.size());
  if (first < 0 || count < 0 || first + count > n)
    throw UsageError("motions " + std::to_string(first) + ".." + std::to_string(first + count - 1) + " are not in a split of " +
                     std::to_string(n));
  std::vector<LabelledMotion> out;
  for (int64_t i = first; i < first + count; ++i) {
    const auto& r = data.records[static_cast<size_t>(i)];
    motion::Motion m{motion::smpl22(), data.fps, data.positions[i].narrow(0, 0, r.length), {}};
    out.push_back({r.spec, r.captions, std::move(m), r.seed});
  }
  return out;
}

}  // namespace gen::humans
