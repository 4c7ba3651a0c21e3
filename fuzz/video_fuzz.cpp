// libFuzzer target for the video reader (MP4/MOV, WebM/Matroska, GIF from memory,
// through the same custom AVIOContext that reads files): any input must either decode
// or be rejected with gen::InputError. A crash, a sanitizer report, a hang, any other
// exception, or frames outside the limits is a bug.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <gen/error.h>

#include "input_source.h"
#include "video_reader.h"

namespace {

// Small limits keep each run fast; the reader must enforce them, checked below.
gen::video::ReadLimits fuzz_limits() {
  gen::video::ReadLimits limits;
  limits.max_frames = 64;
  limits.max_frame_pixels = 1 << 20;
  limits.max_bytes = 64 << 20;
  limits.max_seconds = 5;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gen::video::ReadLimits limits = fuzz_limits();
  gen::video::detail::MemorySource source(std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const auto video = gen::video::detail::decode_video(source, "fuzz", limits);
    const auto& f = video.frames;
    if (f.dim() != 4 || f.size(0) < 1 || f.size(0) > limits.max_frames || f.size(3) != 3 ||
        f.size(1) * f.size(2) > limits.max_frame_pixels || !(video.fps.value() > 0))
      std::abort();  // a result outside the documented layout or limits
  } catch (const gen::InputError&) {
    // rejected cleanly: the expected outcome for most inputs
  }
  return 0;
}
