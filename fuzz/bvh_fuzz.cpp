// libFuzzer target for the BVH reader (gen/motion/bvh.h): any text must either become a
// valid Motion within the limits or be rejected with one gen::InputError. A crash, a
// sanitizer report, a hang, any other exception, a motion over the limits, or a motion
// the writer then cannot write is a bug.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <gen/error.h>
#include <gen/motion/bvh.h>

namespace {

// Small limits keep each run fast; the reader must enforce them, checked below.
gen::motion::BvhReadOptions fuzz_options() {
  gen::motion::BvhReadOptions o;
  o.max_bytes = 1 << 20;
  o.max_frames = 512;
  o.max_joint_frames = 1 << 16;
  o.max_joints = 256;
  o.max_depth = 64;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gen::motion::BvhReadOptions options = fuzz_options();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gen::motion::Motion motion;
  try {
    motion = gen::motion::decode_bvh(text, "fuzz.bvh", options);
  } catch (const gen::InputError&) {
    return 0;  // rejected cleanly: the expected outcome for most inputs
  }
  gen::motion::check_motion(motion);  // throws (a finding) if the reader let a bad one through
  if (motion.frame_count() > options.max_frames ||
      motion.frame_count() * motion.skeleton.joint_count() > options.max_joint_frames)
    std::abort();
  // Whatever was read can be written, and our own output read back (it may only be
  // refused for values beyond the reader's range, e.g. a root far out).
  const auto written = gen::motion::encode_bvh(motion);
  try {
    gen::motion::BvhReadOptions metres = options;
    metres.scale = 1;
    metres.max_bytes = int64_t{64} << 20;
    (void)gen::motion::decode_bvh(written, "rewritten.bvh", metres);
  } catch (const gen::InputError&) {
  }
  return 0;
}
